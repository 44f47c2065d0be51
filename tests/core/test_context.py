"""The core opens in one explicit step: build_core is cheap, open() opens the data and builds
the services once, and the services hold the one profile service that swaps its own store."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from desktop_client.core.context import build_core
from desktop_client.core.secrets import MemorySecretStore


def test_building_the_core_opens_nothing_and_loads_no_http_stack(home) -> None:
    """build_core is on the way to the first paint: no database, no httpx."""
    code = (
        "import sys\n"
        "from desktop_client.core.context import build_core\n"
        "from pathlib import Path\nfrom desktop_client.core.paths import DataHome\n"
        "from desktop_client.core.secrets import MemorySecretStore\n"
        f"core = build_core(DataHome(Path({str(home.root)!r})), secrets=MemorySecretStore())\n"
        "print(core.is_open, 'httpx' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]
    assert not home.database.exists()


def test_a_service_before_open_says_what_is_missing(home) -> None:
    core = build_core(home, secrets=MemorySecretStore())
    with pytest.raises(RuntimeError, match=r"await core.open\(\)"):
        core.chat
    assert not home.database.exists()


def test_open_builds_each_service_once_on_one_database(home) -> None:
    core = build_core(home, secrets=MemorySecretStore())
    asyncio.run(core.open())
    services = (core.chat, core.midjourney, core.gallery, core.images)
    database = core.database
    asyncio.run(core.open())  # again: nothing is opened or built twice
    assert (core.chat, core.midjourney, core.gallery, core.images) == services
    assert core.database is database and home.database.exists()
    assert core.chat.gallery is core.gallery and core.images.gallery is core.gallery
    assert core.midjourney.gallery is core.gallery
    core.database.close()


def test_every_service_holds_the_one_profile_service_across_a_store_swap(home) -> None:
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    profiles = core.profiles
    session = MemorySecretStore()
    core.use_secret_store(session)
    assert core.profiles is profiles and profiles.secrets is session
    for service in (core.chat, core.midjourney, core.images):
        assert service.profiles is profiles and service.connections is core.connections
    core.database.close()


def test_a_gallery_index_that_will_not_open_holds_up_nothing_else(home, monkeypatch) -> None:
    from desktop_client.core.services.gallery import GalleryService

    real = GalleryService.open_index
    calls = []

    def first_fails(self):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(GalleryService, "open_index", first_fails)
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    assert core.chat.store.conversations() == []
    assert core.gallery.store.count() == 0  # its first use opens it after all
    assert len(calls) >= 2
    core.database.close()
