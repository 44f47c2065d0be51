"""The design system: a stylesheet of palette roles only, icons tinted from the palette and
re-tinted with the theme, a type scale that follows the text size, forms that line up."""

import re
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QToolButton, QWidget

from desktop_client.core.settings import Theme
from desktop_client.ui import design
from desktop_client.ui.theme import Themes, palette

# Every role QSS's palette() knows; a typo there silently draws black.
QSS_ROLES = {
    "alternate-base", "base", "bright-text", "button", "button-text", "dark", "highlight",
    "highlighted-text", "light", "link", "link-visited", "mid", "midlight", "placeholder-text",
    "shadow", "text", "tooltip-base", "tooltip-text", "window", "window-text",
}  # fmt: skip


@pytest.fixture
def restore_theme(qapp):
    native, style, font = QPalette(qapp.palette()), qapp.style().name(), qapp.font()
    yield
    Themes.of(qapp).choice = Theme.SYSTEM
    qapp.setStyleSheet("")
    qapp.setStyle(style)
    qapp.setPalette(native)
    qapp.setFont(font)


@pytest.mark.parametrize("dark", [False, True])
def test_the_stylesheet_names_palette_roles_never_colours(qapp, dark) -> None:
    sheet = design.stylesheet(palette(dark))
    without_urls = re.sub(r"url\([^)]*\)", "url()", sheet)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(", without_urls)
    assert not re.search(r"\b(color|background|border[a-z-]*)\s*:\s*(white|black|red|gray|grey)\b", without_urls)
    roles = set(re.findall(r"palette\(([a-z-]+)\)", sheet))
    assert roles and roles <= QSS_ROLES
    # The arrows and ticks it points at exist, drawn in the palette's own colours.
    roles = (QPalette.ColorRole.PlaceholderText, QPalette.ColorRole.HighlightedText)
    for path in re.findall(r"url\(([^)]*)\)", sheet):
        text = Path(path).read_text(encoding="utf-8")
        assert any(palette(dark).color(role).name() in text for role in roles)


def _dominant_ink(icon, size: int = 24):
    image = icon.pixmap(size, size).toImage()
    inked = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    ]
    assert inked, "the icon drew nothing"
    return {colour.name() for colour in inked}


@pytest.mark.parametrize("dark", [False, True])
def test_icons_are_drawn_in_the_palettes_text_colour(qapp, dark) -> None:
    pal = palette(dark)
    assert _dominant_ink(design.icon("copy", pal)) == {pal.color(QPalette.ColorRole.ButtonText).name()}
    assert _dominant_ink(design.icon("chat", pal, accent=True)) == {pal.color(QPalette.ColorRole.Highlight).name()}


def test_every_icon_the_code_names_exists(qapp) -> None:

    import desktop_client

    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(desktop_client.__file__).parent.rglob("*.py"))
    names = set(re.findall(r"set_(?:item_)?icon\([^,]+,\s*\"([a-z-]+)\"", source))
    assert {"copy", "send", "attach", "regenerate"} <= names
    for name in names:
        assert not design.icon(name).isNull(), name
        assert "currentColor" in design._svg(name), f"{name}.svg is not tintable"


def test_a_theme_change_retints_icons_and_the_text_size_rescales_types(qapp, restore_theme) -> None:
    themes = Themes.of(qapp)
    holder = QWidget()
    button = QToolButton(holder)
    design.set_icon(button, "copy")
    title = QLabel("Title", holder)
    design.set_type(title, "title")
    search = QLineEdit(holder).addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
    design.set_icon(search, "search")  # an action inside a line edit is re-tinted too
    try:
        themes.apply(Theme.LIGHT)
        light_ink = _dominant_ink(button.icon())
        themes.apply(Theme.DARK)
        dark_ink = _dominant_ink(button.icon())
        assert light_ink == {palette(False).color(QPalette.ColorRole.ButtonText).name()}
        assert dark_ink == {palette(True).color(QPalette.ColorRole.ButtonText).name()}
        assert _dominant_ink(search.icon()) == dark_ink
        base = qapp.font().pointSizeF()
        assert title.font().pointSizeF() == base + design.TYPE_SCALE["title"][0]
        themes.set_text_size(3)
        assert title.font().pointSizeF() == qapp.font().pointSizeF() + design.TYPE_SCALE["title"][0]
        assert title.font().pointSizeF() > base + design.TYPE_SCALE["title"][0]
    finally:
        holder.deleteLater()


def test_form_labels_line_up_with_boxed_fields_only(qapp) -> None:
    holder = QWidget()
    form = QFormLayout(holder)
    boxed, plain, check = QLabel("Name"), QLabel("Stored in"), QLabel("Plain HTTP")
    form.addRow(boxed, QLineEdit())
    form.addRow(plain, QLabel("the keyring"))
    form.addRow(check, QCheckBox("Allow"))
    design.tidy_form(form)
    assert boxed.property("formLabel") is True
    assert plain.property("formLabel") is False and check.property("formLabel") is False
    holder.deleteLater()
