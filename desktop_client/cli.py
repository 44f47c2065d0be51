"""The ``keyhold`` command: scripting over the same core as the GUI.

``keyhold`` alone starts the GUI. Keys are read from stdin or a hidden prompt,
never from argv. Errors are one line on stderr; exit codes: 2 bad usage or input,
3 authentication, 4 quota or budget, 5 network or server, 6 keyring or local storage;
141 (128 + SIGPIPE, what a shell reports for ``yes | head``) when the reader of stdout went
away, e.g. ``keyhold gallery list | head``: the command stops quietly, with no traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TextIO

from desktop_client import __version__
from desktop_client.commands.common import Parser, say
from desktop_client.core.context import Core, build_core
from desktop_client.core.errors import ExitCode, KeyholdError
from desktop_client.core.hardening import disable_crash_dumps
from desktop_client.core.redact import redact
from desktop_client.core.text import inert

Run = Callable[[argparse.Namespace, Core, TextIO, TextIO, TextIO], Coroutine[Any, Any, int]]


def runs() -> dict[str, Run]:
    """Each subcommand that needs the data, and what runs it."""
    from desktop_client.commands import chat, gallery, history, image, midjourney

    return {
        "chat": chat.run,
        "history": history.run,
        "image": image.run,
        "gallery": gallery.run,
        "imagine": midjourney.run,
        "mj": midjourney.run,
    }


def build_parser() -> argparse.ArgumentParser:
    # The command modules load here, not with this module: the GUI's start does without them.
    from desktop_client.commands import chat, gallery, history, image, midjourney, profile

    parser = Parser(prog="keyhold", description="Keyhold: keys in the OS keyring, no server in between.")
    parser.add_argument("--version", action="version", version=f"keyhold {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    sub.add_parser("gui", help="start the desktop app (the default)")
    for command in (profile, chat, midjourney, image, gallery, history):
        command.add_parser(sub)
    return parser


CLOSED_PIPE = 141  # 128 + SIGPIPE: the exit status of a command whose reader closed the pipe


def main(argv: Sequence[str] | None = None) -> int:
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # here, not at exit (--help too): a closed pipe is caught below
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone() -> int:
    """The reader of stdout closed the pipe (``| head``). What is still buffered would fail again
    when Python flushes at exit, so stdout points at the null device from here on (the Python
    docs' pattern for SIGPIPE)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no stdout file at all: nothing to flush later either
        pass
    finally:
        os.close(devnull)
    return CLOSED_PIPE


def _main(argv: Sequence[str] | None) -> int:
    # First of all, for the GUI too: no key read later may end up in a core file.
    disable_crash_dumps()
    if list(sys.argv[1:] if argv is None else argv) in ([], ["gui"]):
        # The desktop app, at once: building the parser would load every command's module.
        from desktop_client.app import run_gui

        return run_gui()
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from desktop_client.app import run_gui

        return run_gui()
    core: Core | None = None
    warned: set[str] = set()
    try:
        core = build_core()
        _warn_damage(core, warned, sys.stderr)  # the settings are read by now; the database opens in _run
        return _run(args, core)
    except KeyholdError as exc:
        sys.stderr.write(f"keyhold: error: {say(exc)}\n")
        return int(exc.exit_code)
    except BrokenPipeError:
        raise  # the reader went away: main() ends quietly
    except KeyboardInterrupt:
        sys.stderr.write("keyhold: interrupted\n")
        return 130
    except Exception as exc:  # a bug: still one redacted line, the traceback goes to the log
        import logging

        logging.getLogger("keyhold.cli").exception("unexpected error")
        sys.stderr.write(f"keyhold: internal error: {redact(repr(exc))} (details in the log)\n")
        return int(ExitCode.INTERNAL)
    finally:
        if core is not None:
            _warn_damage(core, warned, sys.stderr)


def _run(args: argparse.Namespace, core: Core) -> int:
    if args.command == "profile":
        from desktop_client.commands import profile

        # Profiles live in the settings and the keyring: no database, no event loop.
        return profile.run(args, core, sys.stdin, sys.stdout, sys.stderr)
    core.open_blocking()  # every other command needs the data
    return asyncio.run(runs()[args.command](args, core, sys.stdin, sys.stdout, sys.stderr))


def _warn_damage(core: Core, warned: set[str], err: TextIO) -> None:
    """Says once, on stderr, that a damaged settings file or database was set aside in this run."""
    for notice in core.damage_notices():
        if notice not in warned:
            warned.add(notice)
            err.write(f"keyhold: warning: {inert(notice)}\n")
