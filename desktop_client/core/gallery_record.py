"""What the gallery knows of one image: the sidecar's schema, in one place.

A sidecar is the JSON file beside an image (``cat.png`` → ``cat.json``); the files are the
gallery's truth and the index is rebuilt from them, so this schema outlives any database.

Version 2 (written from now on) carries ``"version": 2`` and fixed keys: ``source``,
``action``, ``prompt``, ``profile``, ``task_id``, ``created``, ``favourite``, and the model and
the revised or final prompt under the names each source always used (``bot`` and
``final_prompt`` for Midjourney, ``model`` and ``revised_prompt`` for the others), so exports,
scripts and older Keyhold versions read them as before. Everything else (parameters, usage,
buttons, the file's name…) is kept as it is, in ``extra``.

Version 1 is every sidecar written before: no version key, and a date, action, model and
revised prompt under whichever of several names its writer used. Only ``from_json`` guesses
among them, and only for version 1."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION = 2
UNVERSIONED = 1

# The names version-1 writers used, in the order they were trusted.
_V1_CREATED = ("finished", "created", "submitted", "saved")
_V1_ACTION = ("action", "kind")
_V1_MODEL = ("model", "bot")
_V1_PROMPT_EXTRA = ("revised_prompt", "final_prompt")


def model_key(source: str) -> str:
    return "bot" if source == "midjourney" else "model"


def prompt_extra_key(source: str) -> str:
    return "final_prompt" if source == "midjourney" else "revised_prompt"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None


def _first(document: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    return next((text for key in keys if (text := _text(document.get(key)))), "")


@dataclass(frozen=True)
class ImageRecord:
    source: str  # openai, midjourney, chat or import; anything else is indexed as import
    prompt: str = ""
    action: str = ""  # generate, edit, IMAGINE, UPSCALE, answer…
    prompt_extra: str = ""  # the revised prompt (dall-e-3) or the server's final prompt (Midjourney)
    model: str = ""  # the model, or Midjourney's bot
    profile: str = ""  # the profile's name, never its address
    task_id: str = ""
    created: float | None = None  # None: the file's modification time stands in
    favourite: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)
    version: int = VERSION  # the schema it was read from; to_json always writes the current one

    def to_json(self) -> dict[str, Any]:
        typed: dict[str, Any] = {"version": VERSION, "source": self.source}
        if self.action:
            typed["action"] = self.action
        typed["prompt"] = self.prompt
        if self.prompt_extra:
            typed[prompt_extra_key(self.source)] = self.prompt_extra
        if self.model:
            typed[model_key(self.source)] = self.model
        if self.profile:
            typed["profile"] = self.profile
        if self.task_id:
            typed["task_id"] = self.task_id
        if self.created is not None:
            typed["created"] = self.created
        if self.favourite:
            typed["favourite"] = True
        owned = _owned_keys(self.source)
        # A typed field wins over a stale copy of its key in extra (read from an old document).
        return {**typed, **{k: v for k, v in self.extra.items() if k not in owned}}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> ImageRecord:
        """Any sidecar, of any version, or {} for none. Values of the wrong type count as absent:
        an imported folder's sidecars are as untrusted as a server's answers."""
        version = document.get("version")
        source = _text(document.get("source"))
        owned = _owned_keys(source)
        # The other names an old writer used (kind, finished, submitted…) stay: they are its data.
        extra = {k: v for k, v in document.items() if k not in owned}
        if isinstance(version, int) and not isinstance(version, bool) and version >= VERSION:
            return cls(
                source,
                _text(document.get("prompt")),
                _text(document.get("action")),
                _text(document.get(prompt_extra_key(source))),
                _text(document.get(model_key(source))),
                _text(document.get("profile")),
                _text(document.get("task_id")),
                _number(document.get("created")),
                document.get("favourite") is True,
                extra,
                version,
            )
        return cls(
            source,
            _text(document.get("prompt")),
            _first(document, _V1_ACTION),
            _first(document, _V1_PROMPT_EXTRA),
            _first(document, _V1_MODEL),
            _text(document.get("profile")),
            _text(document.get("task_id")),
            next((n for key in _V1_CREATED if (n := _number(document.get(key))) is not None), None),
            document.get("favourite") is True,
            extra,
            UNVERSIONED,
        )


_COMMON_KEYS = ("version", "source", "action", "prompt", "profile", "task_id", "created", "favourite")
_OWNED = {
    source: frozenset((*_COMMON_KEYS, prompt_extra_key(source), model_key(source)))
    for source in ("midjourney", "openai")
}


def _owned_keys(source: str) -> frozenset[str]:
    """The keys a record's typed fields own in a version-2 document of this source."""
    return _OWNED["midjourney" if source == "midjourney" else "openai"]
