"""English and Simplified Chinese through Qt's translation system.

Our strings are in ``resources/i18n/keyhold_<lang>.qm``; Qt's own dialogs use the
``qtbase_<lang>.qm`` shipped with PySide6. Switching installs new translators and
Qt sends every widget a LanguageChange event, which they answer by retranslating.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QWidget

from desktop_client.core.settings import Language
from desktop_client.ui.resources import resource

log = logging.getLogger(__name__)

SUPPORTED = (Language.ENGLISH, Language.CHINESE)


def effective_language(choice: Language, system: QLocale | None = None) -> Language:
    if choice is not Language.SYSTEM:
        return choice
    locale = system or QLocale.system()
    if locale.language() == QLocale.Language.Chinese:
        return Language.CHINESE
    return Language.ENGLISH


class Translations:
    def __init__(self) -> None:
        self._installed: list[QTranslator] = []
        self.current = Language.ENGLISH

    def apply(self, choice: Language) -> Language:
        app = QCoreApplication.instance()
        assert app is not None
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed.clear()
        language = effective_language(choice)
        self.current = language
        if language is Language.ENGLISH:
            QLocale.setDefault(QLocale(QLocale.Language.English))
            return language
        QLocale.setDefault(QLocale(language.value))
        ours = QTranslator(app)
        if ours.load(str(resource("i18n", f"keyhold_{language.value}.qm"))):
            app.installTranslator(ours)
            self._installed.append(ours)
        else:
            log.warning("no translation file for %s", language.value)
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for catalogue in ("qtbase", "qt"):
            qt_translator = QTranslator(app)
            if qt_translator.load(f"{catalogue}_{language.value}", qt_dir):
                app.installTranslator(qt_translator)
                self._installed.append(qt_translator)
                break
        return language


if TYPE_CHECKING:
    _WidgetBase = QWidget
else:
    _WidgetBase = object


class Retranslatable(_WidgetBase):
    """Mixin for widgets with words: put it before the Qt class (``class Page(Retranslatable,
    QFrame)``), write the words in ``retranslate()``, call it once at the end of ``__init__``;
    every language change calls it again."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        raise NotImplementedError


def tr_args(text: str, *args: object) -> str:
    """A translated sentence with its %1, %2… filled in (in one pass: an argument that holds
    "%2" is never filled again)."""
    values = [str(a) for a in args]
    return re.sub(r"%(\d+)", lambda m: values[int(m[1]) - 1] if 0 < int(m[1]) <= len(values) else m[0], text)
