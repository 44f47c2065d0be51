"""The error catalogue: every kind's exit code, headline and fix in one place, rendered the same way
for the GUI (translated by Qt) and the CLI (translated from errors_<lang>.json)."""

import json
import re

import pytest

from desktop_client.core.errors import (
    KINDS,
    SERVER_SAID,
    ApiError,
    ErrorKind,
    ExitCode,
    InputError,
    KeyholdError,
    describe,
    error_line,
)
from desktop_client.core.i18n import error_texts, system_language
from desktop_client.core.settings import Language
from tests.conftest import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")

# The exit codes the CLI has always documented (cli.py's docstring); MISSING is a local not-found.
EXIT_CODES = {
    ExitCode.USAGE: {ErrorKind.BAD_INPUT, ErrorKind.INSECURE_HTTP, ErrorKind.MISSING},
    ExitCode.AUTH: {ErrorKind.BAD_KEY, ErrorKind.FORBIDDEN},
    ExitCode.QUOTA: {ErrorKind.QUOTA, ErrorKind.RATE_LIMIT},
    ExitCode.NETWORK: {
        ErrorKind.WRONG_URL,
        ErrorKind.NOT_FOUND,
        ErrorKind.UNREACHABLE,
        ErrorKind.TLS,
        ErrorKind.TIMEOUT,
        ErrorKind.SERVER,
        ErrorKind.PROXY,
        ErrorKind.PROTOCOL,
        ErrorKind.REFUSED,
        ErrorKind.TOO_LARGE,
    },
    ExitCode.LOCAL: {
        ErrorKind.KEYRING_UNAVAILABLE,
        ErrorKind.KEYRING_LOCKED,
        ErrorKind.STORAGE,
        ErrorKind.DISK_FULL,
    },
    ExitCode.INTERNAL: {ErrorKind.INTERNAL},
}


def test_every_kind_has_its_exit_code_headline_and_fix() -> None:
    assert set(KINDS) == set(ErrorKind)
    for code, kinds in EXIT_CODES.items():
        for kind in kinds:
            assert KINDS[kind].exit_code is code, kind
            assert KeyholdError("x", kind=kind).exit_code is code
    for kind, spec in KINDS.items():
        assert spec.headline and spec.fix.endswith("."), kind


def test_the_chinese_catalogue_of_the_cli_has_every_kind() -> None:
    texts = error_texts(Language.CHINESE)
    for kind, spec in KINDS.items():
        for source in (spec.headline, spec.fix):
            assert CJK.search(texts[source]), (kind, source)
            assert texts[source] != source
    assert texts[SERVER_SAID].replace("%1", "x") != "Server said: x" and "%1" in texts[SERVER_SAID]
    on_disk = json.loads((ROOT / "resources" / "i18n" / "errors_zh_CN.json").read_text(encoding="utf-8"))
    assert on_disk == texts
    assert error_texts(Language.ENGLISH) == {}


def test_describe_gives_the_kinds_fix_or_the_raising_sites_own_words() -> None:
    bad_key = ApiError("Bad key: rejected", hint="Rotate it", detail="invalid token", kind=ErrorKind.BAD_KEY)
    assert describe(bad_key) == (
        KINDS[ErrorKind.BAD_KEY].headline,
        f"{KINDS[ErrorKind.BAD_KEY].fix}\nServer said: invalid token",
    )
    own = InputError("dall-e-3 makes 1 to 1 images", hint="Ask for one")
    assert describe(own) == ("Invalid input", "dall-e-3 makes 1 to 1 images. Ask for one.")
    headline, body = describe(ValueError("boom"))
    assert headline == KINDS[ErrorKind.INTERNAL].headline and body.endswith("ValueError: boom")


def test_the_cli_line_in_english_is_the_raising_sites_sentence() -> None:
    error = ApiError(
        "Timeout: the server sent nothing for 30 s", hint="Retry", detail="upstream", kind=ErrorKind.TIMEOUT
    )
    assert (
        error_line(error, {})
        == error.one_line()
        == "Timeout: the server sent nothing for 30 s. Retry. Server said: upstream"
    )


def test_the_cli_line_in_chinese_takes_the_catalogue_and_keeps_only_data() -> None:
    texts = error_texts(Language.CHINESE)
    bad_key = ApiError("Bad key: rejected", hint="Rotate it", detail="invalid token", kind=ErrorKind.BAD_KEY)
    spec = KINDS[ErrorKind.BAD_KEY]
    line = error_line(bad_key, texts)
    assert line == f"{texts[spec.headline]}. {texts[spec.fix]} {texts[SERVER_SAID].replace('%1', 'invalid token')}"
    assert "Bad key" not in line and "Rotate it" not in line
    # A kind whose raising site names the exact input keeps those words after the translated headline.
    own = InputError("No profile named 'nobody'", hint="`keyhold profile list` shows them")
    invalid = texts[KINDS[ErrorKind.BAD_INPUT].headline]
    assert error_line(own, texts) == f"{invalid}: No profile named 'nobody'. `keyhold profile list` shows them"


def test_a_hostile_detail_stays_inert_in_every_language() -> None:
    error = ApiError("Bad key", detail="\x1b]0;pwned\x07 \u202eevil", kind=ErrorKind.BAD_KEY)
    for texts in ({}, error_texts(Language.CHINESE)):
        line = error_line(error, texts)
        assert "\x1b" not in line and "\x07" not in line and "\u202e" not in line


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"LANG": "zh_CN.UTF-8"}, Language.CHINESE),
        ({"LANG": "zh_TW.UTF-8"}, Language.CHINESE),
        ({"LANG": "en_US.UTF-8"}, Language.ENGLISH),
        ({"LANG": "de_DE.UTF-8"}, Language.ENGLISH),
        ({"LANG": "C.UTF-8"}, Language.ENGLISH),
        ({}, Language.ENGLISH),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, Language.CHINESE),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, Language.ENGLISH),
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "zh_CN:en"}, Language.CHINESE),
        ({"LANG": "zh_CN.UTF-8", "LANGUAGE": "en_GB:zh_CN"}, Language.ENGLISH),
        ({"LANG": "C", "LANGUAGE": "zh_CN"}, Language.ENGLISH),  # gettext ignores LANGUAGE in the C locale
        ({"LANG": "de_DE.UTF-8", "LANGUAGE": "fr:zh_Hans"}, Language.CHINESE),
    ],
)
def test_the_system_language_is_read_as_gettext_reads_it(env, language) -> None:
    assert system_language(env) is language


def test_every_store_lookup_raises_one_not_found(home) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.errors import NotFoundError
    from desktop_client.core.secrets import MemorySecretStore

    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    try:
        lookups = {
            "profile": lambda: core.profiles.find("nobody"),
            "conversation": lambda: core.chat.store.conversation("c-gone"),
            "conversation prefix": lambda: core.chat.store.find_conversation("c-gone-0001"),
            "message": lambda: core.chat.store.message("m-gone"),
            "Midjourney task": lambda: core.midjourney.store.get("p1", "t-gone"),
            "image": lambda: core.gallery.store.item(404),
        }
        for name, lookup in lookups.items():
            with pytest.raises(NotFoundError) as info:
                lookup()
            error = info.value
            assert error.kind is ErrorKind.MISSING and error.exit_code is ExitCode.USAGE, name
            assert name.startswith(error.what) and str(error.key) in error.message, name
            assert error.message.startswith(f"No {error.what} "), name
    finally:
        if core.is_open:
            core.database.close()


def test_own_words_raised_as_a_template_are_said_in_the_readers_language() -> None:
    from desktop_client.core.errors import N_, InputError, describe

    chinese = {
        "Invalid input": "无效输入",
        "The image is larger than %1 MB": "图片大于 %1 MB。",
        "Attach a smaller image": "请附加更小的图片。",
        "Correct the highlighted value and try again.": "请更正高亮的值后重试。",
    }

    def tr(text: str) -> str:
        return chinese.get(text, text)

    templated = InputError(
        N_("Errors", "The image is larger than %1 MB"), hint=N_("Errors", "Attach a smaller image"), args=(20,)
    )
    assert templated.message == "The image is larger than 20 MB"  # English, filled, for the log and CLI
    assert describe(templated, tr) == ("无效输入", "图片大于 20 MB。 请附加更小的图片。")
    assert describe(templated) == ("Invalid input", "The image is larger than 20 MB. Attach a smaller image.")
    # Own words raised as a plain English sentence: in another language the kind's fix stands in.
    plain = InputError("The prompt is empty", hint="Describe the image to draw")
    assert describe(plain, tr) == ("无效输入", "请更正高亮的值后重试。")
    assert describe(plain)[1] == "The prompt is empty. Describe the image to draw."
