"""Which of a server's models are for chatting: a guess from their names, good enough to
offer the likely ones first and to pick one when the user has not."""

from __future__ import annotations

from collections.abc import Iterable

# Names with these parts are not chat models, whatever else they contain ("gpt-image-1").
NOT_CHAT = (
    "embed",
    "tts",
    "whisper",
    "dall-e",
    "image",
    "moderation",
    "audio",
    "transcribe",
    "realtime",
    "rerank",
)
CHAT = (
    "gpt",
    "chat",
    "claude",
    "gemini",
    "qwen",
    "deepseek",
    "glm",
    "llama",
    "mistral",
    "o1",
    "o3",
    "o4",
)


def _rank(model: str) -> int:
    name = model.casefold()
    if any(part in name for part in NOT_CHAT):
        return 2
    if any(part in name for part in CHAT):
        return 0
    return 1


def chat_first(models: Iterable[str]) -> list[str]:
    """The models, likely chat models first and the surely-not-chat ones last, each group in
    the server's order."""
    return sorted(models, key=_rank)


def first_chat_model(models: Iterable[str]) -> str:
    """The model to use when none is chosen: the first that is not surely something else; "" if none."""
    return next((m for m in chat_first(models) if _rank(m) < 2), "")


__all__ = ["chat_first", "first_chat_model"]
