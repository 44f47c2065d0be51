"""Midjourney's words in the UI language: an action's name, a task's state, a button's label.

Also read by the gallery (a saved task's action and buttons) and the window's notifications,
so this module stays light: no widgets, no page."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_client.core.api.mj_types import MjButton, MjStatus
from desktop_client.core.models import StoredTask
from desktop_client.ui.i18n import tr_args


def action_name(action: str) -> str:
    names = {
        "IMAGINE": QCoreApplication.translate("MjTasks", "Imagine"),
        "UPSCALE": QCoreApplication.translate("MjTasks", "Upscale"),
        "UPSCALE_HD": QCoreApplication.translate("MjTasks", "Upscale"),
        "VARIATION": QCoreApplication.translate("MjTasks", "Variation"),
        "REROLL": QCoreApplication.translate("MjTasks", "Reroll"),
        "INPAINT": QCoreApplication.translate("MjTasks", "Vary (Region)"),
        "OUTPAINT": QCoreApplication.translate("MjTasks", "Zoom out"),
        "ZOOM": QCoreApplication.translate("MjTasks", "Custom zoom"),
        "PAN": QCoreApplication.translate("MjTasks", "Pan"),
        "DESCRIBE": QCoreApplication.translate("MjTasks", "Describe"),
        "BLEND": QCoreApplication.translate("MjTasks", "Blend"),
        "SHORTEN": QCoreApplication.translate("MjTasks", "Shorten"),
    }
    return names.get(action, action.title() if action else QCoreApplication.translate("MjTasks", "Task"))


def state_text(task: StoredTask) -> str:
    """One line in the UI language: what the task is doing or how it ended."""
    if task.needs_input:
        return QCoreApplication.translate("MjTasks", "Waiting for your prompt or mask")
    if task.status is MjStatus.SUCCESS:
        if task.image_pending:
            return (
                QCoreApplication.translate("MjTasks", "Done; saving the image…")
                if not task.image_error
                else QCoreApplication.translate("MjTasks", "Done; the image is not saved yet")
            )
        return QCoreApplication.translate("MjTasks", "Done")
    if task.status is MjStatus.FAILURE:
        return QCoreApplication.translate("MjTasks", "Failed")
    if task.status is MjStatus.CANCEL:
        return QCoreApplication.translate("MjTasks", "Cancelled")
    if task.last_error:
        return QCoreApplication.translate("MjTasks", "Connection trouble; retrying")
    if task.status in (MjStatus.SUBMITTED, MjStatus.NOT_START):
        return QCoreApplication.translate("MjTasks", "Queued")
    return tr_args(QCoreApplication.translate("MjTasks", "Drawing… %1%"), task.progress)


def button_text(button: MjButton) -> str:
    """A button's words in the UI language; emoji alone are not a given in every font."""
    by_label = {
        "Vary (Subtle)": QCoreApplication.translate("MjButtons", "Vary (Subtle)"),
        "Vary (Strong)": QCoreApplication.translate("MjButtons", "Vary (Strong)"),
        "Vary (Region)": QCoreApplication.translate("MjButtons", "Vary (Region)"),
        "Zoom Out 2x": QCoreApplication.translate("MjButtons", "Zoom Out 2x"),
        "Zoom Out 1.5x": QCoreApplication.translate("MjButtons", "Zoom Out 1.5x"),
        "Custom Zoom": QCoreApplication.translate("MjButtons", "Custom Zoom"),
        "Make Square": QCoreApplication.translate("MjButtons", "Make Square"),
        "Upscale (Subtle)": QCoreApplication.translate("MjButtons", "Upscale (Subtle)"),
        "Upscale (Creative)": QCoreApplication.translate("MjButtons", "Upscale (Creative)"),
        "Imagine all": QCoreApplication.translate("MjButtons", "Imagine all"),
    }
    if button.label:
        return by_label.get(button.label, button.label)
    custom = button.custom_id
    if custom == "🔄":  # the stand-in reroll of a server without buttons
        return QCoreApplication.translate("MjButtons", "Reroll")
    for marker, text in (
        ("::reroll::", QCoreApplication.translate("MjButtons", "Reroll")),
        ("Picread::Retry", QCoreApplication.translate("MjButtons", "Describe again")),
        ("::pan_left::", QCoreApplication.translate("MjButtons", "Pan left")),
        ("::pan_right::", QCoreApplication.translate("MjButtons", "Pan right")),
        ("::pan_up::", QCoreApplication.translate("MjButtons", "Pan up")),
        ("::pan_down::", QCoreApplication.translate("MjButtons", "Pan down")),
        ("::PicReader::", QCoreApplication.translate("MjButtons", "Imagine %1")),
        ("PromptAnalyzer::", QCoreApplication.translate("MjButtons", "Imagine %1")),
    ):
        if marker in custom:
            return tr_args(text, custom.rsplit("::", 1)[-1])
    return button.emoji or custom
