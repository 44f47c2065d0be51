import pytest

from desktop_client.core.errors import InputError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.urls import (
    UrlWarning,
    is_loopback_host,
    mj_endpoint,
    normalize_base_url,
    openai_api_root,
    openai_endpoint,
    validate_proxy_url,
)

OPENAI = ProfileKind.OPENAI
MJ = ProfileKind.MIDJOURNEY


@pytest.mark.parametrize(
    ("raw", "models_url"),
    [
        ("https://api.openai.com", "https://api.openai.com/v1/models"),
        ("https://api.openai.com/", "https://api.openai.com/v1/models"),
        ("https://api.openai.com/v1", "https://api.openai.com/v1/models"),
        ("  https://api.openai.com/v1/  ", "https://api.openai.com/v1/models"),
        ("https://api.openai.com/v1//", "https://api.openai.com/v1/models"),
        ("https://relay.example.com/v1/chat/completions", "https://relay.example.com/v1/models"),
        ("https://relay.example.com/openai", "https://relay.example.com/openai/v1/models"),
        ("https://relay.example.com/openai/v1", "https://relay.example.com/openai/v1/models"),
        ("https://open.bigmodel.cn/api/paas/v4", "https://open.bigmodel.cn/api/paas/v4/models"),
        ("HTTPS://Relay.Example.com:8443/v1", "https://Relay.Example.com:8443/v1/models"),
        ("http://127.0.0.1:11434/v1", "http://127.0.0.1:11434/v1/models"),
    ],
)
def test_openai_base_never_doubles_v1(raw: str, models_url: str) -> None:
    base = normalize_base_url(raw, OPENAI).base
    assert openai_endpoint(base, "models") == models_url
    assert "/v1/v1" not in openai_endpoint(base, "chat/completions")
    # normalising twice changes nothing
    assert normalize_base_url(base, OPENAI).base == base


def test_endpoint_paste_is_trimmed_with_a_warning() -> None:
    result = normalize_base_url("https://relay.example.com/v1/chat/completions/", OPENAI)
    assert result.base == "https://relay.example.com/v1"
    assert UrlWarning.REMOVED_ENDPOINT in result.warnings


@pytest.mark.parametrize(
    ("raw", "imagine"),
    [
        ("https://mj.example.com", "https://mj.example.com/mj/submit/imagine"),
        ("https://mj.example.com/", "https://mj.example.com/mj/submit/imagine"),
        ("https://relay.example.com/mj-relax", "https://relay.example.com/mj-relax/mj/submit/imagine"),
        ("https://relay.example.com/mj-fast/", "https://relay.example.com/mj-fast/mj/submit/imagine"),
        ("https://relay.example.com/mj/submit/imagine", "https://relay.example.com/mj/submit/imagine"),
    ],
)
def test_midjourney_bases(raw: str, imagine: str) -> None:
    assert mj_endpoint(normalize_base_url(raw, MJ).base, "submit/imagine") == imagine


def test_trailing_mj_warns_but_is_kept() -> None:
    result = normalize_base_url("https://mj.example.com/mj/", MJ)
    assert result.base == "https://mj.example.com/mj"
    assert result.warnings == (UrlWarning.TRAILING_MJ,)


def test_plain_http_is_flagged() -> None:
    assert UrlWarning.PLAIN_HTTP in normalize_base_url("http://relay.example.com", OPENAI).warnings
    assert normalize_base_url("https://relay.example.com", OPENAI).warnings == ()
    assert normalize_base_url("http://127.0.0.1:11434/v1", OPENAI).warnings == ()


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("", "empty"),
        ("api.openai.com", "no scheme"),
        ("ftp://x.example.com", "scheme"),
        ("https://", "host"),
        ("https://x.example.com/v1?key=1", "? or #"),
        ("https://x.exa mple.com", "spaces"),
    ],
)
def test_bad_urls_say_what_is_wrong(raw: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_base_url(raw, OPENAI)
    assert fragment in str(info.value)
    assert info.value.hint


def test_api_root_keeps_version_suffixes() -> None:
    assert openai_api_root("https://h/v1beta") == "https://h/v1beta"
    assert openai_api_root("https://h/v1") == "https://h/v1"
    assert openai_api_root("https://h/api") == "https://h/api/v1"


@pytest.mark.parametrize(
    ("host", "loop"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("api.localhost", False),
        ("10.0.0.1", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_loopback(host: str, loop: bool) -> None:
    assert is_loopback_host(host) is loop


def test_proxy_validation() -> None:
    assert validate_proxy_url(" socks5://127.0.0.1:1080 ") == "socks5://127.0.0.1:1080"
    assert validate_proxy_url("") == ""
    with pytest.raises(InputError):
        validate_proxy_url("127.0.0.1:1080")
    with pytest.raises(InputError):
        validate_proxy_url("http://proxy.example.com")


@pytest.mark.parametrize(
    "raw",
    [
        "http://[",
        "https://relay.example.com：8443/v1",
        "https://relay.example.com:99999",
        "https://h.example.com:8o80",
    ],
)
def test_malformed_addresses_are_input_errors(raw: str) -> None:
    with pytest.raises(InputError) as info:
        normalize_base_url(raw, OPENAI)
    assert info.value.hint


def test_proxy_password_never_appears_in_the_error() -> None:
    with pytest.raises(InputError) as info:
        validate_proxy_url("http://alice:hunter22")
    assert "hunter22" not in str(info.value)


def test_only_the_literal_localhost_name_is_loopback() -> None:
    assert not is_loopback_host("evil.localhost")
