"""Reading Markdown's block structure line by line: indentation, tables, quotes and code fences
(the streaming renderer decides from these where a block is finished)."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it.common.utils import unescapeAll

from desktop_client.core.render.style import (
    _DELIM_CELL_RE,
    _FENCE_OPEN_RE,
    _PIPE_RE,
)


def _indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _lines(text: str) -> list[str]:
    """Lines with their ends; unlike str.splitlines, only "\\n" ends a line, as in Markdown."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def _table_cells(row: str) -> list[str]:
    row = row.strip().removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in _PIPE_RE.split(row)]


def _is_table_start(header: str, delimiter: str) -> bool:
    cells = _table_cells(delimiter)
    return (
        "|" in header + delimiter
        and all(_DELIM_CELL_RE.fullmatch(cell) for cell in cells)
        and len(cells) == len(_table_cells(header))
    )


def _dedent(text: str) -> str:
    lines = _lines(text)
    widths = [_indent_width(line) for line in lines if line.strip()]
    cut = min(widths, default=0)
    if not cut:
        return text
    return "".join(line.expandtabs(4)[cut:] if line.strip() else line for line in lines)


def _backslashes_before(s: str, pos: int) -> int:
    count = 0
    while pos > 0 and s[pos - 1] == "\\":
        count += 1
        pos -= 1
    return count


# --------------------------------------------------------------------------- fences


@dataclass(eq=False)
class _Fence:
    char: str
    length: int
    indent: int  # content column inside list items, stripped from code lines
    quoted: int  # number of enclosing blockquotes
    lang: str
    start: int = 0  # offset of the opening line in the streaming buffer
    lines: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    chunked: bool = False
    index: int = -1
    hl_count: int = -1  # len(lines or pending) that hl_html was made from
    hl_html: str = ""
    hl_stable_count: int = 0  # lines last lexed together, as one piece

    def reset_highlight(self) -> None:
        self.hl_count, self.hl_html, self.hl_stable_count = -1, "", 0


def _open_fence(line: str, listy: bool) -> _Fence | None:
    m = _FENCE_OPEN_RE.match(line)
    if m is None:
        return None
    fence, info = m["fence"], m["info"]
    if fence[0] == "`" and "`" in info:
        return None
    quoted = m["quote"].count(">")
    # Four columns of indentation outside any container is an indented code block.
    if not quoted and not m["marker"] and not listy and _indent_width(m["rest"]) >= 4:
        return None
    words = info.strip().split(maxsplit=1)
    lang = unescapeAll(words[0]) if words else ""
    return _Fence(fence[0], len(fence), len(m["rest"].expandtabs(4)), quoted, lang)


def _strip_quotes(line: str, quoted: int) -> str:
    for _ in range(quoted):
        t = line.lstrip(" ")
        if not t.startswith(">"):
            break
        line = t[2:] if t.startswith("> ") else t[1:]
    return line


def _strip_container(line: str, fence: _Fence) -> str:
    if fence.quoted:
        line = _strip_quotes(line, fence.quoted)
    k = 0
    while k < fence.indent and k < len(line) and line[k] == " ":
        k += 1
    return line[k:]


def _fence_closes(line: str, fence: _Fence) -> bool:
    s = _strip_quotes(line, fence.quoted) if fence.quoted else line
    t = s.lstrip(" ")
    if len(s) - len(t) > fence.indent + 3:
        return False
    run = len(t) - len(t.lstrip(fence.char))
    return run >= fence.length and not t[run:].strip()
