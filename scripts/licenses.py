"""Writes the licences of the third-party components Keyhold ships with, from the installed
packages' own metadata and licence files, into ``resources/licenses/``:

- ``components.json``: Keyhold's own licence (as pyproject.toml declares it) and the name,
  version and licence of each runtime dependency (Settings ▸ About lists them; a plain file,
  so it works frozen, without importlib.metadata);
- ``THIRD-PARTY.txt``: the same list, then each component's full licence texts.

Run it after changing or upgrading a dependency (tests/test_packaging.py checks the list is
complete): ``.venv/bin/python scripts/licenses.py``. It walks the dependencies of the installed
``keyhold`` distribution as they resolve on this platform (markers and extras evaluated here).
"""

from __future__ import annotations

import json
import re
import sys
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "licenses"
APP = "keyhold"
TEXT_FILE = re.compile(r"(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
# Texts a wheel does not carry (PySide6 and shiboken6 ship none), from the system's copies.
SYSTEM_TEXTS = Path("/usr/share/common-licenses")
FALLBACK_TEXTS = {
    "pyside6-essentials": ("LGPL-3", "GPL-3"),
    "shiboken6": ("LGPL-3", "GPL-3"),
}
NOTES = {
    "pyside6-essentials": (
        "Qt for Python and the Qt libraries it contains, used under the LGPL-3.0. Keyhold loads them as "
        "separate shared libraries, which can be replaced. Sources: https://download.qt.io/official_releases/"
        "QtForPython/ and https://code.qt.io/. Licence texts: https://www.gnu.org/licenses/lgpl-3.0.html, "
        "https://www.gnu.org/licenses/gpl-3.0.html"
    ),
}


def runtime_distributions(app: str = APP) -> list[metadata.Distribution]:
    """Every distribution the installed ``app`` needs at run time on this platform, by name."""
    found: dict[str, metadata.Distribution] = {}
    pending: list[tuple[str, frozenset[str]]] = [(app, frozenset())]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, extras = pending.pop()
        if (key := (canonical(name), extras)) in seen:
            continue
        seen.add(key)
        dist = metadata.distribution(name)
        if canonical(name) != canonical(app):
            found[canonical(name)] = dist
        for line in dist.requires or []:
            requirement = Requirement(line)
            wanted = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker is not None and not any(requirement.marker.evaluate(env) for env in wanted):
                continue
            pending.append((requirement.name, frozenset(requirement.extras)))
    return sorted(found.values(), key=lambda d: canonical(d.metadata["Name"]))


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def licence_of(dist: metadata.Distribution) -> str:
    data = dist.metadata
    expression = data.get("License-Expression")
    if expression:
        return str(expression)
    declared = (data.get("License") or "").strip()
    if declared and declared.upper() != "UNKNOWN" and len(declared) <= 80 and "\n" not in declared:
        return declared
    classifiers = [c.split(" :: ")[-1] for c in data.get_all("Classifier") or [] if c.startswith("License ::")]
    return " OR ".join(classifiers) or "see the licence text below"


def home_of(dist: metadata.Distribution) -> str:
    urls = dict(
        (label.strip().lower(), url.strip())
        for label, _, url in (entry.partition(",") for entry in dist.metadata.get_all("Project-URL") or [])
    )
    home = dist.metadata.get("Home-page") or ""
    for label in ("homepage", "home", "source", "source code", "repository", "github"):
        home = home or urls.get(label, "")
    return home or next(iter(urls.values()), "")


def texts_of(dist: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for file in dist.files or []:
        if ".dist-info" in str(file) and TEXT_FILE.search(file.name):
            path = Path(str(file.locate()))
            texts.append((file.name, path.read_text(encoding="utf-8", errors="replace")))
    if not texts:
        for name in FALLBACK_TEXTS.get(canonical(dist.metadata["Name"]), ()):
            system = SYSTEM_TEXTS / name
            if system.is_file():
                texts.append((name, system.read_text(encoding="utf-8")))
    return texts


def main() -> int:
    app = metadata.distribution(APP)
    dists = runtime_distributions()
    components = [
        {
            "name": d.metadata["Name"],
            "version": d.version,
            "license": licence_of(d),
            "note": NOTES.get(canonical(d.metadata["Name"]), ""),
        }
        for d in dists
    ]
    OUT.mkdir(parents=True, exist_ok=True)
    own = app.metadata.get("License-Expression") or app.metadata.get("License") or ""
    index = {"app": {"name": "Keyhold", "version": app.version, "license": own}, "components": components}
    (OUT / "components.json").write_text(json.dumps(index, indent=1) + "\n", encoding="utf-8")
    lines = [
        f"Third-party components of Keyhold {app.version}",
        "Written by scripts/licenses.py from the installed packages' metadata: do not edit by hand.",
        f"Keyhold itself: {own or 'no licence is declared'}.",
        "",
        *(f"  {c['name']} {c['version']}: {c['license']}" for c in components),
        "",
    ]
    for dist, component in zip(dists, components, strict=True):
        lines += ["", "=" * 78, f"{component['name']} {component['version']}: {component['license']}"]
        if component["note"]:
            lines.append(component["note"])
        if home := home_of(dist):
            lines.append(f"Home: {home}")
        texts = texts_of(dist)
        if not texts:
            lines.append("(the package carries no licence file; see its home page)")
        for name, text in texts:
            lines += ["", f"--- {name} ---", text.rstrip()]
    (OUT / "THIRD-PARTY.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(components)} components written to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
