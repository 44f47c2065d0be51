"""The words around a message: its meta line (model, time, tokens, messages sent) and its
status line (answering, stopped, failed and why), in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_client.core.errors import ErrorKind, server_said
from desktop_client.core.services.chat_types import Message, Status
from desktop_client.core.stamps import when
from desktop_client.ui.errors import headline_and_fix, tr_error
from desktop_client.ui.i18n import tr_args

# The words were the message widget's: each call spells out its translation context for lupdate.


def meta_text(message: Message) -> str:
    meta: list[str] = []
    if message.role != "user" and message.model:
        meta.append(message.model)
    if message.created:
        meta.append(when(message.created))
    if message.prompt_tokens is not None or message.completion_tokens is not None:
        usage = tr_args(
            QCoreApplication.translate("MessageWidget", "%1 in · %2 out"),
            message.prompt_tokens or 0,
            message.completion_tokens or 0,
        )
        if message.reasoning_tokens:
            usage += " " + tr_args(
                QCoreApplication.translate("MessageWidget", "(%1 reasoning)"), message.reasoning_tokens
            )
        meta.append(usage)
    if message.role == "assistant" and message.context_count:
        meta.append(QCoreApplication.translate("MessageWidget", "%n message(s) sent", None, message.context_count))
    return "  ·  ".join(meta)


def error_text(message: Message) -> str:
    try:
        kind = ErrorKind(message.error_kind)
    except ValueError:
        return message.error
    if kind is ErrorKind.BAD_INPUT and not message.model:
        return QCoreApplication.translate(
            "MessageWidget", "Pick a model: none was chosen and the server lists no chat model."
        )
    headline, fix = headline_and_fix(kind)
    text = f"{headline}. {fix}"
    if message.error_detail:
        text += " " + server_said(message.error_detail, tr_error)
    return text


def status_text(message: Message) -> str:
    if message.status is Status.COMPLETE and message.finish_reason == "length":
        return QCoreApplication.translate("MessageWidget", "Cut off at the token limit.")
    if message.status is Status.COMPLETE and message.finish_reason == "content_filter":
        return QCoreApplication.translate("MessageWidget", "Stopped by the provider's content filter.")
    if message.status is Status.STREAMING:
        return QCoreApplication.translate("MessageWidget", "Answering…")
    if message.status is Status.STOPPED:
        return QCoreApplication.translate("MessageWidget", "Stopped. What arrived is kept.")
    if message.status is Status.INTERRUPTED:
        return QCoreApplication.translate(
            "MessageWidget", "Interrupted: Keyhold closed before the answer finished. What arrived is kept."
        )
    if message.status is Status.FAILED:
        return tr_args(QCoreApplication.translate("MessageWidget", "Failed: %1"), error_text(message))
    return ""
