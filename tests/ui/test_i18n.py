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
