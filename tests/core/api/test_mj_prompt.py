import pytest

from desktop_client.core.api.mj_prompt import MjParams, build_prompt
from desktop_client.core.api.mj_types import button_action, change_spec, numbered_prompts
from desktop_client.core.errors import InputError


@pytest.mark.parametrize(
    ("text", "params", "expected"),
    [
        ("a fox", MjParams(), "a fox"),
        ("  a  fox\n in snow ", MjParams(aspect="16:9"), "a fox in snow --ar 16:9"),
        ("a fox --ar 1:1", MjParams(aspect="9:16"), "a fox --ar 9:16"),
        ("a fox --aspect 1:1 --q 2", MjParams(aspect="3：2"), "a fox --q 2 --ar 3:2"),
        ("a fox --v 5", MjParams(version="6.1"), "a fox --v 6.1"),
        ("a fox --version 5.2", MjParams(version="niji 6"), "a fox --niji 6"),
        ("a fox --s 50 --c 5", MjParams(stylize=250, chaos=30), "a fox --stylize 250 --chaos 30"),
        ("a fox --style raw", MjParams(raw=True), "a fox --style raw"),
        ("a fox --no cats --ar 1:1", MjParams(no="trees, 河流"), "a fox --ar 1:1 --no trees, 河流"),
        ("a fox --no cats, dogs --v 6", MjParams(no="birds"), "a fox --v 6 --no birds"),
        ("a --vibe fox", MjParams(version="7"), "a --vibe fox --v 7"),
        (
            "cyberpunk city",
            MjParams(aspect="2:3", version="7", stylize=0, chaos=0, raw=True, no="text"),
            "cyberpunk city --ar 2:3 --v 7 --stylize 0 --chaos 0 --style raw --no text",
        ),
    ],
)
def test_build_prompt(text, params, expected) -> None:
    assert build_prompt(text, params) == expected


def test_niji_goes_to_the_niji_bot() -> None:
    assert MjParams(version="niji 6").bot == "NIJI_JOURNEY"
    assert MjParams(version="6").bot == "MID_JOURNEY"


@pytest.mark.parametrize(
    "params",
    [
        MjParams(aspect="16x9"),
        MjParams(aspect="0:1"),
        MjParams(stylize=1001),
        MjParams(chaos=-1),
        MjParams(version="4"),
    ],
)
def test_bad_helpers_are_input_errors(params) -> None:
    with pytest.raises(InputError):
        build_prompt("a fox", params)


def test_numbered_prompts_of_describe_and_shorten() -> None:
    text = "1️⃣ a red fox in snow --ar 1:1\n\n2️⃣ a fox, 雪地 --ar 1:1\n\n3️⃣ fox\n\n4️⃣ winter fox --ar 1:1"
    assert numbered_prompts(text) == [
        "a red fox in snow --ar 1:1",
        "a fox, 雪地 --ar 1:1",
        "fox",
        "winter fox --ar 1:1",
    ]
    assert numbered_prompts("just one prompt") == ["just one prompt"]
    assert numbered_prompts("") == []


def test_button_actions_and_change_specs() -> None:
    assert button_action("MJ::JOB::upsample::1::abc") == "UPSCALE"
    assert button_action("MJ::JOB::upsample_v6_2x_subtle::1::abc::SOLO") == "UPSCALE_HD"
    assert button_action("MJ::Inpaint::1::abc::SOLO") == "INPAINT"
    assert button_action("MJ::Outpaint::50::1::abc::SOLO") == "OUTPAINT"
    assert button_action("MJ::JOB::pan_left::1::abc::SOLO") == "PAN"
    assert button_action("MJ::Something::new") == "ACTION"
    assert change_spec("U3") == ("UPSCALE", 3)
    assert change_spec("v2") == ("VARIATION", 2)
    assert change_spec("🔄") == ("REROLL", 1)
    assert change_spec("U5") is None
    assert change_spec("MJ::JOB::upsample::1::abc") is None
