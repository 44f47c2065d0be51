"""Conversation export as Markdown or JSON. Never a key, never a base URL: only what the
conversation itself holds, plus the profile's display name."""

from __future__ import annotations

import json
import time
from pathlib import Path

from desktop_client import __version__
from desktop_client.core.storage.chats import Conversation, Message

FORMAT = "keyhold-conversation"


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))


def to_markdown(conversation: Conversation, messages: list[Message], profile_name: str = "") -> str:
    lines = [f"# {conversation.title or 'Conversation'}", ""]
    meta = [f"Exported from Keyhold {__version__} on {_when(time.time())}"]
    if conversation.model:
        meta.append(f"model `{conversation.model}`")
    if profile_name:
        meta.append(f"profile “{profile_name}”")
    lines += ["_" + ", ".join(meta) + "_", ""]
    if conversation.system_prompt:
        lines += ["> **System:** " + conversation.system_prompt.replace("\n", "\n> "), ""]
    for message in messages:
        who = {"user": "You", "assistant": "Assistant", "system": "System"}.get(message.role, message.role)
        heading = f"## {who}"
        if message.role == "assistant" and message.model:
            heading += f" · {message.model}"
        lines += [heading, ""]
        if message.reasoning:
            lines += ["<details><summary>Reasoning</summary>", "", message.reasoning.strip(), "", "</details>", ""]
        for attachment in message.attachments:
            lines += [f"![attachment]({Path(attachment).name})", ""]
        lines += [message.content.rstrip(), ""]
        if message.status.value != "complete":
            lines += [f"_({message.status.value}{': ' + message.error if message.error else ''})_", ""]
    return "\n".join(lines).rstrip() + "\n"


def to_json(conversation: Conversation, messages: list[Message], profile_name: str = "") -> str:
    document = {
        "format": FORMAT,
        "version": 1,
        "exported_by": f"Keyhold {__version__}",
        "exported": time.time(),
        "conversation": {
            "id": conversation.id,
            "title": conversation.title,
            "profile": profile_name,
            "model": conversation.model,
            "system_prompt": conversation.system_prompt,
            "temperature": conversation.temperature,
            "created": conversation.created,
            "updated": conversation.updated,
        },
        "messages": [
            {
                "id": m.id,
                "parent_id": m.parent_id,
                "role": m.role,
                "content": m.content,
                "reasoning": m.reasoning,
                "status": m.status.value,
                "error": m.error,
                "model": m.model,
                "finish_reason": m.finish_reason,
                "usage": {
                    "prompt_tokens": m.prompt_tokens,
                    "completion_tokens": m.completion_tokens,
                    "reasoning_tokens": m.reasoning_tokens,
                },
                "attachments": [Path(a).name for a in m.attachments],
                "created": m.created,
            }
            for m in messages
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
