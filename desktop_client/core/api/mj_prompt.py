"""Midjourney prompt parameters (``--ar 16:9 --v 6.1 --stylize 250 ...``) from the helpers.

A value set in a helper replaces the same parameter typed in the prompt (under any of its
aliases), so the prompt sent never carries ``--ar`` twice; parameters the helpers do not
cover are left as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_client.core.errors import N_, InputError

ASPECTS = ("1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "21:9")
VERSIONS = ("7", "6.1", "6", "5.2", "niji 6", "niji 5")

_ALIASES: dict[str, tuple[str, ...]] = {
    "ar": ("ar", "aspect"),
    "v": ("v", "version"),
    "niji": ("niji",),
    "stylize": ("stylize", "s"),
    "chaos": ("chaos", "c"),
    "style": ("style",),
    "no": ("no",),
}
_ASPECT = re.compile(r"^\s*(\d{1,3})\s*[:：]\s*(\d{1,3})\s*$")


def _drop(prompt: str, names: tuple[str, ...]) -> str:
    # "--name value words" up to the next "--" parameter (or the end): --no takes a list.
    alternatives = "|".join(map(re.escape, names))
    pattern = rf"(?:^|\s)(?:--|—)(?:{alternatives})(?=\s|$)(?:\s+(?!--)[^\s]+)*"
    return re.sub(pattern, "", prompt).strip()


@dataclass(frozen=True)
class MjParams:
    aspect: str = ""
    version: str = ""
    stylize: int | None = None
    chaos: int | None = None
    raw: bool = False
    no: str = ""

    @property
    def niji(self) -> bool:
        return self.version.startswith("niji")

    @property
    def bot(self) -> str:
        """The bot to submit to: Niji versions go to the Niji bot."""
        return "NIJI_JOURNEY" if self.niji else "MID_JOURNEY"

    def validate(self) -> None:
        if self.aspect:
            match = _ASPECT.match(self.aspect)
            if match is None or int(match.group(1)) == 0 or int(match.group(2)) == 0:
                raise InputError(
                    N_("Errors", "The aspect ratio %1 is not W:H"),
                    hint=N_("Errors", "Use whole numbers, like 16:9"),
                    args=(repr(self.aspect),),
                )
        if self.version and self.version not in VERSIONS:
            raise InputError(
                N_("Errors", "Unknown version %1"),
                hint=N_("Errors", "Choose one of: %2"),
                args=(repr(self.version), ", ".join(VERSIONS)),
            )
        if self.stylize is not None and not 0 <= self.stylize <= 1000:
            raise InputError(
                N_("Errors", "Stylize goes from 0 to 1000"), hint=N_("Errors", "Pick a value in that range")
            )
        if self.chaos is not None and not 0 <= self.chaos <= 100:
            raise InputError(
                N_("Errors", "Chaos goes from 0 to 100"), hint=N_("Errors", "Pick a value in that range")
            )


def build_prompt(text: str, params: MjParams) -> str:
    """The prompt as sent: the text, then the helpers' parameters."""
    params.validate()
    prompt = " ".join(text.split())
    extra: list[str] = []
    if params.aspect:
        prompt = _drop(prompt, _ALIASES["ar"])
        match = _ASPECT.match(params.aspect)
        assert match is not None
        extra.append(f"--ar {int(match.group(1))}:{int(match.group(2))}")
    if params.version:
        prompt = _drop(_drop(prompt, _ALIASES["v"]), _ALIASES["niji"])
        extra.append(f"--niji {params.version.split()[1]}" if params.niji else f"--v {params.version}")
    if params.stylize is not None:
        prompt = _drop(prompt, _ALIASES["stylize"])
        extra.append(f"--stylize {params.stylize}")
    if params.chaos is not None:
        prompt = _drop(prompt, _ALIASES["chaos"])
        extra.append(f"--chaos {params.chaos}")
    if params.raw:
        prompt = _drop(prompt, _ALIASES["style"])
        extra.append("--style raw")
    words = [w.strip() for w in re.split(r"[,，]", params.no) if w.strip()]
    if words:
        prompt = _drop(prompt, _ALIASES["no"])
        extra.append("--no " + ", ".join(words))
    return " ".join([prompt, *extra]).strip()
