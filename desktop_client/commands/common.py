"""What the commands share: the parser that never echoes a stray argument, reading a key or a
file, the waiting options of Midjourney commands, and an error's one line in the system language."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from desktop_client.core.errors import N_, ExitCode, InputError, KeyholdError, Template, error_line
from desktop_client.core.i18n import error_texts, system_language
from desktop_client.core.redact import redact, register_secret
from desktop_client.core.urls import WARNING_TEXT

PROFILE_HELP = (
    "the profile (name or id; default: the default profile of Settings ▸ Chat, else the first of its kind)"
)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other error, and exit code 2. A stray argument may be a key
        # pasted in the wrong place: never echo it.
        if message.startswith("unrecognized arguments"):
            message = "unrecognized arguments (not shown: they may contain a secret)"
        sys.stderr.write(f"keyhold: error: {redact(message)} (see `{self.prog} --help`)\n")
        raise SystemExit(ExitCode.USAGE)


def waiting(command: argparse.ArgumentParser, default: bool = False) -> None:
    """--wait (or --no-wait where waiting is the default) and --timeout."""
    if default:
        command.add_argument("--no-wait", dest="wait", action="store_false", help="print the task id at once")
    else:
        command.add_argument("--wait", action="store_true", help="wait for the result and print it")
    command.add_argument("--timeout", type=float, default=600.0, help="seconds to wait at most (default 600)")


def read_key(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        key = stdin.readline().strip()
        if not key:
            raise InputError(
                N_("Errors", "No key arrived on standard input"),
                hint=N_("Errors", "Pipe the key in, e.g. `pass show x | keyhold …`"),
            )
    elif stdin.isatty():
        key = getpass.getpass("API key (input hidden): ").strip()
    else:
        raise InputError(
            N_("Errors", "No key given"), hint=N_("Errors", "Use --key-stdin to read it from standard input")
        )
    register_secret(key, "key")
    return key


def print_warnings(warnings: Sequence[object], err: TextIO) -> None:
    for warning in warnings:
        text = WARNING_TEXT.get(warning, str(warning))  # type: ignore[call-overload]
        err.write(f"keyhold: warning: {text}\n")


def read_file(path: str, cannot: Template) -> bytes:
    """The file's bytes; ``cannot`` says which file could not be read (%1 its path, %2 why)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(cannot, hint=N_("Errors", "Check the path"), args=(repr(path), exc.strerror)) from None


def say(error: KeyholdError) -> str:
    """An error's one line, in the system language (the catalogue is read only when one is printed)."""
    return error_line(error, error_texts(system_language()))
