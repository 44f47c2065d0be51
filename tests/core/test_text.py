import pytest

from desktop_client.core.errors import KeyholdError
from desktop_client.core.text import has_unsafe_chars, inert, inert_text

# (hostile text, what is left of it on one line)
ONE_LINE = [
    ("\x1b]0;pwned\x07Hello", "Hello"),  # OSC: set the window title, BEL-terminated
    ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC 8 hyperlink, ST-terminated
    ("\x1b]52;c;cm0gLXJmIH4=\x07after", "after"),  # OSC 52: write the clipboard
    ("a\x1b[2J\x1b[1;1Hb", "ab"),  # CSI: clear the screen, move the cursor
    ("\x1b[31mred\x1b[0m", "red"),
    ("\x9b31mC1 CSI", "C1 CSI"),  # the 8-bit form
    ("\x9d0;title\x9ctext", "text"),
    ("\x1bPq#0;2;0;0;0\x1b\\sixel", "sixel"),  # DCS
    ("\x1bcreset", "reset"),  # a two-byte escape (RIS)
    ("\x1b]unterminated", "unterminated"),  # the ESC goes; the rest is plain text
    ("\x1b[", ""),
    ("evil\u202etxt.exe", "eviltxt.exe"),  # right-to-left override
    ("\u2066isolated\u2069 \u200emark\u200f \u061c", "isolated mark "),
    ("zero\u200bwidth\u200c\u200djoin\u2060\ufeff", "zerowidthjoin"),
    ("tag\U000e0069\U000e0067smuggled", "tagsmuggled"),  # invisible tag characters
    ("bell\x07 nul\x00 del\x7f", "bell nul del"),
    ("two\nlines\r\nand\ttab\u2028sep", "two lines and tab sep"),
    ("overwrite\rshown", "overwrite shown"),
]


@pytest.mark.parametrize(("text", "left"), ONE_LINE)
def test_inert_removes_what_a_terminal_obeys_or_hides(text: str, left: str) -> None:
    assert inert(text) == left
    assert has_unsafe_chars(text)
    assert not has_unsafe_chars(inert(text))


@pytest.mark.parametrize(
    "text", ["Work", "relay 2 (fast)", "Ärger", "日本語のプロフィール", "🙂 emoji", "a-b_c.d", ""]
)
def test_ordinary_text_is_untouched(text: str) -> None:
    assert inert(text) == text and inert_text(text) == text
    assert not has_unsafe_chars(text)


def test_the_multi_line_variant_keeps_lines_and_tabs() -> None:
    text = "line 1\n\tindented \x1b[1mbold\x1b[0m\r\nline 3\rhidden\u202e\x1b]0;t\x07"
    assert inert_text(text) == "line 1\n\tindented bold\nline 3hidden"


def test_error_lines_are_inert() -> None:
    error = KeyholdError(
        "Bad key", hint="Check it", detail="\x1b]0;pwned\x07invalid \x1b[2Jkey\u202e\nsecond line"
    )
    assert error.one_line() == "Bad key. Check it. Server said: invalid key second line"
