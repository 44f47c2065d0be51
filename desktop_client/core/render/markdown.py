"""Markdown → HTML for chat answers, shaped for Qt's rich-text subset (QTextDocument).

Model output is untrusted: raw HTML is escaped, only ``http``/``https``/``mailto`` links
stay live, and images are kept only for ``http(s)`` and ``data:image/…;base64`` sources.
Everything is styled inline (Qt ignores most CSS), code is highlighted by Pygments, and
LaTeX is turned into Unicode text by pylatexenc since there is no TeX engine to hand.

The work is split by concern: ``style`` (palettes, shared placeholders), ``blocks`` (lines,
tables, fences), ``code`` (highlighting), ``math`` (LaTeX), ``html`` (markdown-it and
``render_markdown``) and ``streaming`` (``StreamingMarkdown``). A line longer than
``lines.LINE_CAP`` is cut for display before all of this (see ``lines``).
"""

from __future__ import annotations

from desktop_client.core.render.html import render_markdown
from desktop_client.core.render.streaming import StreamingMarkdown
from desktop_client.core.render.style import Rendered

__all__ = ["Rendered", "StreamingMarkdown", "render_markdown"]
