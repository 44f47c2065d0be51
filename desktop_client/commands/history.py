"""`keyhold history`: list, search, export and delete conversations."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TextIO

from desktop_client.commands.common import Parser
from desktop_client.core.context import Core
from desktop_client.core.errors import N_, ExitCode, NotFoundError
from desktop_client.core.text import inert


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold history."""
    history = sub.add_parser("history", help="conversations stored by the app and the CLI")
    hsub = history.add_subparsers(dest="action", required=True, parser_class=Parser)
    hlist = hsub.add_parser("list", help="list conversations, newest first")
    hlist.add_argument("--json", action="store_true")
    hlist.add_argument(
        "--folder", metavar="NAME", help="only the conversations filed in this folder (as the app names it)"
    )
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


async def run(args: argparse.Namespace, core: Core, _stdin: TextIO, out: TextIO, _err: TextIO) -> int:
    from desktop_client.core.models import UNDO_DAYS

    service = core.chat
    if args.action == "list":
        folders = {f.id: f.name for f in await service.folders()}
        folder_id = None
        if args.folder is not None:
            wanted = args.folder.strip().casefold()
            folder_id = next((i for i, name in folders.items() if name.casefold() == wanted), None)
            if folder_id is None:
                raise NotFoundError(
                    "folder", args.folder, hint=N_("Errors", "The app's folder chooser names them")
                )
        conversations = (await service.listing(folder_id=folder_id)).conversations
        if args.json:
            rows = [
                {
                    "id": c.id,
                    "title": c.title,
                    "model": c.model,
                    "pinned": c.pinned,
                    "updated": c.updated,
                    "folder": folders.get(c.folder_id or ""),
                }
                for c in conversations
            ]
            out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        for c in [] if args.json else conversations:
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
            folder = f"  [{inert(folders[c.folder_id])}]" if c.folder_id in folders else ""
            out.write(
                f"{c.id[:12]}  {stamp}  {'*' if c.pinned else ' '} {inert(c.title) or '(untitled)'}{folder}\n"
            )
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
