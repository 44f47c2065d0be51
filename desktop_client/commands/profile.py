"""`keyhold profile`: add, list, test, rotate, remove server profiles and choose the defaults."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import TextIO

from desktop_client.commands.common import Parser, print_warnings, read_key
from desktop_client.core.context import Core
from desktop_client.core.errors import N_, ExitCode, InputError
from desktop_client.core.redact import register_secret
from desktop_client.core.settings import MjAuth, ProfileKind
from desktop_client.core.text import inert


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold profile add/edit/list/test/rotate/default/remove."""
    profile = sub.add_parser("profile", help="manage server profiles")
    psub = profile.add_subparsers(dest="action", required=True, parser_class=Parser)
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

    edit = psub.add_parser("edit", help="change a profile's default model, proxy or base URL (the key: rotate)")
    edit.add_argument("name")
    edit.add_argument("--model", default=None, help='default model ("" for none)')
    proxy = edit.add_mutually_exclusive_group()
    proxy.add_argument("--proxy", default=None, help="http://, https:// or socks5:// proxy for this profile")
    proxy.add_argument("--no-proxy", action="store_true", help="connect directly, not through the default proxy")
    proxy.add_argument(
        "--default-proxy", action="store_true", help="no proxy of its own: use the default proxy (if one is set)"
    )
    edit.add_argument("--base-url", default=None, help="the server's base URL, or - to read it from stdin")

    lst = psub.add_parser("list", help="list profiles (never shows a key)")
    lst.add_argument("--json", action="store_true")
    test = psub.add_parser("test", help="test the connection of a profile")
    test.add_argument("name")
    rotate = psub.add_parser("rotate", help="replace the API key of a profile")
    rotate.add_argument("name")
    rotate.add_argument("--key-stdin", action="store_true")
    default = psub.add_parser(
        "default", help="make a profile the default of its kind (commands use it when -p is left out)"
    )
    default.add_argument("name")
    remove = psub.add_parser("remove", help="remove a profile and its keyring entries")
    remove.add_argument("name")


async def _test(core: Core, name: str, out: TextIO) -> int:
    profile = await asyncio.to_thread(core.profiles.resolve, name)
    report = await core.profiles.test(profile)
    if report.plain_http:
        sys.stderr.write("keyhold: warning: plain http — the key travels unencrypted\n")
    if report.error is not None:
        raise report.error
    out.write(f"{inert(profile.name)}: {inert(report.summary)}\n")
    return ExitCode.OK


def run(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    profiles = core.profiles
    if args.action == "add":
        base_url = _base_url(args.base_url, stdin)
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
        print_warnings(warnings, err)
        summary = profiles.summary(record)
        out.write(
            f"added {record.kind.value} profile {record.name!r} ({summary.host}, key {summary.fingerprint})\n"
        )
        return ExitCode.OK
    if args.action == "edit":
        return _edit(core, args, stdin, out, err)
    if args.action == "list":
        return _list(core, args.json, out)
    if args.action == "test":
        return asyncio.run(_test(core, args.name, out))
    if args.action == "rotate":
        record = profiles.find(args.name)
        key = read_key(args.key_stdin, stdin)
        profiles.rotate_key(record.id, key)
        out.write(f"rotated the key of {record.name!r} (now {profiles.summary(record).fingerprint})\n")
        return ExitCode.OK
    if args.action == "default":
        record = profiles.find(args.name)
        profiles.set_default(record.kind, record.id)
        out.write(f"{record.name!r} is now the default {record.kind.value} profile\n")
        return ExitCode.OK
    if args.action == "remove":
        record = profiles.remove(args.name)
        out.write(f"removed profile {record.name!r} and its keyring entries\n")
        return ExitCode.OK
    raise InputError(N_("Errors", "Unknown action %1"), args=(repr(args.action),))


def _base_url(given: str, stdin: TextIO) -> str:
    """``given``, or for "-" the line read from standard input (kept out of the process list)."""
    if given != "-":
        return given
    base_url = stdin.readline().strip() if not stdin.isatty() else input("Base URL: ").strip()
    register_secret(base_url, "base-url")
    return base_url


def _edit(core: Core, args: argparse.Namespace, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    proxy = "" if args.no_proxy or args.default_proxy else args.proxy
    if args.model is None and proxy is None and args.base_url is None:
        raise InputError(
            N_("Errors", "Nothing to change"), hint=N_("Errors", "Pass --model, --proxy, --no-proxy or --base-url")
        )
    base_url = None if args.base_url is None else _base_url(args.base_url, stdin)
    no_proxy = True if args.no_proxy else False if args.default_proxy else None
    record, warnings = core.profiles.update(
        args.name, default_model=args.model, proxy_url=proxy, base_url=base_url, no_proxy=no_proxy
    )
    print_warnings(warnings, err)
    summary = core.profiles.summary(record)
    model = inert(record.default_model) or "none"
    proxied = "a proxy" if record.has_proxy else "no proxy" if record.no_proxy else "the default proxy if set"
    out.write(f"updated profile {record.name!r} ({summary.host}, default model {model}, {proxied})\n")
    return ExitCode.OK


def _list(core: Core, as_json: bool, out: TextIO) -> int:
    profiles = core.profiles
    summaries = [profiles.summary(r) for r in profiles.all()]
    if as_json:
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
                "default": profiles.default_for(s.record.kind) == s.record.id,
                "secrets_available": s.secrets_available,
            }
            for s in summaries
        ]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif not summaries:
        out.write("no profiles yet: add one with `keyhold profile add NAME --kind openai --base-url URL`\n")
    else:
        # Names checked when added; inert again for a settings file edited by hand.
        width = max(len(inert(s.record.name)) for s in summaries)
        for s in summaries:
            host = inert(s.host) or "(keyring locked or entry missing)"
            out.write(f"{inert(s.record.name):<{width}}  {s.record.kind.value:<10}  {host}  {s.fingerprint}\n")
    return ExitCode.OK
