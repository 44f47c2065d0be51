"""How much of a conversation a request carries: the last N messages, within a token budget.

Long conversations would otherwise send their whole history every turn (slow, costly, and
eventually over the model's window). The estimate needs no tokenizer: about four characters a
token for Latin text and one token per CJK character, a little over what real tokenizers count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

DEFAULT_MESSAGES = 20  # ten exchanges: enough for follow-ups, a fraction of a long chat


def estimate_tokens(text: str) -> int:
    """A cheap upper-leaning estimate of ``text``'s tokens."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)  # CJK and beyond: about a token each
    return wide + (len(text) - wide + 3) // 4 + 1


def fit(items: Sequence[T], texts: Sequence[str], last: int, budget: int) -> list[T]:
    """The newest items that fit: at most ``last`` of them (0: no limit) and, with ``budget`` >
    0, no more than ``budget`` estimated tokens of ``texts`` (item i's text is texts[i]). The
    newest item (the question being asked) is always kept, whatever its size."""
    if not items:
        return []
    start = max(0, len(items) - last) if last > 0 else 0
    if budget > 0:
        spent = 0
        for index in range(len(items) - 1, start - 1, -1):
            spent += estimate_tokens(texts[index])
            if spent > budget and index < len(items) - 1:
                start = index + 1
                break
    return list(items[start:])
