"""The CLI's language, without Qt: the system's, and the error catalogue's translations into it.

The GUI translates with Qt (``ui/i18n.py``). The CLI must not pay for Qt to print one line, so
``scripts/i18n.py release`` also writes the catalogue's context of the .ts as
``resources/i18n/errors_<lang>.json`` (source → translation), read here when an error is printed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping

from desktop_client.core.paths import resources_dir
from desktop_client.core.settings import Language

log = logging.getLogger(__name__)


def system_language(environ: Mapping[str, str] | None = None) -> Language:
    """English or Chinese, chosen from the locale variables the way gettext reads them.

    LC_ALL, then LC_MESSAGES, then LANG name the locale; where it is set and not C/POSIX,
    LANGUAGE (a colon-separated list of preferences) comes first. Any Chinese is Chinese, as in
    the GUI (Qt's ``QLocale.Language.Chinese``).
    """
    env = os.environ if environ is None else environ
    locale = next((env[name] for name in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(name)), "")
    if locale.split(".")[0] in ("", "C", "POSIX"):
        return Language.ENGLISH
    for wanted in [*env.get("LANGUAGE", "").split(":"), locale]:
        code = wanted.split(".")[0].split("@")[0].replace("-", "_").lower()
        if code == "zh" or code.startswith("zh_"):
            return Language.CHINESE
        if code == "en" or code.startswith("en_"):
            return Language.ENGLISH
    return Language.ENGLISH


def error_texts(language: Language) -> Mapping[str, str]:
    """The error catalogue in ``language`` (source → translation); empty for English, or when the
    file is missing or damaged (the CLI then speaks English rather than fail)."""
    if language in (Language.ENGLISH, Language.SYSTEM):
        return {}
    path = resources_dir() / "i18n" / f"errors_{language.value}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("no error catalogue for %s (%s)", language.value, exc)
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
