"""`keyhold image`: generate or edit images with an OpenAI-compatible profile."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO

from desktop_client.commands.common import PROFILE_HELP, Parser, read_file, say
from desktop_client.core.context import Core
from desktop_client.core.errors import N_, ExitCode
from desktop_client.core.settings import ProfileKind
from desktop_client.core.text import inert


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold image."""
    image = sub.add_parser("image", help="generate (or edit) images with an OpenAI-compatible profile")
    image.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
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


async def run(args: argparse.Namespace, core: Core, stdin: TextIO, out: TextIO, err: TextIO) -> int:
    from desktop_client.core.api.images import ImageRequest

    prompt = stdin.read().strip() if args.prompt == "-" else args.prompt
    options = {"quality": args.quality, "style": args.style, "background": args.background}
    options["output_format"] = args.output_format
    request = ImageRequest(prompt, args.model, args.n, args.size, {k: v for k, v in options.items() if v})
    record = core.profiles.find_or_default(args.profile, ProfileKind.OPENAI)
    err.write(f"keyhold: asking {record.name} for {args.n} image(s) with {args.model}; this can take a minute\n")
    try:
        if args.edit:
            mask = read_file(args.mask, N_("Errors", "Cannot read the mask %1: %2")) if args.mask else None
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
        err.write(f"keyhold: warning: {say(failure)}\n")
    if outcome.usage:
        err.write(f"keyhold: usage: {json.dumps(outcome.usage, ensure_ascii=False)}\n")
    if not outcome.items and outcome.failures:
        # Nothing was saved: a script must not take this for success (a full disk exits 6).
        raise outcome.failures[0]
    return ExitCode.OK
