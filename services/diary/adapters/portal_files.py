"""Message attachments in the portal's Object Store bucket (`PORTAL_FILES_BUCKET`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nats.js import api
from nats.js.errors import ObjectNotFoundError

if TYPE_CHECKING:
    from nats.js.object_store import ObjectStore


class ObjectStoreAttachments:
    """The AttachmentStore port on an Object Store bucket; objects are named by attachment id."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def put(self, attachment_id: str, media_type: str, data: bytes) -> None:
        """Store the bytes under the attachment id (a retry rewrites the same bytes)."""
        meta = api.ObjectMeta(name=attachment_id, description=media_type)
        await self._store.put(attachment_id, data, meta=meta)

    async def get(self, attachment_id: str) -> bytes | None:
        """The stored bytes, or None."""
        try:
            result = await self._store.get(attachment_id)
        except ObjectNotFoundError:
            return None
        return bytes(result.data or b"")
