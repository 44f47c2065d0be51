"""`keyhold gallery`: list, export, import and rescan the gallery."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import TextIO

from desktop_client.commands.common import Parser
from desktop_client.core.context import Core
from desktop_client.core.errors import ExitCode
from desktop_client.core.text import inert


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold gallery."""
    gallery = sub.add_parser("gallery", help="every image Keyhold made or received")
    gsub = gallery.add_subparsers(dest="action", required=True, parser_class=Parser)
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


async def run(args: argparse.Namespace, core: Core, _stdin: TextIO, out: TextIO, _err: TextIO) -> int:
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
