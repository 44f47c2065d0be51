import logging

from desktop_client.core.errors import ApiError, ErrorKind
from desktop_client.core.logs import setup_logging
from desktop_client.core.redact import REDACTOR, redact, register_secret


def test_registered_secrets_are_replaced_everywhere(canary_key: str) -> None:
    register_secret(canary_key, "key:work")
    register_secret("https://relay.example.com/canary-path", "base-url:work")
    text = f"GET https://relay.example.com/canary-path/v1/models with Bearer {canary_key}"
    out = redact(text)
    assert canary_key not in out
    assert "canary-path" not in out
    assert "<base-url:work>/v1/models" in out


def test_generic_patterns_catch_unregistered_keys() -> None:
    out = redact("Authorization: Bearer abcdefghijklmnop1234 and sk-proj-ABCDEFGHIJKLMNOPQRST")
    assert "abcdefghijklmnop1234" not in out
    assert "ABCDEFGHIJKLMNOPQRST" not in out
    assert redact('{"mj-api-secret": "hunter2hunter2"}').count("hunter2") == 0


def test_url_encoded_form_is_redacted() -> None:
    register_secret("sk-with/slash+plus==", "key")
    assert "sk-with%2Fslash%2Bplus%3D%3D" not in redact("q=sk-with%2Fslash%2Bplus%3D%3D")


def test_errors_redact_their_text(canary_key: str) -> None:
    register_secret(canary_key)
    error = ApiError(f"boom {canary_key}", hint=f"hint {canary_key}", detail=canary_key, kind=ErrorKind.SERVER)
    assert canary_key not in str(error)
    assert canary_key not in repr(error.args)


def test_log_lines_and_tracebacks_are_redacted(home, canary_key: str) -> None:
    log_file = setup_logging(home.logs)
    register_secret(canary_key, "key")
    log = logging.getLogger("test.redact")
    log.warning("the key is %s", canary_key)
    try:
        raise RuntimeError(f"failure carrying {canary_key}")
    except RuntimeError:
        log.exception("crash")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = log_file.read_text()
    assert "the key is <key>" in text
    assert "failure carrying <key>" in text
    assert canary_key not in text


def test_short_values_are_not_registered() -> None:
    REDACTOR.add("abc")
    assert redact("abc abc") == "abc abc"


def test_logs_rotate(home) -> None:
    log_file = setup_logging(home.logs)
    log = logging.getLogger("test.rotate")
    line = "x" * 1000
    for _ in range(3000):  # about 3 MB
        log.info(line)
    names = sorted(p.name for p in home.logs.iterdir())
    assert names[:3] == ["keyhold.log", "keyhold.log.1", "keyhold.log.2"]
    assert all(p.stat().st_size <= 1_100_000 for p in home.logs.iterdir())
    assert log_file.exists()


def test_the_host_of_a_secret_url_is_redacted_too() -> None:
    register_secret("https://Relay.Example.com:8443/v1", "base-url:w")
    out = redact("certificate is not valid for 'relay.example.com'; connect relay.example.com:8443")
    assert "relay.example.com" not in out.lower()
    register_secret("http://127.0.0.1:11434/v1", "base-url:local")
    assert "127.0.0.1" in redact("listening on 127.0.0.1")  # loopback hosts are not secrets


def test_proxy_credentials_are_redacted() -> None:
    register_secret("socks5://alice:hunter22@proxy.example.com:1080", "proxy")
    assert "hunter22" not in redact("auth failed for hunter22")
