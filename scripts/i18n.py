"""Keeps the Qt translation files in step with the code.

python scripts/i18n.py update        # lupdate: collect strings into resources/i18n/*.ts
python scripts/i18n.py fill F.json   # put translations from {"source": "translation"} into the .ts
python scripts/i18n.py release       # lrelease: compile .ts into the .qm the app loads, and write the
                                     # CLI's errors_<lang>.json (the "Errors" context, source → translation)
python scripts/i18n.py check         # fails if a string is new, untranslated, or a .qm or .json is stale

The whole package is scanned: the GUI's tr() calls, and the core's error sentences (the catalogue
and the own words raised where an error happens), marked with N_("Errors", "…"), an alias of
QT_TRANSLATE_NOOP.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "resources" / "i18n"
LANGUAGES = ("zh_CN",)
# The core holds no tr() calls; its N_ marks are spread over every module that raises an error.
SOURCES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop_client").rglob("*.py"))
CATALOGUE_CONTEXT = "Errors"  # core.errors.CONTEXT, read here without importing the app


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}", path=str(Path(sys.executable).parent)) or shutil.which(
        f"pyside6-{name}"
    )
    if not found:
        raise SystemExit(f"pyside6-{name} not found: install PySide6-Essentials")
    return found


def ts_path(lang: str) -> Path:
    return I18N / f"keyhold_{lang}.ts"


def lupdate(target: Path) -> None:
    subprocess.run(
        [
            tool("lupdate"),
            "-silent",
            "-no-obsolete",
            "-locations",
            "none",
            "-tr-function-alias",
            "QT_TRANSLATE_NOOP+=N_",
            *SOURCES,
            "-ts",
            str(target),
        ],
        cwd=ROOT,
        check=True,
    )


def lrelease(source: Path, target: Path) -> None:
    subprocess.run([tool("lrelease"), "-silent", str(source), "-qm", str(target)], cwd=ROOT, check=True)


def errors_json_path(lang: str) -> Path:
    return I18N / f"errors_{lang}.json"


def errors_json(ts: Path) -> str:
    """The CLI's catalogue: Qt-free, so `keyhold` prints errors in the system language without Qt."""
    texts = {}
    for (context, source), message in messages(ts).items():
        translation = message.find("translation")
        if context != CATALOGUE_CONTEXT or translation is None or not translation.text:
            continue
        if translation.get("type") not in ("unfinished", "vanished", "obsolete"):
            texts[source] = translation.text
    return json.dumps(dict(sorted(texts.items())), ensure_ascii=False, indent=1) + "\n"


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    tree = ET.parse(ts)
    found = {}
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found[(name, message.findtext("source") or "")] = message
    return found


def untranslated(ts: Path) -> list[str]:
    missing = []
    for (context, source), message in messages(ts).items():
        translation = message.find("translation")
        if translation is None:
            missing.append(f"{context}: {source}")
            continue
        numerus = translation.findall("numerusform")
        texts = [n.text for n in numerus] if numerus else [translation.text]
        if translation.get("type") in ("unfinished", "vanished", "obsolete") or not all(texts):
            missing.append(f"{context}: {source}")
    return missing


def fill(lang: str, mapping: dict[str, str]) -> int:
    ts = ts_path(lang)
    tree = ET.parse(ts)
    count = 0
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        if source not in mapping:
            continue
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.pop("type", None)
        if message.get("numerus") == "yes":
            for child in list(translation):
                translation.remove(child)
            ET.SubElement(translation, "numerusform").text = mapping[source]
        else:
            translation.text = mapping[source]
        count += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return count


def check() -> list[str]:
    problems = []
    for lang in LANGUAGES:
        ts = ts_path(lang)
        with tempfile.TemporaryDirectory() as tmp:
            fresh = Path(tmp) / ts.name
            shutil.copy(ts, fresh)
            lupdate(fresh)
            new = set(messages(fresh)) - set(messages(ts))
            gone = set(messages(ts)) - set(messages(fresh))
            problems += [f"{lang}: not in the .ts yet (run update): {c}: {s}" for c, s in sorted(new)]
            problems += [f"{lang}: no longer in the code (run update): {c}: {s}" for c, s in sorted(gone)]
            problems += [f"{lang}: untranslated: {m}" for m in untranslated(ts)]
            qm = Path(tmp) / "fresh.qm"
            lrelease(ts, qm)
            committed = ts.with_suffix(".qm")
            if not committed.exists() or committed.read_bytes() != qm.read_bytes():
                problems.append(f"{lang}: {committed.name} is stale (run release)")
            catalogue = errors_json_path(lang)
            if not catalogue.exists() or catalogue.read_text(encoding="utf-8") != errors_json(ts):
                problems.append(f"{lang}: {catalogue.name} is stale (run release)")
    return problems


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        for lang in LANGUAGES:
            lupdate(ts_path(lang))
    elif command == "fill":
        mapping = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        for lang in LANGUAGES:
            print(f"{lang}: {fill(lang, mapping)} translations set")
    elif command == "release":
        for lang in LANGUAGES:
            lrelease(ts_path(lang), ts_path(lang).with_suffix(".qm"))
            errors_json_path(lang).write_text(errors_json(ts_path(lang)), encoding="utf-8")
    elif command == "check":
        problems = check()
        print("\n".join(problems) or "translations are complete and compiled")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
