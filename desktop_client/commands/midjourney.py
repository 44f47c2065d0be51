"""`keyhold imagine` and `keyhold mj`: submit, press buttons, describe, blend, shorten, seeds, tasks."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, TextIO

from desktop_client.commands.common import PROFILE_HELP, Parser, read_file, waiting
from desktop_client.core.context import Core
from desktop_client.core.errors import N_, ErrorKind, ExitCode, KeyholdError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.text import inert

if TYPE_CHECKING:
    # Only for annotations: the service brings the HTTP stack.
    from desktop_client.core.services.midjourney import MidjourneyService


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    """keyhold imagine and keyhold mj."""
    imagine = sub.add_parser("imagine", help="submit a Midjourney prompt; prints the task id")
    imagine.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
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
    mjsub = mj.add_subparsers(dest="action", required=True, parser_class=Parser)
    mj_action = mjsub.add_parser("action", help="press a button of a finished task (U1, V3, 🔄 or a customId)")
    mj_action.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    mj_action.add_argument("--prompt", default=None, help="the prompt for Vary (Region), Custom Zoom or remix")
    mj_action.add_argument("--mask", default=None, metavar="FILE.png", help="Vary (Region): white where to redraw")
    waiting(mj_action)
    mj_action.add_argument("task_id")
    mj_action.add_argument("button")
    describe = mjsub.add_parser("describe", help="four prompts for an image (waits for them)")
    describe.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    waiting(describe, default=True)
    describe.add_argument("image")
    blend = mjsub.add_parser("blend", help="blend 2 to 5 images; prints the task id")
    blend.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    blend.add_argument(
        "--dimensions", choices=["PORTRAIT", "SQUARE", "LANDSCAPE"], default="SQUARE", type=str.upper
    )
    waiting(blend)
    blend.add_argument("images", nargs="+")
    shorten = mjsub.add_parser("shorten", help="shorter versions of a prompt (waits for them)")
    shorten.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    waiting(shorten, default=True)
    shorten.add_argument("prompt")
    seed = mjsub.add_parser("seed", help="the seed of a finished task")
    seed.add_argument("-p", "--profile", default=None, help=PROFILE_HELP)
    seed.add_argument("task_id")
    mj_tasks = mjsub.add_parser("tasks", help="list the tasks Keyhold submitted, newest first")
    mj_tasks.add_argument("--json", action="store_true")


async def run(args: argparse.Namespace, core: Core, _stdin: TextIO, out: TextIO, err: TextIO) -> int:
    service = core.midjourney
    if args.command == "mj" and args.action == "tasks":
        return await _tasks(args, core, out)
    record = core.profiles.find_or_default(args.profile, ProfileKind.MIDJOURNEY)
    if args.command == "mj" and args.action == "seed":
        out.write(inert(await service.seed(record.id, args.task_id)) + "\n")
        return ExitCode.OK
    if args.command == "imagine":
        images = [read_file(path, N_("Errors", "Cannot read the reference image %1: %2")) for path in args.image]
        bot = "NIJI_JOURNEY" if args.niji else "MID_JOURNEY"
        result = await service.imagine(record.id, args.prompt, images, bot=bot)
    elif args.action == "describe":
        result = await service.describe(
            record.id, read_file(args.image, N_("Errors", "Cannot read the image %1: %2"))
        )
    elif args.action == "blend":
        images = [read_file(path, N_("Errors", "Cannot read the image %1: %2")) for path in args.images]
        result = await service.blend(record.id, images, args.dimensions)
    elif args.action == "shorten":
        result = await service.shorten(record.id, args.prompt)
    else:
        mask = read_file(args.mask, N_("Errors", "Cannot read the mask %1: %2")) if args.mask else None
        result = await service.act(record.id, args.task_id, args.button, prompt=args.prompt, mask_png=mask)
    if result.queue_position:
        err.write(f"keyhold: queued, {result.queue_position} task(s) ahead\n")
    if not args.wait:
        out.write(inert(result.task_id) + "\n")
        return ExitCode.OK
    err.write(f"keyhold: task {inert(result.task_id)} submitted; waiting\n")
    return await _wait(service, record.id, result.task_id, args.timeout, out)


async def _tasks(args: argparse.Namespace, core: Core, out: TextIO) -> int:
    service = core.midjourney
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


async def _wait(service: MidjourneyService, profile_id: str, task_id: str, seconds: float, out: TextIO) -> int:
    """Waits for the task; prints its image's path or its prompts (describe, shorten)."""
    task = await service.wait(profile_id, task_id, seconds)
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
