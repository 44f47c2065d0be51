"""docs/architecture.md names code by file:function; every such name must still exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "desktop_client"
REFERENCE = re.compile(r"`([\w/]+\.py):([A-Za-z_][\w.]*)")


def _names(path: Path) -> set[str]:
    """Module-level functions, classes and their methods, as "f", "C" and "C.m"."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            for inner in node.body:
                if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}.{inner.name}")
    return names


def _file(relative: str) -> Path | None:
    for base in (PACKAGE, PACKAGE / "core"):
        if (base / relative).is_file():
            return base / relative
    return None


def test_every_file_and_function_the_architecture_names_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    references = REFERENCE.findall(text)
    assert len(references) >= 20  # the walk-throughs are written as file:function
    broken = []
    for relative, name in references:
        path = _file(relative)
        if path is None or name not in _names(path):
            broken.append(f"{relative}:{name}")
    assert not broken, f"docs/architecture.md names code that is not there: {broken}"
