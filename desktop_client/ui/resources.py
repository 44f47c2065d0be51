"""Finds files under the top-level ``resources/`` folder, from source and when frozen."""

from __future__ import annotations

from pathlib import Path

from desktop_client.core.paths import resources_dir


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
