"""A failed answer's status line is built from the message's fields, in the user's language."""

from PySide6.QtGui import QPalette

from desktop_client.core.errors import ErrorKind
from desktop_client.core.settings import Language
from desktop_client.core.storage.chats import Message, Status
from desktop_client.ui.chat.message_widget import MessageWidget
from desktop_client.ui.i18n import Translations


def failed(error: str, detail: str, kind: ErrorKind = ErrorKind.BAD_KEY) -> Message:
    return Message(
        id="m1",
        conversation_id="c1",
        parent_id=None,
        role="assistant",
        content="partial",
        status=Status.FAILED,
        error=error,
        error_kind=kind.value,
        error_detail=detail,
    )


def test_the_servers_words_come_from_the_detail_field_never_from_the_line(qapp, tmp_path) -> None:
    stored = failed("Bad key: rejected. Check it. Server said: words in the line", "invalid token sk-…")
    widget = MessageWidget(stored, tmp_path)
    try:
        text = widget.status_label.text()
        assert "Bad key: the server rejected the API key" in text
        assert "Server said: invalid token sk-…" in text and "words in the line" not in text
        assert widget.status_label.toolTip() == stored.error  # the exact words stay at hand
        widget.show_message(failed("Bad key: rejected. Server said: only in the line", ""))
        assert "Server said" not in widget.status_label.text()  # a row without a detail still shows
    finally:
        widget.deleteLater()


def test_the_status_line_is_chinese_in_the_chinese_ui(qapp, tmp_path) -> None:
    translations = Translations()
    try:
        translations.apply(Language.CHINESE)
        widget = MessageWidget(failed("Bad key: rejected", "invalid token"), tmp_path)
        text = widget.status_label.text()
        widget.deleteLater()
    finally:
        translations.apply(Language.ENGLISH)
    assert "密钥错误" in text and "服务器返回：invalid token" in text
    assert "Bad key" not in text and "Server said" not in text


def _palette(dark: bool):
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    window, text = (QColor("#202124"), QColor("#e8eaed")) if dark else (QColor("#ffffff"), QColor("#202124"))
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        palette.setColor(role, window)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(role, text)
    return palette


def test_code_and_tables_follow_a_dark_palette_and_a_switch_back(qapp, tmp_path) -> None:
    answer = "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('hi')\n```\n"
    message = Message(id="m2", conversation_id="c1", parent_id=None, role="assistant", content=answer)
    widget = MessageWidget(message, tmp_path)
    try:
        light_html = widget.body.toHtml()
        widget.setPalette(_palette(dark=True))
        dark_html = widget.body.toHtml()
        assert dark_html != light_html
        assert "#161b22" in dark_html and "#f6f8fa" not in dark_html  # the dark code background
        widget.setPalette(_palette(dark=False))
        assert "#f6f8fa" in widget.body.toHtml()
    finally:
        widget.deleteLater()


def test_a_question_and_an_answer_are_drawn_in_palette_colours(qapp, tmp_path) -> None:
    from desktop_client.ui import theme

    native, style = QPalette(qapp.palette()), qapp.style().name()
    try:
        for dark in (False, True):
            theme.apply(qapp, dark)  # the app's palette and stylesheet
            pal = qapp.palette()
            for role, card, colour in (
                ("user", "user", pal.color(QPalette.ColorRole.AlternateBase)),
                ("assistant", "true", pal.color(QPalette.ColorRole.Base)),
            ):
                message = Message(id="m3", conversation_id="c1", parent_id=None, role=role, content="hello")
                widget = MessageWidget(message, tmp_path)
                try:
                    assert widget.property("card") == card
                    widget.resize(400, 120)
                    widget.show()
                    image = widget.grab().toImage()
                    # Inside the rounded corner, beside the text: the card's own colour.
                    assert image.pixelColor(image.width() - 20, 30) == colour
                finally:
                    widget.deleteLater()
    finally:
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(native)


def test_the_header_shows_the_date_of_a_message_of_another_day(qapp, tmp_path) -> None:
    import dataclasses
    import time

    now = time.time()
    older = now - 2 * 86400
    widget = MessageWidget(dataclasses.replace(failed("x", "y"), created=now, model="m"), tmp_path)
    try:
        assert time.strftime("%H:%M", time.localtime(now)) in widget.meta_label.text()
        assert time.strftime("%Y-%m-%d", time.localtime(now)) not in widget.meta_label.text()
        widget.show_message(dataclasses.replace(failed("x", "y"), created=older, model="m"))
        assert time.strftime("%Y-%m-%d %H:%M", time.localtime(older)) in widget.meta_label.text()
    finally:
        widget.deleteLater()
