"""The ``keyhold`` command: scripting over the same core as the GUI.

``keyhold`` alone starts the GUI. Keys are read from stdin or a hidden prompt,
never from argv. Errors are one line on stderr; exit codes: 2 bad usage or input,
3 authentication, 4 quota or budget, 5 network or server, 6 keyring or local storage.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import json
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from desktop_client import __version__
from desktop_client.core.context import Core, build_core
from desktop_client.core.errors import (
    N_,
    ErrorKind,
    ExitCode,
    InputError,
    KeyholdError,
    NotFoundError,
    Template,
    error_line,
)
from desktop_client.core.hardening import disable_crash_dumps
from desktop_client.core.i18n import error_texts, system_language
from desktop_client.core.redact import redact, register_secret
from desktop_client.core.settings import MjAuth, ProfileKind
from desktop_client.core.text import inert, inert_text
from desktop_client.core.urls import WARNING_TEXT

if TYPE_CHECKING:
    # Only for annotations: `keyhold` alone starts the GUI and must not load httpx first.
    from desktop_client.core.api.retry import RetryNotice


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

    chat = sub.add_parser("chat", help="ask a question; the answer streams to stdout, reasoning to stderr")
    chat.add_argument("-p", "--profile", required=True)
    chat.add_argument("-m", "--model", default="")
    chat.add_argument("--system", default=None, help="system prompt (for a new conversation, or to change it)")
    chat.add_argument("--conversation", default=None, help="continue this conversation (id or id prefix)")
    chat.add_argument("--temperature", type=float, default=None)
    chat.add_argument("prompt", help="the question, or - to read it from standard input")

    def waiting(command: argparse.ArgumentParser, default: bool = False) -> None:
        if default:
            command.add_argument("--no-wait", dest="wait", action="store_false", help="print the task id at once")
        else:
            command.add_argument("--wait", action="store_true", help="wait for the result and print it")
        command.add_argument("--timeout", type=float, default=600.0, help="seconds to wait at most (default 600)")

    imagine = sub.add_parser("imagine", help="submit a Midjourney prompt; prints the task id")
    imagine.add_argument("-p", "--profile", required=True)
    imagine.add_argument("--niji", action="store_true", help="draw with the Niji bot")
    imagine.add_argument(
        "--image",
        action="append",
        default=[],
        metavar="FILE",
        help="a reference image (up to 5; repeat the option)",
    )
    waiting(imagine)
    imagine.add_argument("prompt")

    mj = sub.add_parser("mj", help="Midjourney tasks")
    mjsub = mj.add_subparsers(dest="action", required=True, parser_class=_Parser)
    mj_action = mjsub.add_parser("action", help="press a button of a finished task (U1, V3, 🔄 or a customId)")
    mj_action.add_argument("-p", "--profile", required=True)
    mj_action.add_argument("--prompt", default=None, help="the prompt for Vary (Region), Custom Zoom or remix")
    mj_action.add_argument("--mask", default=None, metavar="FILE.png", help="Vary (Region): white where to redraw")
    waiting(mj_action)
    mj_action.add_argument("task_id")
    mj_action.add_argument("button")
    describe = mjsub.add_parser("describe", help="four prompts for an image (waits for them)")
    describe.add_argument("-p", "--profile", required=True)
    waiting(describe, default=True)
    describe.add_argument("image")
    blend = mjsub.add_parser("blend", help="blend 2 to 5 images; prints the task id")
    blend.add_argument("-p", "--profile", required=True)
    blend.add_argument(
        "--dimensions", choices=["PORTRAIT", "SQUARE", "LANDSCAPE"], default="SQUARE", type=str.upper
    )
    waiting(blend)
    blend.add_argument("images", nargs="+")
    shorten = mjsub.add_parser("shorten", help="shorter versions of a prompt (waits for them)")
    shorten.add_argument("-p", "--profile", required=True)
    waiting(shorten, default=True)
    shorten.add_argument("prompt")
    seed = mjsub.add_parser("seed", help="the seed of a finished task")
    seed.add_argument("-p", "--profile", required=True)
    seed.add_argument("task_id")
    mj_tasks = mjsub.add_parser("tasks", help="list the tasks Keyhold submitted, newest first")
    mj_tasks.add_argument("--json", action="store_true")

    image = sub.add_parser("image", help="generate (or edit) images with an OpenAI-compatible profile")
    image.add_argument("-p", "--profile", required=True)
    image.add_argument("-m", "--model", default="gpt-image-1", help="dall-e-2, dall-e-3, gpt-image-1… (default)")
    image.add_argument("--size", default="", metavar="WxH", help="e.g. 1024x1024, 1536x1024, auto")
    image.add_argument("--n", type=int, default=1, help="how many images (dall-e-3: 1)")
    image.add_argument("--quality", default="", help="standard/hd (dall-e-3), low/medium/high/auto (gpt-image)")
    image.add_argument("--style", default="", choices=["", "vivid", "natural"], help="dall-e-3 only")
    image.add_argument("--background", default="", choices=["", "auto", "transparent", "opaque"])
    image.add_argument("--format", dest="output_format", default="", choices=["", "png", "jpeg", "webp"])
    image.add_argument(
        "--edit", action="append", default=[], metavar="FILE", help="edit this image (repeat for several)"
    )
    image.add_argument("--mask", default=None, metavar="FILE.png", help="edit: transparent where to redraw")
    image.add_argument("prompt", help="the prompt, or - to read it from standard input")

    gallery = sub.add_parser("gallery", help="every image Keyhold made or received")
    gsub = gallery.add_subparsers(dest="action", required=True, parser_class=_Parser)
    glist = gsub.add_parser("list", help="list images, newest first")
    gexport = gsub.add_parser("export", help="copy images with a JSON sidecar each into a folder")
    gexport.add_argument("destination")
    for command in (glist, gexport):
        command.add_argument("--search", default="", metavar="QUERY", help="full-text search over prompts")
        command.add_argument("--source", default="", choices=["", "openai", "midjourney", "chat", "import"])
        command.add_argument("--favourites", action="store_true")
    glist.add_argument("--json", action="store_true")
    glist.add_argument("--limit", type=int, default=None)
    gimport = gsub.add_parser("import", help="copy the images of a folder into the gallery")
    gimport.add_argument("folder")
    gsub.add_parser("rescan", help="rebuild the gallery index from the files and their sidecars")

    history = sub.add_parser("history", help="conversations stored by the app and the CLI")
    hsub = history.add_subparsers(dest="action", required=True, parser_class=_Parser)
    hlist = hsub.add_parser("list", help="list conversations, newest first")
    hlist.add_argument("--json", action="store_true")
    search = hsub.add_parser("search", help="full-text search over every message")
    search.add_argument("query")
    search.add_argument("--json", action="store_true")
    export = hsub.add_parser("export", help="export a conversation (never includes a key or base URL)")
    export.add_argument("id")
    export.add_argument("--format", choices=["md", "json"], default="md")
    export.add_argument("-o", "--output", default=None, help="write to this file instead of stdout")
    delete = hsub.add_parser(
        "delete", help="delete a conversation, as the app does (hidden at once, purged after 7 days)"
    )
    delete.add_argument("id")
    return parser


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


def _print_warnings(warnings: Sequence[object], err: TextIO) -> None:
    for warning in warnings:
        text = WARNING_TEXT.get(warning, str(warning))  # type: ignore[call-overload]
        err.write(f"keyhold: warning: {text}\n")


async def _test(core: Core, name: str, out: TextIO) -> int:
    profile = await asyncio.to_thread(core.profiles.resolve, name)
    report = await core.profiles.test(profile)
    if report.plain_http:
        sys.stderr.write("keyhold: warning: plain http — the key travels unencrypted\n")
    if report.error is not None:
        raise report.error
    out.write(f"{inert(profile.name)}: {inert(report.summary)}\n")
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
            # Names checked when added; inert again for a settings file edited by hand.
            width = max(len(inert(s.record.name)) for s in summaries)
            for s in summaries:
                host = inert(s.host) or "(keyring locked or entry missing)"
                out.write(f"{inert(s.record.name):<{width}}  {s.record.kind.value:<10}  {host}  {s.fingerprint}\n")
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
    raise InputError(N_("Errors", "Unknown action %1"), args=(repr(args.action),))


class _CliObserver:
    """Streams the answer to stdout as it arrives, reasoning and retries to stderr."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.reasoning_open = False
        # A model's escape sequences could retitle or rewrite a terminal; a pipe gets every byte.
        self._out_text = inert_text if out.isatty() else str
        self._err_text = inert_text if err.isatty() else str

    def on_started(self, user: object, assistant: object) -> None:
        pass

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None:
        content, reasoning = self._out_text(content), self._err_text(reasoning)
        if reasoning:
            self.err.write(reasoning)
            self.err.flush()
            self.reasoning_open = True
        if content:
            if self.reasoning_open:
                self.err.write("\n")
                self.reasoning_open = False
            self.out.write(content)
            self.out.flush()

    def on_retry(self, notice: RetryNotice) -> None:
        self.err.write(
            f"keyhold: {inert(notice.reason)}; retry {notice.attempt} of {notice.of} in {notice.delay:.1f} s\n"
        )

    def on_finished(self, message: object) -> None:
        self.out.write("\n")
        self.out.flush()


async def _chat(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    from desktop_client.core.services.chat_types import ConversationSettings

    prompt = stdin.read() if args.prompt == "-" else args.prompt
    record = core.profiles.find(args.profile)
    service = core.chat
    if args.conversation:
        conversation = await service.find(args.conversation)
        was = ConversationSettings.of(conversation)
        settings = replace(
            was,
            profile_id=record.id,
            model=args.model or was.model,
            system_prompt=was.system_prompt if args.system is None else args.system,
            temperature=was.temperature if args.temperature is None else args.temperature,
        )
        if settings != was:
            conversation = await service.update_settings(conversation.id, settings, touch=True)
    else:
        settings = ConversationSettings(
            profile_id=record.id,
            model=args.model or record.default_model,
            system_prompt=args.system or "",
            temperature=args.temperature,
        )
        conversation = await service.new_conversation(settings)
    task = asyncio.ensure_future(service.send(conversation.id, prompt, observer=_CliObserver(out, err)))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, task.cancel)
    try:
        outcome = await task
    except asyncio.CancelledError:
        err.write(f"keyhold: stopped; the partial answer is kept in conversation {conversation.id[:12]}\n")
        return 130
    if outcome.error is not None:
        raise outcome.error  # one line; what arrived is kept in the conversation
    short = conversation.id[:12]
    err.write(f"keyhold: conversation {short} (continue it with --conversation {short})\n")
    return ExitCode.OK


async def _midjourney(args: argparse.Namespace, core: Core, out: TextIO, err: TextIO) -> int:
    service = core.midjourney
    if args.command == "mj" and args.action == "tasks":
        tasks = await service.tasks()
        names = {p.id: p.name for p in core.profiles.all()}
        if args.json:
            rows = [
                {
                    "id": t.id,
                    "profile": names.get(t.profile_id, ""),
                    "action": t.action,
                    "status": t.status.value,
                    "progress": t.progress,
                    "prompt": t.prompt,
                    "parent_id": t.parent_id or None,
                    "image": t.image_path or None,
                    "prompts": t.prompts or None,
                    "seed": t.seed or None,
                    "error": t.last_error or t.image_error or t.fail_reason or None,
                }
                for t in tasks
            ]
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        # Ids, actions, progress and prompts come from the server: one inert line each.
        for t in [] if args.json else tasks:
            state = inert(f"{t.status.value} {t.progress}%" if t.open else t.status.value)
            name = inert(names.get(t.profile_id, "?"))
            out.write(f"{inert(t.id)}  {name:<12} {inert(t.action):<8} {state:<16} {inert(t.prompt)[:60]}\n")
        return ExitCode.OK
    record = core.profiles.find(args.profile)
    if args.command == "mj" and args.action == "seed":
        out.write(inert(await service.seed(record.id, args.task_id)) + "\n")
        return ExitCode.OK
    if args.command == "imagine":
        images = [_read_file(path, N_("Errors", "Cannot read the reference image %1: %2")) for path in args.image]
        bot = "NIJI_JOURNEY" if args.niji else "MID_JOURNEY"
        result = await service.imagine(record.id, args.prompt, images, bot=bot)
    elif args.action == "describe":
        result = await service.describe(
            record.id, _read_file(args.image, N_("Errors", "Cannot read the image %1: %2"))
        )
    elif args.action == "blend":
        images = [_read_file(path, N_("Errors", "Cannot read the image %1: %2")) for path in args.images]
        result = await service.blend(record.id, images, args.dimensions)
    elif args.action == "shorten":
        result = await service.shorten(record.id, args.prompt)
    else:
        mask = _read_file(args.mask, N_("Errors", "Cannot read the mask %1: %2")) if args.mask else None
        result = await service.act(record.id, args.task_id, args.button, prompt=args.prompt, mask_png=mask)
    if result.queue_position:
        err.write(f"keyhold: queued, {result.queue_position} task(s) ahead\n")
    if not args.wait:
        out.write(inert(result.task_id) + "\n")
        return ExitCode.OK
    err.write(f"keyhold: task {inert(result.task_id)} submitted; waiting\n")
    task = await service.wait(record.id, result.task_id, args.timeout)
    if task.status.value != "SUCCESS":
        raise KeyholdError(
            f"Task {task.id} ended as {task.status.value}",
            hint="See the reason from the server",
            detail=task.fail_reason,
            kind=ErrorKind.SERVER,
        )
    if task.makes_image:
        out.write(task.image_path + "\n")
    else:
        for number, prompt in enumerate(task.prompts, 1):
            out.write(f"{number}. {inert(prompt)}\n")
    return ExitCode.OK


def _read_file(path: str, cannot: Template) -> bytes:
    """The file's bytes; ``cannot`` says which file could not be read (%1 its path, %2 why)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(cannot, hint=N_("Errors", "Check the path"), args=(repr(path), exc.strerror)) from None


async def _image(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    from desktop_client.core.api.images import ImageRequest

    prompt = stdin.read().strip() if args.prompt == "-" else args.prompt
    options = {"quality": args.quality, "style": args.style, "background": args.background}
    options["output_format"] = args.output_format
    request = ImageRequest(prompt, args.model, args.n, args.size, {k: v for k, v in options.items() if v})
    record = core.profiles.find(args.profile)
    err.write(f"keyhold: asking {record.name} for {args.n} image(s) with {args.model}; this can take a minute\n")
    try:
        if args.edit:
            mask = _read_file(args.mask, N_("Errors", "Cannot read the mask %1: %2")) if args.mask else None
            sources = [Path(path) for path in args.edit]
            outcome = await core.images.edit(record.id, request, sources, mask)
        else:
            outcome = await core.images.generate(record.id, request)
    finally:
        await core.aclose()
    for item in outcome.items:
        if item.prompt_extra:
            err.write(f"keyhold: revised prompt: {inert(item.prompt_extra)}\n")
        out.write(f"{core.gallery.absolute(item)}\n")
    for failure in outcome.failures[1:] if not outcome.items else outcome.failures:
        err.write(f"keyhold: warning: {_say(failure)}\n")
    if outcome.usage:
        err.write(f"keyhold: usage: {json.dumps(outcome.usage, ensure_ascii=False)}\n")
    if not outcome.items and outcome.failures:
        # Nothing was saved: a script must not take this for success (a full disk exits 6).
        raise outcome.failures[0]
    return ExitCode.OK


async def run_gallery(args: argparse.Namespace, core: Core, out: TextIO) -> int:
    from desktop_client.core.models import GalleryFilter

    gallery = core.gallery
    if args.action == "rescan":
        report = await gallery.rescan()
        out.write(
            f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.missing} missing, {report.corrupt} corrupt\n"
        )
        return ExitCode.OK
    if args.action == "import":
        imported = await gallery.import_folder(Path(args.folder))
        for path in imported.added:
            out.write(f"{path}\n")
        out.write(
            f"imported {len(imported.added)}, skipped {imported.duplicates} already in the gallery"
            f" and {imported.not_images} that are not images\n"
        )
        return ExitCode.OK
    flt = GalleryFilter(search=args.search, source=args.source, favourites=args.favourites)
    if args.action == "export":
        items = await gallery.items(flt)
        written = await gallery.export(items, Path(args.destination))
        out.write(f"exported {len(written)} images to {args.destination}\n")
        return ExitCode.OK
    items = await gallery.items(flt, limit=args.limit)
    if args.json:
        rows = [
            {
                "id": item.id,
                "path": str(gallery.absolute(item)),
                "source": item.source,
                "action": item.action,
                "profile": item.profile or None,
                "model": item.model or None,
                "prompt": item.prompt,
                "revised_prompt": item.prompt_extra or None,
                "task_id": item.task_id or None,
                "created": item.created,
                "width": item.width,
                "height": item.height,
                "bytes": item.bytes,
                "favourite": item.favourite,
                "state": item.state,
            }
            for item in items
        ]
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return ExitCode.OK
    for item in items:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.created))
        mark = "*" if item.favourite else " "
        state = "" if item.state == "ok" else f" [{item.state}]"
        prompt = " ".join(inert(item.prompt).split())[:60]
        out.write(f"{stamp} {mark} {inert(item.source):<10} {prompt}{inert(state)}\n")
        out.write(f"    {gallery.absolute(item)}\n")
    return ExitCode.OK


async def run_history(args: argparse.Namespace, core: Core, out: TextIO) -> int:
    from desktop_client.core.models import UNDO_DAYS

    service = core.chat
    if args.action == "list":
        conversations = await service.conversations()
        if args.json:
            rows = [
                {"id": c.id, "title": c.title, "model": c.model, "pinned": c.pinned, "updated": c.updated}
                for c in conversations
            ]
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        for c in [] if args.json else conversations:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
            out.write(f"{c.id[:12]}  {stamp}  {'*' if c.pinned else ' '} {inert(c.title) or '(untitled)'}\n")
        return ExitCode.OK
    if args.action == "search":
        hits = await service.search(args.query)
        if args.json:
            out.write(json.dumps([h.__dict__ for h in hits], ensure_ascii=False, indent=2) + "\n")
        for hit in [] if args.json else hits:
            snippet = " ".join(inert(hit.snippet).split())
            title = inert(hit.conversation_title) or "(untitled)"
            out.write(f"{hit.conversation_id[:12]}  {title}: {snippet}\n")
        return ExitCode.OK
    conversation = await service.find(args.id)
    if args.action == "delete":
        # A way out when a conversation cannot be opened: the app no longer lists it.
        if conversation.deleted_at is not None:
            raise NotFoundError("conversation", args.id, hint=N_("Errors", "`keyhold history list` shows the ids"))
        await service.delete(conversation.id)
        title = conversation.title or "(untitled)"
        out.write(
            f'deleted conversation {conversation.id[:12]} "{title}" (hidden now, purged after {UNDO_DAYS} days)\n'
        )
        return ExitCode.OK
    if args.output:
        count = await service.export_to(conversation.id, args.format, Path(args.output))
        out.write(f"exported {count} messages to {args.output}\n")
    else:
        out.write(await service.export(conversation.id, args.format))
    return ExitCode.OK


def main(argv: Sequence[str] | None = None) -> int:
    # First of all, for the GUI too: no key read later may end up in a core file.
    disable_crash_dumps()
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
        sys.stderr.write(f"keyhold: error: {_say(exc)}\n")
        return int(exc.exit_code)
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


def _say(error: KeyholdError) -> str:
    """An error's one line, in the system language (the catalogue is read only when one is printed)."""
    return error_line(error, error_texts(system_language()))


def _run(args: argparse.Namespace, core: Core) -> int:
    if args.command != "profile":
        # Profiles live in the settings and the keyring; every other command needs the data.
        core.open_blocking()
    if args.command == "chat":
        return asyncio.run(_chat(args, core, sys.stdin, sys.stdout, sys.stderr))
    if args.command == "history":
        return asyncio.run(run_history(args, core, sys.stdout))
    if args.command == "image":
        return asyncio.run(_image(args, core, sys.stdin, sys.stdout, sys.stderr))
    if args.command == "gallery":
        return asyncio.run(run_gallery(args, core, sys.stdout))
    if args.command in ("imagine", "mj"):
        return asyncio.run(_midjourney(args, core, sys.stdout, sys.stderr))
    return run_profile(args, core, sys.stdin, sys.stdout, sys.stderr)


def _warn_damage(core: Core, warned: set[str], err: TextIO) -> None:
    """Says once, on stderr, that a damaged settings file or database was set aside in this run."""
    for notice in core.damage_notices():
        if notice not in warned:
            warned.add(notice)
            err.write(f"keyhold: warning: {inert(notice)}\n")
