"""Midjourney tasks, stored from the moment of submit so that none is lost: after a crash
or a restart every unfinished task is polled again."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from desktop_client.core.api.mj_types import TEXT_ACTIONS, MjButton, MjStatus, MjTask, numbered_prompts
from desktop_client.core.errors import N_, NotFoundError
from desktop_client.core.storage.db import Database


@dataclass(frozen=True)
class StoredTask:
    profile_id: str
    id: str
    action: str
    prompt: str
    parent_id: str
    custom_id: str
    status: MjStatus
    progress: int
    image_url: str
    fail_reason: str
    final_prompt: str
    buttons: tuple[MjButton, ...]
    last_error: str
    not_found: int
    image_path: str
    image_error: str
    submitted: float
    updated: float
    finished: float | None
    bot: str = ""
    description: str = ""
    seed: str = ""
    inputs: int = 0

    @property
    def open(self) -> bool:
        return self.finished is None

    @property
    def makes_image(self) -> bool:
        return self.action not in TEXT_ACTIONS

    @property
    def image_pending(self) -> bool:
        """Succeeded, but its image is not saved yet (signed URLs expire: keep trying)."""
        return (
            self.status is MjStatus.SUCCESS and self.makes_image and bool(self.image_url) and not self.image_path
        )

    @property
    def needs_input(self) -> bool:
        """Waiting on the server for a prompt or a mask (``/mj/submit/modal``)."""
        return self.status is MjStatus.MODAL and self.open

    @property
    def prompts(self) -> list[str]:
        """A describe or shorten task's numbered prompts."""
        return numbered_prompts(self.final_prompt) if not self.makes_image else []


def _row(row: object) -> StoredTask:
    data = dict(row)  # type: ignore[call-overload]
    data["status"] = MjStatus(data["status"]) if data["status"] in MjStatus.__members__ else MjStatus.UNKNOWN
    data["buttons"] = tuple(MjButton(**b) for b in json.loads(data["buttons"] or "[]"))
    return StoredTask(**data)


class MjTaskStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        profile_id: str,
        task_id: str,
        *,
        action: str,
        prompt: str = "",
        parent_id: str = "",
        custom_id: str = "",
        bot: str = "",
        description: str = "",
        inputs: int = 0,
        status: MjStatus = MjStatus.SUBMITTED,
    ) -> StoredTask:
        now = time.time()
        self.db.execute(
            "INSERT OR IGNORE INTO mj_tasks "
            "(profile_id, id, action, prompt, parent_id, custom_id, bot, description, inputs, status, "
            "submitted, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                profile_id,
                task_id,
                action,
                prompt,
                parent_id,
                custom_id,
                bot,
                description,
                inputs,
                status.value,
                now,
                now,
            ),
        )
        return self.get(profile_id, task_id)

    def get(self, profile_id: str, task_id: str) -> StoredTask:
        rows = self.db.query("SELECT * FROM mj_tasks WHERE profile_id = ? AND id = ?", (profile_id, task_id))
        if not rows:
            raise NotFoundError("Midjourney task", task_id, hint=N_("Errors", "`keyhold mj tasks` shows the ids"))
        return _row(rows[0])

    def unfinished(self, profile_id: str | None = None, *, with_pending_images: bool = True) -> list[StoredTask]:
        """Still running, or (by default) succeeded with the image not saved yet."""
        pending = (
            "(finished IS NULL OR (status = 'SUCCESS' AND image_url != '' AND image_path = '' "
            "AND action NOT IN ('DESCRIBE', 'SHORTEN')))"
            if with_pending_images
            else "finished IS NULL"
        )
        if profile_id is None:
            rows = self.db.query(f"SELECT * FROM mj_tasks WHERE {pending} ORDER BY submitted")
        else:
            rows = self.db.query(
                f"SELECT * FROM mj_tasks WHERE {pending} AND profile_id = ? ORDER BY submitted", (profile_id,)
            )
        return [_row(r) for r in rows]

    def image_saved(self, profile_id: str, task_id: str, path: str) -> StoredTask:
        self.db.execute(
            "UPDATE mj_tasks SET image_path = ?, image_error = '' WHERE profile_id = ? AND id = ?",
            (path, profile_id, task_id),
        )
        return self.get(profile_id, task_id)

    def image_failed(self, profile_id: str, task_id: str, error: str) -> StoredTask:
        self.db.execute(
            "UPDATE mj_tasks SET image_error = ? WHERE profile_id = ? AND id = ?", (error, profile_id, task_id)
        )
        return self.get(profile_id, task_id)

    def image_refused(self, profile_id: str, task_id: str, error: str) -> StoredTask:
        """The image's address can never be used: no longer pending, the reason kept."""
        self.db.execute(
            "UPDATE mj_tasks SET image_url = '', image_error = ? WHERE profile_id = ? AND id = ?",
            (error, profile_id, task_id),
        )
        return self.get(profile_id, task_id)

    def fail(self, profile_id: str, task_id: str, reason: str) -> StoredTask:
        self.db.execute(
            "UPDATE mj_tasks SET status = 'FAILURE', fail_reason = ?, finished = ?, updated = ? "
            "WHERE profile_id = ? AND id = ?",
            (reason, time.time(), time.time(), profile_id, task_id),
        )
        return self.get(profile_id, task_id)

    def all(self, limit: int = 200) -> list[StoredTask]:
        return [_row(r) for r in self.db.query("SELECT * FROM mj_tasks ORDER BY submitted DESC LIMIT ?", (limit,))]

    def update(self, profile_id: str, task: MjTask) -> StoredTask:
        finished = time.time() if task.status.terminal else None
        buttons = json.dumps(
            [{"custom_id": b.custom_id, "emoji": b.emoji, "label": b.label} for b in task.buttons]
        )
        self.db.execute(
            "UPDATE mj_tasks SET status = ?, progress = ?, image_url = ?, fail_reason = ?, final_prompt = ?, "
            "buttons = ?, description = ?, last_error = '', not_found = 0, updated = ?, finished = ? "
            "WHERE profile_id = ? AND id = ?",
            (
                task.status.value,
                task.progress,
                task.image_url,
                task.fail_reason,
                task.final_prompt,
                buttons,
                task.description,
                time.time(),
                finished,
                profile_id,
                task.id,
            ),
        )
        return self.get(profile_id, task.id)

    def set_seed(self, profile_id: str, task_id: str, seed: str) -> StoredTask:
        self.db.execute(
            "UPDATE mj_tasks SET seed = ? WHERE profile_id = ? AND id = ?", (seed, profile_id, task_id)
        )
        return self.get(profile_id, task_id)

    def note_error(self, profile_id: str, task_id: str, error: str) -> None:
        self.db.execute(
            "UPDATE mj_tasks SET last_error = ?, updated = ? WHERE profile_id = ? AND id = ?",
            (error, time.time(), profile_id, task_id),
        )

    def note_not_found(self, profile_id: str, task_id: str, give_up_after: int) -> StoredTask:
        """A task the server no longer knows: failed after ``give_up_after`` polls in a row."""
        self.db.execute(
            "UPDATE mj_tasks SET not_found = not_found + 1, updated = ? "
            "WHERE profile_id = ? AND id = ? AND finished IS NULL",
            (time.time(), profile_id, task_id),
        )
        task = self.get(profile_id, task_id)
        if task.open and task.not_found >= give_up_after:
            self.db.execute(
                "UPDATE mj_tasks SET status = 'FAILURE', fail_reason = ?, finished = ? "
                "WHERE profile_id = ? AND id = ?",
                ("The server no longer knows this task", time.time(), profile_id, task_id),
            )
            task = self.get(profile_id, task_id)
        return task
