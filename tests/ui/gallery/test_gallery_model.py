"""The gallery grid model against Qt's model tester, and what it is told about files."""

from __future__ import annotations

from pathlib import Path

from desktop_client.core.storage.gallery import MISSING, OK, GalleryStore
from desktop_client.ui.gallery.model import GalleryModel, StateRole, ThumbRole
from desktop_client.ui.gallery.thumbs import ThumbnailCache
from tests.ui.gallery.test_gallery import add_images


def test_model_passes_qtmodeltester(qtmodeltester, home, tmp_path) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.secrets import MemorySecretStore

    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    add_images(core, 30)
    store: GalleryStore = core.gallery.store
    thumbs = ThumbnailCache(tmp_path / "thumbs")
    model = GalleryModel(core.gallery, thumbs)
    model.set_ids(store.ids())
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 30
    mime = model.mimeData([model.index(0), model.index(1)])
    assert [Path(url.toLocalFile()).name for url in mime.urls()] == ["image-000.png", "image-001.png"]
    thumbs.close()
    core.database.close()


def test_a_files_trouble_found_later_shows_at_once_and_a_rescan_forgets_it(qapp, home, tmp_path) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.secrets import MemorySecretStore

    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    add_images(core, 3)
    thumbs = ThumbnailCache(tmp_path / "thumbs")
    model = GalleryModel(core.gallery, thumbs)
    model.set_ids(core.gallery.store.ids())
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))
    index = model.index(1)
    assert model.data(index, StateRole) == OK
    model.set_state(model.ids()[1], MISSING)
    assert changed == [1]
    assert model.data(index, StateRole) == MISSING
    assert model.data(index, ThumbRole) is None  # no thumbnail is asked for a missing file
    model.forget_states()
    assert model.data(index, StateRole) == OK
    thumbs.close()
    core.database.close()
