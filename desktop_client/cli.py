"""The ``keyhold`` command: scripting over the same core as the GUI.

``keyhold`` alone starts the GUI. Keys are read from stdin or a hidden prompt,
never from argv. Errors are one line on stderr; exit codes: 2 bad usage or input,
3 authentication, 4 quota or budget, 5 network or server, 6 keyring or local storage.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from desktop_client import __version__
from desktop_client.core.context import Core, build_core
from desktop_client.core.errors import ExitCode, InputError, KeyholdError
from desktop_client.core.redact import redact, register_secret
from desktop_client.core.settings import MjAuth, ProfileKind
from desktop_client.core.urls import WARNING_TEXT


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other error, and exit code 2. A stray argument may be a key
        # pasted in the wrong place: never echo it.
        if message.startswith("unrecognized arguments"):
            message = "unrecognized arguments (not shown: they may contain a secret)"
        sys.stderr.write(f"keyhold: error: {redact(message)} (see `{self.prog} --help`)\n")
        raise SystemExit(ExitCode.USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="keyhold", description="Keyhold: keys in the OS keyring, no server in between.")
    parser.add_argument("--version", action="version", version=f"keyhold {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("gui", help="start the desktop app (the default)")

    profile = sub.add_parser("profile", help="manage server profiles")
    psub = profile.add_subparsers(dest="action", required=True, parser_class=_Parser)
    add = psub.add_parser("add", help="add a profile; the key is read from stdin or a hidden prompt")
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=[k.value for k in ProfileKind])
    add.add_argument(
        "--base-url",
        required=True,
        help="the server's base URL, or - to read it from standard input (before the key) so it stays "
        "out of the process list and shell history",
    )
    add.add_argument("--key-stdin", action="store_true", help="read the API key from standard input")
    add.add_argument("--mj-auth", choices=[a.value for a in MjAuth], default=MjAuth.MJ_API_SECRET.value)
    add.add_argument("--model", default="", help="default model")
    add.add_argument("--allow-http", action="store_true", help="allow plain http:// to a non-local server")
    add.add_argument("--proxy", default="", help="http://, https:// or socks5:// proxy for this profile")

    lst = psub.add_parser("list", help="list profiles (never shows a key)")
    lst.add_argument("--json", action="store_true")
    test = psub.add_parser("test", help="test the connection of a profile")
    test.add_argument("name")
    rotate = psub.add_parser("rotate", help="replace the API key of a profile")
    rotate.add_argument("name")
    rotate.add_argument("--key-stdin", action="store_true")
    remove = psub.add_parser("remove", help="remove a profile and its keyring entries")
    remove.add_argument("name")
    return parser


def read_key(from_stdin: bool, stdin: TextIO) -> str:
    if from_stdin:
        key = stdin.readline().strip()
        if not key:
            raise InputError(
                "No key arrived on standard input", hint="Pipe the key in, e.g. `pass show x | keyhold …`"
            )
    elif stdin.isatty():
        key = getpass.getpass("API key (input hidden): ").strip()
    else:
        raise InputError("No key given", hint="Use --key-stdin to read it from standard input")
    register_secret(key, "key")
    return key


def _print_warnings(warnings: Sequence[object], err: TextIO) -> None:
    for warning in warnings:
        text = WARNING_TEXT.get(warning, str(warning))  # type: ignore[call-overload]
        err.write(f"keyhold: warning: {text}\n")


async def _test(core: Core, name: str, out: TextIO) -> int:
    # Imported here: `keyhold` alone starts the GUI and must not pay for httpx up front.
    from desktop_client.core.net.client import SecureHttp
    from desktop_client.core.services.connection import check_connection

    profile = await asyncio.to_thread(core.profiles.resolve, name)
    http = SecureHttp(profile)
    try:
        if http.plain_http_warning:
            sys.stderr.write("keyhold: warning: plain http — the key travels unencrypted\n")
        report = await check_connection(http)
    finally:
        await http.aclose()
    if report.error is not None:
        raise report.error
    out.write(f"{profile.name}: {report.summary}\n")
    return ExitCode.OK


def run_profile(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    profiles = core.profiles
    if args.action == "add":
        base_url = args.base_url
        if base_url == "-":
            base_url = stdin.readline().strip() if not stdin.isatty() else input("Base URL: ").strip()
            register_secret(base_url, "base-url")
        key = read_key(args.key_stdin, stdin)
        record, warnings = profiles.add(
            args.name,
            ProfileKind(args.kind),
            base_url,
            key,
            default_model=args.model,
            mj_auth=MjAuth(args.mj_auth),
            proxy_url=args.proxy,
            allow_http=args.allow_http,
        )
        _print_warnings(warnings, err)
        summary = profiles.summary(record)
        out.write(
            f"added {record.kind.value} profile {record.name!r} ({summary.host}, key {summary.fingerprint})\n"
        )
        return ExitCode.OK
    if args.action == "list":
        summaries = [profiles.summary(r) for r in profiles.all()]
        if args.json:
            rows = [
                {
                    "name": s.record.name,
                    "kind": s.record.kind.value,
                    "host": s.host,
                    "fingerprint": s.fingerprint,
                    "default_model": s.record.default_model,
                    "mj_auth": s.record.mj_auth.value if s.record.kind is ProfileKind.MIDJOURNEY else None,
                    "allow_http": s.record.allow_http,
                    "proxy": s.record.has_proxy,
                    "secrets_available": s.secrets_available,
                }
                for s in summaries
            ]
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        elif not summaries:
            out.write("no profiles yet: add one with `keyhold profile add NAME --kind openai --base-url URL`\n")
        else:
            width = max(len(s.record.name) for s in summaries)
            for s in summaries:
                host = s.host or "(keyring locked or entry missing)"
                out.write(f"{s.record.name:<{width}}  {s.record.kind.value:<10}  {host}  {s.fingerprint}\n")
        return ExitCode.OK
    if args.action == "test":
        return asyncio.run(_test(core, args.name, out))
    if args.action == "rotate":
        record = profiles.find(args.name)
        key = read_key(args.key_stdin, stdin)
        profiles.rotate_key(record.id, key)
        out.write(f"rotated the key of {record.name!r} (now {profiles.summary(record).fingerprint})\n")
        return ExitCode.OK
    if args.action == "remove":
        record = profiles.remove(args.name)
        out.write(f"removed profile {record.name!r} and its keyring entries\n")
        return ExitCode.OK
    raise InputError(f"Unknown action {args.action!r}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command in (None, "gui"):
        from desktop_client.app import run_gui

        return run_gui()
    try:
        core = build_core()
        return run_profile(args, core, sys.stdin, sys.stdout, sys.stderr)
    except KeyholdError as exc:
        sys.stderr.write(f"keyhold: error: {exc.one_line()}\n")
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("keyhold: interrupted\n")
        return 130
    except Exception as exc:  # a bug: still one redacted line, the traceback goes to the log
        import logging

        logging.getLogger("keyhold.cli").exception("unexpected error")
        sys.stderr.write(f"keyhold: internal error: {redact(repr(exc))} (details in the log)\n")
        return int(ExitCode.INTERNAL)
