"""`keyhold image` and `keyhold gallery` as separate processes against the loopback fake."""

import json
from pathlib import Path

import pytest

from tests.conftest import find_canaries
from tests.fakes.images_fake import FakeImages
from tests.fakes.mj_sim import png_size, solid_png
from tests.procs import add_openai_profile, run_cli

pytestmark = pytest.mark.keyring
KEY = "sk-cli-images-canary-00000000001"


def test_image_then_gallery_list_search_export(tmp_path, keyring_store) -> None:
    home = tmp_path / "home"
    with FakeImages(KEY, image_bytes=1_200_000) as fake:
        assert add_openai_profile(home, "relay", fake.url, KEY).returncode == 0
        made = run_cli(home, "image", "-p", "relay", "--size", "1024x1536", "--n", "2", "a tall red tower")
        assert made.returncode == 0, made.stderr
        paths = [Path(line) for line in made.stdout.splitlines()]
        assert len(paths) == 2 and all(p.exists() and png_size(p.read_bytes()) for p in paths)
        assert "usage" in made.stderr
        dalle = run_cli(
            home, "image", "-p", "relay", "-m", "dall-e-3", "--style", "natural", "-", stdin="a calm sea\n"
        )
        assert dalle.returncode == 0, dalle.stderr
        assert "revised prompt: A revised a calm sea" in dalle.stderr
        refused = run_cli(home, "image", "-p", "relay", "-m", "dall-e-3", "--n", "2", "two seas")
        assert refused.returncode == 2 and "at most" not in refused.stderr
        assert "dall-e-3 makes 1 to 1 images" in refused.stderr
        sources = [tmp_path / "a.png", tmp_path / "b.png"]
        for number, source in enumerate(sources):
            source.write_bytes(solid_png(32, 32, (number * 100, 0, 0)))
        edited = run_cli(
            home, "image", "-p", "relay", "--edit", str(sources[0]), "--edit", str(sources[1]), "merge"
        )
        assert edited.returncode == 0, edited.stderr
        assert [f.field for f in fake.image_requests[-1].files] == ["image[]", "image[]"]

    listed = json.loads(run_cli(home, "gallery", "list", "--json").stdout)
    assert [entry["prompt"] for entry in listed].count("a tall red tower") == 2
    assert {entry["model"] for entry in listed} == {"gpt-image-1", "dall-e-3"}
    found = json.loads(run_cli(home, "gallery", "list", "--json", "--search", "calm sea").stdout)
    assert [entry["revised_prompt"] for entry in found] == ["A revised a calm sea"]
    plain = run_cli(home, "gallery", "list", "--search", "tower").stdout
    assert plain.count("a tall red tower") == 2

    exported = run_cli(home, "gallery", "export", str(tmp_path / "out"), "--search", "tower")
    assert exported.returncode == 0 and "exported 2 images" in exported.stdout
    assert len(list((tmp_path / "out").glob("*.png"))) == 2
    index = json.loads((tmp_path / "out" / "keyhold-export.json").read_text(encoding="utf-8"))
    assert [entry["prompt"] for entry in index["images"]] == ["a tall red tower"] * 2

    # Losing the database loses no image: a rescan builds the index again from the sidecars.
    (home / "keyhold.db").unlink()
    rebuilt = json.loads(run_cli(home, "gallery", "list", "--json", "--search", "tower").stdout)
    assert len(rebuilt) == 2
    rescan = run_cli(home, "gallery", "rescan")
    assert rescan.returncode == 0 and "0 missing" in rescan.stdout

    assert find_canaries(home, [KEY, fake.url.split("//")[1]]) == []
    assert find_canaries(tmp_path / "out", [KEY, fake.url.split("//")[1]]) == []
