"""Images in chat: the ones the user attaches, and the ones in an answer, saved at once
(their URLs often expire within the hour) into attachments/ and listed by the gallery."""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from desktop_client.core.api.chat import ChatClient
from desktop_client.core.errors import N_, InputError, KeyholdError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import IMAGE_TYPES, sniff_image
from desktop_client.core.net.client import origin
from desktop_client.core.redact import SERVER
from desktop_client.core.services.gallery import GalleryService, NotIndexed
from desktop_client.core.storage.chats import ChatStore, Message

log = logging.getLogger(__name__)

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
_MD_IMAGE = re.compile(
    r"!\[[^\]]*\]\((https?://[^)\s]+|server:/[^)\s]*|data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+)\)"
)


async def save_answer_images(
    message: Message, client: ChatClient, store: ChatStore, gallery: GalleryService, attachments: Path
) -> Message:
    """Images in an answer are saved at once: their URLs often expire within the hour.
    They go through the profile's client: its proxy applies, and the key goes nowhere
    but the profile's own origin."""
    # Only images the server itself returned: an arbitrary URL in model output could be a
    # prompt injection leaking the conversation in its query string.
    own = origin(client.http.base_url)
    base = urlsplit(client.http.base_url)
    # The redactor turned links on the profile's server into server:/path; that is where they point.
    links = [
        f"{base.scheme}://{base.netloc}{u[len(SERVER) :]}" if u.startswith(SERVER) else u
        for u in _MD_IMAGE.findall(message.content)
    ]
    sources = [u for u in links if u.startswith("data:") or origin(u) == own]
    if not sources:
        return message
    question = await asyncio.to_thread(store.message, message.parent_id) if message.parent_id else None
    record = answer_image_record(message, question.content if question else "", client.http.profile.name)
    folder = gallery.relative(attachments)
    saved: list[str] = []
    for source in sources[:8]:
        try:
            if source.startswith("data:"):
                data = base64.b64decode(source.split(",", 1)[1], validate=True)
            else:
                data = await _download(client, source)
            name = attachment_name(data)
            # Kept with the conversation, in attachments/; the gallery only lists it (no sidecar).
            await gallery.save(data, record, folder, name, sidecar=False)
            saved.append(name)
        except NotIndexed as exc:
            saved.append(exc.path.name)
            log.warning("an answer's image was not added to the gallery: %s", exc.cause)
        except (httpx.HTTPError, ValueError, OSError, KeyholdError) as exc:
            log.warning("an image in the answer could not be saved: %s", type(exc).__name__)
    if not saved:
        return message
    return await asyncio.to_thread(store.set_attachments, message.id, (*message.attachments, *saved))


async def _download(client: ChatClient, url: str) -> bytes:
    reply = await client.http.request(
        "GET", url, limit=MAX_ATTACHMENT_BYTES, what="image", untrusted=True, read_timeout=60
    )
    if reply.status_code >= 300:
        raise ValueError(f"HTTP {reply.status_code}")
    return reply.content


def attachment_name(data: bytes, suggested_name: str = "") -> str:
    """A fresh file name for an image to keep in attachments/, once it is known to be one."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InputError(
            N_("Errors", "The image is larger than 20 MB"), hint=N_("Errors", "Attach a smaller image")
        )
    kind = sniff_image(data)
    if kind is None and suggested_name:
        raise InputError(
            N_("Errors", "%1 is not a PNG, JPEG, WebP or GIF image"),
            hint=N_("Errors", "Attach an image"),
            args=(suggested_name,),
        )
    if kind is None:
        raise InputError(
            N_("Errors", "The file is not a PNG, JPEG, WebP or GIF image"), hint=N_("Errors", "Attach an image")
        )
    return f"{uuid.uuid4().hex}{IMAGE_TYPES[kind]}"


def answer_image_record(message: Message, question: str, profile_name: str) -> ImageRecord:
    """What the gallery keeps of an image in an answer (chat images have no sidecar; a
    rescan builds the same from the database)."""
    return ImageRecord(
        "chat",
        question,
        "answer",
        model=message.model,
        profile=profile_name,
        created=message.created,
        extra={"conversation_id": message.conversation_id, "message_id": message.id},
    )
