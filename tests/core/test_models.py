"""core.models: the records the services hand out, importable without the stores' modules
being named by the UI, and light enough for the way to the first paint."""

from __future__ import annotations

import subprocess
import sys

from desktop_client.core import models
from desktop_client.core.storage import chats, gallery, mj_tasks


def test_the_records_are_the_stores_own() -> None:
    assert models.Message is chats.Message and models.Status is chats.Status
    assert models.StoredTask is mj_tasks.StoredTask
    assert models.GalleryItem is gallery.GalleryItem and models.GalleryFilter is gallery.GalleryFilter
    assert (models.OK, models.MISSING, models.CORRUPT) == (gallery.OK, gallery.MISSING, gallery.CORRUPT)
    assert sorted(models.__all__) == sorted(name for name in models.__all__ if hasattr(models, name))


def test_importing_them_loads_no_http_stack() -> None:
    code = "import sys, desktop_client.core.models\nprint('httpx' in sys.modules)\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_gallery_records_load_the_gallery_store_only_when_asked_for() -> None:
    code = (
        "import sys, desktop_client.core.models as m\n"
        "print('desktop_client.core.storage.gallery' in sys.modules)\n"
        "m.GalleryItem\n"
        "print('desktop_client.core.storage.gallery' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
