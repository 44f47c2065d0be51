"""The error catalogue: every kind's exit code, headline and fix in one place, rendered the same way
for the GUI (translated by Qt) and the CLI (translated from errors_<lang>.json)."""

import ast
import json
import re
import sqlite3

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


# What Chinese text writes in Latin letters too: code spans (commands), the product's name, ID, MB.
LATIN_IN_CHINESE = re.compile(r"`[^`]*`|\b(?:ID|MB|Keyhold)\b")
PLACEHOLDER = re.compile(r"%\d+")


def english_left(text: str, data: tuple[str, ...]) -> list[str]:
    """The Latin words of a rendering that are neither data (an error's args) nor Latin in Chinese too."""
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    return re.findall(r"[A-Za-z]+", LATIN_IN_CHINESE.sub(" ", text))


def representative_errors(home) -> dict[str, KeyholdError]:
    """Own words raised as templates at real raise sites: an input check with args, a store's
    not-found, a storage failure with args."""
    from desktop_client.core.api.images import ImageRequest
    from desktop_client.core.context import build_core
    from desktop_client.core.errors import NotFoundError, StorageError
    from desktop_client.core.secrets import MemorySecretStore
    from desktop_client.core.storage.db import Database
    from desktop_client.core.storage.schema import MIGRATIONS

    errors: dict[str, KeyholdError] = {}
    with pytest.raises(InputError) as bad_input:
        ImageRequest("a lighthouse", model="dall-e-3", n=3).validate()
    errors["input"] = bad_input.value
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    try:
        with pytest.raises(NotFoundError) as missing:
            core.chat.store.conversation("c-gone")
        errors["not found"] = missing.value
    finally:
        core.database.close()
    newer = home.root / "newer.db"
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError) as storage:
        Database(newer, home.backups, MIGRATIONS).open()
    errors["storage"] = storage.value
    return errors


def _marked_sentences() -> dict[str, str]:
    """Every N_("Errors", …) of the package: sentence → where it is marked."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "desktop_client").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                context, text = node.args  # lupdate reads two literals, nothing else
                assert isinstance(context, ast.Constant) and context.value == "Errors", where
                assert isinstance(text, ast.Constant) and isinstance(text.value, str), where
                found.setdefault(text.value, where)
    return found


def test_every_marked_sentence_has_chinese_words_with_the_same_placeholders() -> None:
    texts = error_texts(Language.CHINESE)
    sentences = _marked_sentences()
    assert len(sentences) > 200  # the catalogue and the raise sites' own words
    for source, where in sentences.items():
        chinese = texts.get(source, "")
        assert CJK.search(chinese), (where, source)
        assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(source)), (where, source, chinese)


def _is_marked(node: ast.expr) -> bool:
    if isinstance(node, ast.IfExp):
        return _is_marked(node.body) and _is_marked(node.orelse)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"


def test_own_words_are_never_raised_as_plain_english() -> None:
    """A kind that shows the raise site's own words gets them as a template (or from a table of
    templates): a literal or f-string would be English in every language."""
    from desktop_client.core import errors
    from desktop_client.core.api.chat import StreamError

    classes = {
        name: cls.kind
        for name, cls in vars(errors).items()
        if isinstance(cls, type) and issubclass(cls, errors.KeyholdError) and cls is not errors.NotFoundError
    }
    classes["StreamError"] = StreamError.kind
    plain = (ast.Constant, ast.JoinedStr, ast.BinOp)
    checked = 0
    for path in sorted((ROOT / "desktop_client").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes):
                continue
            if not node.args:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            kinds = {classes[node.func.id]}
            if "kind" in keywords:
                kinds = {
                    ErrorKind[n.attr]
                    for n in ast.walk(keywords["kind"])
                    if isinstance(n, ast.Attribute) and n.attr in ErrorKind.__members__
                }
            message, hint = node.args[0], keywords.get("hint")
            if any(KINDS[kind].own_words for kind in kinds):
                checked += 1
                assert not isinstance(message, plain), where
                assert hint is None or not isinstance(hint, plain), where
            if _is_marked(message):
                # The hint is said in the same language as the sentence before it.
                assert hint is None or _is_marked(hint) or not isinstance(hint, plain), where
    assert checked > 100


def test_converted_errors_read_wholly_in_chinese_on_the_command_line(home) -> None:
    texts = error_texts(Language.CHINESE)
    for name, error in representative_errors(home).items():
        assert error.template, name
        line = error_line(error, texts)
        assert line.startswith(texts[KINDS[error.kind].headline]), (name, line)
        assert english_left(line, error.args_) == [], (name, line)
        # The English line is the one scripts have always read.
        assert error_line(error, {}) == error.one_line()
        # Without its translation the sentence is English again, and the check says so.
        untranslated = {k: v for k, v in texts.items() if k != error.template}
        assert english_left(error_line(error, untranslated), error.args_), name


def test_a_not_found_reads_alike_for_every_store(home) -> None:
    from desktop_client.core.errors import NotFoundError

    texts = error_texts(Language.CHINESE)
    conversation = NotFoundError("conversation", "c-1")
    assert conversation.message == "No conversation with id 'c-1'"
    assert (conversation.what, conversation.key) == ("conversation", "c-1")
    profile = NotFoundError("profile", "nobody")
    assert profile.message == "No profile named 'nobody'"
    image = NotFoundError("image", 404)
    assert image.message == "No image with id 404" and image.key == 404
    for error in (conversation, profile, image):
        assert english_left(error_line(error, texts), error.args_) == [], error.message
