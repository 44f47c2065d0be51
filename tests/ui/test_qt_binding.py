"""The Qt binding must not drop references to None.

PySide6 6.12.0 decrements None's reference count on every call of a void method under
Python 3.11 (3.12 made None immortal, which hides it); the process then aborts with
"deallocating None" after enough calls — in a chat app, after enough streamed tokens.
"""

import sys

import pytest
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QTextBrowser


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_calls_keep_none_alive(qapp) -> None:
    label, browser, document = QLabel(), QTextBrowser(), QTextDocument()
    calls = [
        lambda: label.setText("x"),
        lambda: browser.setHtml("<p>x</p>"),
        lambda: QTextCursor(document).insertHtml("<b>x</b>"),
        lambda: browser.clear(),
    ]
    before = sys.getrefcount(None)
    for _ in range(200):
        for call in calls:
            call()
    assert sys.getrefcount(None) - before > -50, "the Qt binding leaks references to None"
