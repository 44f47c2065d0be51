"""The gallery grid model against Qt's model tester."""

from __future__ import annotations

from pathlib import Path

from desktop_client.core.storage.gallery import GalleryStore
from desktop_client.ui.gallery.model import GalleryModel
from desktop_client.ui.gallery.thumbs import ThumbnailCache
from tests.ui.gallery.test_gallery import add_images


def test_model_passes_qtmodeltester(qtmodeltester, home, tmp_path) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.secrets import MemorySecretStore

    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    add_images(core, 30)
    store: GalleryStore = core.gallery.store
    thumbs = ThumbnailCache(tmp_path / "thumbs")
    model = GalleryModel(store, thumbs)
    model.set_ids(store.ids())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 30
    mime = model.mimeData([model.index(0), model.index(1)])
    assert [Path(url.toLocalFile()).name for url in mime.urls()] == ["image-000.png", "image-001.png"]
    thumbs.close()
    core.database.close()
