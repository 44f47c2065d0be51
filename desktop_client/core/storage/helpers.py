"""Small things the stores share: safe full-text queries, a conversation's first title, and
whether the process that owns a streaming answer still runs."""

from __future__ import annotations

import os
import re

from desktop_client.core.text import inert


def pid_alive(pid: int | None) -> bool:
    """Does process ``pid`` (the one writing a streaming answer) still run?"""
    if not pid:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def fts_query(text: str) -> str:
    """User words as quoted FTS5 strings: no operator or quote can break the query."""
    terms = [t.replace('"', '""') for t in re.split(r"\s+", text.strip()) if t]
    return " ".join(f'"{t}"' for t in terms)


def title_from(first_prompt: str) -> str:
    """A title from the first question: its first line, cut at a word."""
    line = inert(first_prompt.strip().splitlines()[0]).strip() if first_prompt.strip() else ""
    if len(line) <= 48:
        return line
    cut = line[:48].rsplit(" ", 1)[0]
    return (cut if len(cut) > 20 else line[:48]) + "…"
