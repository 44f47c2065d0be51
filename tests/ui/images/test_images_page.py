"""The images page's parameter form and what other pages ask of it, without the keyring."""

from __future__ import annotations

import pytest
import shiboken6

from desktop_client.core.api.images import EDIT_SIZES, SPECS, Family
from desktop_client.core.context import build_core
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.ui.images.page import ImagesPage
from desktop_client.ui.images.params import ImageParams
from desktop_client.ui.qtutils import TASKS
from tests.fakes.mj_sim import solid_png

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_parameter_form_sends_only_what_the_model_takes(qapp) -> None:
    params = ImageParams()
    params.choose_model("dall-e-3")
    style = params.option_combos["style"]
    style.setCurrentIndex(style.findData("natural"))
    request = params.request("a fox")
    assert (request.prompt, request.model, request.n, request.options) == (
        "a fox",
        "dall-e-3",
        1,
        {"style": "natural"},
    )
    params.choose_model("dall-e-2")
    assert params.request("a fox").options == {}  # dall-e-2 takes no style: the one chosen is not sent

    def sizes() -> list[str]:
        return [params.size_combo.itemData(i) for i in range(params.size_combo.count())]

    params.choose_model("flux-dev")  # a relay's own model
    assert sizes() == ["", *SPECS[Family.OTHER].sizes]
    params.update_fields(editing=True)
    assert sizes() == ["", *EDIT_SIZES[Family.OTHER]]
    params.choose_model("gpt-image-1")
    assert not params.form.isRowVisible(params.option_combos["moderation"])  # an edit takes none
    shiboken6.delete(params)


async def test_other_pages_hand_over_a_prompt_or_images_to_edit(qapp, home, tmp_path) -> None:
    core = build_core(home, secrets=MemorySecretStore())
    page = ImagesPage(core)
    try:
        page.reuse_prompt("a harbour", "dall-e-3")
        assert page.prompt_edit.toPlainText() == "a harbour" and page.params.model_name() == "dall-e-3"
        page.reuse_prompt("a lighthouse")  # no model known: the one chosen stays
        assert (page.prompt_edit.toPlainText(), page.params.model_name()) == ("a lighthouse", "dall-e-3")
        image = tmp_path / "a.png"
        image.write_bytes(solid_png(8, 8, (1, 2, 3)))
        page.edit_images([image])
        await TASKS.wait_idle()  # the thumbnail of the image to edit
        assert page.sources.paths == [image]
        assert page.params.model_name() == "gpt-image-1"  # dall-e-3 cannot edit
        assert page.generate_btn.text() == "Edit" and page.mask_btn.isVisibleTo(page)
        page.params.choose_model("dall-e-3")
        assert "dall-e-3 cannot edit images" in page.mask_label.text()
        assert not page.mask_btn.isEnabled()
    finally:
        await page.aclose()
        shiboken6.delete(page)
        if core.is_open:
            core.database.close()
