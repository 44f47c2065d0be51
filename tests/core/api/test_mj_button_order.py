"""A Midjourney task's buttons in the order users know: U1–U4, V1–V4, then reroll and the rest."""

from desktop_client.core.api.mj_types import MjButton, button_rows


def job(kind: str, index: int) -> MjButton:
    return MjButton(f"MJ::JOB::{kind}::{index}::hash", label=f"{kind[0].upper()}{index}")


REROLL = MjButton("MJ::JOB::reroll::0::hash::SOLO", emoji="🔄")
SUBTLE = MjButton("MJ::JOB::low_variation::1::hash::SOLO", label="Vary (Subtle)")
UPSCALE_2X = MjButton("MJ::JOB::upsample_v6_2x_subtle::1::hash::SOLO", label="Upscale (Subtle)")
ZOOM = MjButton("MJ::Outpaint::50::1::hash::SOLO", label="Zoom Out 2x")


def test_a_grid_in_any_order_comes_back_as_u_row_v_row_then_reroll_first() -> None:
    # As some servers send them: reroll in the middle, the variations before the upscales.
    sent = [job("variation", 2), job("variation", 1), REROLL, job("upsample", 4), job("variation", 4)]
    sent += [job("upsample", 2), job("upsample", 1), job("variation", 3), job("upsample", 3)]
    rows = button_rows(sent)
    assert [[b.label or "reroll" for b in row] for row in rows] == [
        ["U1", "U2", "U3", "U4"],
        ["V1", "V2", "V3", "V4"],
        ["reroll"],
    ]


def test_the_rest_follows_reroll_in_the_order_it_came_and_wraps() -> None:
    rows = button_rows([ZOOM, SUBTLE, REROLL, UPSCALE_2X], width=2)
    assert rows == [(REROLL, ZOOM), (SUBTLE, UPSCALE_2X)]  # the HD upscale is no U button


def test_the_stand_ins_of_a_server_without_buttons_are_ordered_too() -> None:
    names = ("V1", "🔄", "U2", "U1", "V2")
    rows = button_rows([MjButton(name) for name in names])
    assert [[b.custom_id for b in row] for row in rows] == [["U1", "U2"], ["V1", "V2"], ["🔄"]]
    assert button_rows([]) == []
