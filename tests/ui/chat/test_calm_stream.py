"""A streaming answer is laid out as it will end: finishing it changes nothing on screen."""

from PySide6.QtWidgets import QApplication

from desktop_client.core.storage.chats import Message, Status
from desktop_client.ui.chat.message_widget import MessageWidget

SECTIONS = [
    "# A plan\n\n",
    "First a paragraph with **bold**, `code` and a [link](https://example.com) in it.\n\n",
    "## Steps\n\n",
    "- one thing\n- another thing\n- a third, longer thing that wraps at a narrow width\n\n",
    "1. first\n2. second\n\n",
    "| key | value |\n|---|---|\n| a | 1 |\n| b | 22 |\n\n",
    "```python\nfor i in range(3):\n    print(i)\n```\n\n",
    "> a quoted line\n\n",
]
# More blocks than one segment document holds, and an open paragraph at the end.
ANSWER = "".join(SECTIONS * 4) + "A last paragraph, still open when the stream ends"


def layout_of(widget: MessageWidget) -> list[object]:
    """What is on screen: each of the body's documents (its HTML and height), and the body's height."""
    QApplication.processEvents()  # pending layout requests settle first
    browsers = [*widget.body.segments, widget.body.tail]
    return [(b.toHtml(), b.height()) for b in browsers] + [widget.body.height(), len(browsers)]


def test_finishing_a_streamed_answer_reflows_nothing(qtbot, tmp_path) -> None:
    message = Message(id="a1", conversation_id="c1", parent_id=None, role="assistant", status=Status.STREAMING)
    widget = MessageWidget(message, tmp_path)
    qtbot.addWidget(widget)
    widget.resize(520, 400)
    widget.show()
    widget.begin_stream()
    for start in range(0, len(ANSWER), 7):
        widget.append(ANSWER[start : start + 7], "")
        if start % 70 == 0:
            widget._apply_pending()  # what the render timer does every 50 ms
    qtbot.waitUntil(lambda: not widget._pending_content and not widget._unparsed and not widget._backlog)
    widget._apply_pending()
    streamed = layout_of(widget)
    assert len(widget.body.segments) >= 2  # the answer spans several documents
    assert "A last paragraph, still open" in widget.body.tail.toPlainText()

    widget.finish(
        Message(
            id="a1", conversation_id="c1", parent_id=None, role="assistant", content=ANSWER, status=Status.COMPLETE
        )
    )
    qtbot.waitUntil(lambda: not widget.streaming)
    assert layout_of(widget) == streamed
    assert widget.message.status is Status.COMPLETE and widget.copy_btn.isVisibleTo(widget)


def test_an_answer_that_ended_otherwise_than_it_streamed_is_rendered_again(qtbot, tmp_path) -> None:
    message = Message(id="a1", conversation_id="c1", parent_id=None, role="assistant", status=Status.STREAMING)
    widget = MessageWidget(message, tmp_path)
    qtbot.addWidget(widget)
    widget.begin_stream()
    widget.append("Some text that the store ", "")
    widget._apply_pending()
    stored = "Some text that the store holds differently"
    widget.finish(
        Message(
            id="a1", conversation_id="c1", parent_id=None, role="assistant", content=stored, status=Status.COMPLETE
        )
    )
    assert not widget.streaming
    assert widget.body.toPlainText().strip() == stored
