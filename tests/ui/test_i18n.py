"""Every visible string is translated, and the compiled .qm matches its .ts."""

import importlib.util
import sys

from PySide6.QtCore import QCoreApplication

from desktop_client.core.settings import Language
from desktop_client.ui.i18n import Translations, effective_language
from tests.conftest import ROOT


def load_tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["i18n_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_translations_are_complete_and_compiled() -> None:
    assert load_tool().check() == []


def test_chinese_catalogue_loads(qapp) -> None:
    translations = Translations()
    try:
        assert translations.apply(Language.CHINESE) is Language.CHINESE
        assert QCoreApplication.translate("MainWindow", "Settings") == "设置"
        assert QCoreApplication.translate("Errors", "Bad key: the server rejected the API key").startswith(
            "密钥错误"
        )
    finally:
        translations.apply(Language.ENGLISH)
    assert QCoreApplication.translate("MainWindow", "Settings") == "Settings"


def test_system_language_is_followed() -> None:
    from PySide6.QtCore import QLocale

    assert effective_language(Language.SYSTEM, QLocale(QLocale.Language.Chinese)) is Language.CHINESE
    assert effective_language(Language.SYSTEM, QLocale(QLocale.Language.German)) is Language.ENGLISH
    assert effective_language(Language.ENGLISH, QLocale(QLocale.Language.Chinese)) is Language.ENGLISH


def test_every_error_kind_reads_in_both_languages(qapp) -> None:
    import re

    from desktop_client.core.errors import KINDS, ErrorKind, KeyholdError
    from desktop_client.ui.errors import describe, headline_and_fix

    cjk = re.compile(r"[\u4e00-\u9fff]")
    english = {kind: headline_and_fix(kind) for kind in ErrorKind}
    assert english == {kind: (spec.headline, spec.fix) for kind, spec in KINDS.items()}
    translations = Translations()
    try:
        translations.apply(Language.CHINESE)
        for kind in ErrorKind:
            headline, fix = headline_and_fix(kind)
            for chinese, source in ((headline, english[kind][0]), (fix, english[kind][1])):
                assert chinese != source and cjk.search(chinese), (kind, chinese)
            shown_headline, body = describe(KeyholdError("the case", detail="raw words", kind=kind))
            assert shown_headline == headline
            assert body.endswith("服务器返回：raw words"), (kind, body)
    finally:
        translations.apply(Language.ENGLISH)
    assert headline_and_fix(ErrorKind.BAD_KEY) == english[ErrorKind.BAD_KEY]


def test_own_words_raised_as_templates_read_wholly_in_chinese(qapp, home) -> None:
    import re

    from desktop_client.ui.errors import describe
    from tests.core.test_errors import english_left, representative_errors

    cjk = re.compile(r"[\u4e00-\u9fff]")
    errors = representative_errors(home)
    translations = Translations()
    try:
        translations.apply(Language.CHINESE)
        for name, error in errors.items():
            headline, body = describe(error)
            assert cjk.search(headline) and cjk.search(body), (name, body)
            assert english_left(f"{headline}\n{body}", error.args_) == [], (name, body)
    finally:
        translations.apply(Language.ENGLISH)
    for name, error in errors.items():
        assert describe(error)[1].startswith(error.message), name
