"""Rendering of chat answers (Markdown, code, LaTeX) to Qt rich-text HTML."""

from desktop_client.core.render.markdown import Rendered, StreamingMarkdown, render_markdown

__all__ = ["Rendered", "StreamingMarkdown", "render_markdown"]
