"""`keyhold chat`: one question, the answer streamed to stdout and reasoning to stderr."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from desktop_client.commands.common import PROFILE_HELP, Parser
from desktop_client.core.context import Core
from desktop_client.core.errors import N_, ExitCode, InputError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.text import inert, inert_text

if TYPE_CHECKING:
    # Only for annotations: `keyhold` alone starts the GUI and must not load httpx first.
    from desktop_client.core.api.retry import RetryNotice


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold chat."""
    chat = sub.add_parser("chat", help="ask a question; the answer streams to stdout, reasoning to stderr")
    chat.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    chat.add_argument(
        "-m",
        "--model",
        default="",
        help="the model (default: the conversation's, else the profile's, else the server's first chat model)",
    )
    chat.add_argument("--system", default=None, help="system prompt (for a new conversation, or to change it)")
    chat.add_argument("--conversation", default=None, help="continue this conversation (id or id prefix)")
    chat.add_argument("--temperature", type=float, default=None)
    chat.add_argument(
        "--context", type=int, default=None, metavar="N", help="send the last N messages (0: all; default 20)"
    )
    chat.add_argument("--max-tokens", type=int, default=None, metavar="N", help="the longest answer, in tokens")
    chat.add_argument("prompt", help="the question, or - to read it from standard input")


class CliObserver:
    """Streams the answer to stdout as it arrives, reasoning and retries to stderr. The reasoning
    is headed "[reasoning]" and followed by a blank line and "[answer]" once the answer starts."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self.out = out
        self.err = err
        self.reasoning_open = False
        self.reasoned = False  # the "[reasoning]" label is written once, before the first reasoning
        # A model's escape sequences could retitle or rewrite a terminal; a pipe gets every byte.
        self._out_text = inert_text if out.isatty() else str
        self._err_text = inert_text if err.isatty() else str

    def on_started(self, user: object, assistant: object) -> None:
        pass

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None:
        content, reasoning = self._out_text(content), self._err_text(reasoning)
        if reasoning:
            if not self.reasoning_open and not self.reasoned:
                self.err.write("[reasoning]\n")
            self.err.write(reasoning)
            self.err.flush()
            self.reasoning_open = self.reasoned = True
        if content:
            if self.reasoning_open:
                # The reasoning is on stderr, the answer on stdout: a terminal shows both, so say which is which.
                self.err.write("\n\n[answer]\n")
                self.err.flush()
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


def _no_model(offered: list[str]) -> InputError:
    """No model chosen and none of the server's looks like a chat model: which to pass."""
    if not offered:
        return InputError(N_("Errors", "No model to chat with: pass -m MODEL (this server lists none)"))
    names = ", ".join(inert(name) for name in offered[:8]) + ("…" if len(offered) > 8 else "")
    return InputError(N_("Errors", "No model to chat with: pass -m MODEL (this server offers: %1)"), args=(names,))


async def run(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    from desktop_client.core.services.chat_types import ConversationSettings
    from desktop_client.core.services.context import DEFAULT_MESSAGES

    prompt = stdin.read() if args.prompt == "-" else args.prompt
    record = core.profiles.find_or_default(args.profile, ProfileKind.OPENAI)
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
            context_messages=was.context_messages if args.context is None else max(0, args.context),
            max_tokens=was.max_tokens if args.max_tokens is None else (args.max_tokens or None),
        )
        if settings != was:
            conversation = await service.update_settings(conversation.id, settings, touch=True)
    else:
        settings = ConversationSettings(
            profile_id=record.id,
            model=args.model or record.default_model,
            system_prompt=args.system or "",
            temperature=args.temperature,
            context_messages=DEFAULT_MESSAGES if args.context is None else max(0, args.context),
            max_tokens=args.max_tokens or None,
        )
        conversation = await service.new_conversation(settings)
    if not await service.model_for(conversation):
        raise _no_model(await service.models(record.id))
    task = asyncio.ensure_future(service.send(conversation.id, prompt, observer=CliObserver(out, err)))
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
