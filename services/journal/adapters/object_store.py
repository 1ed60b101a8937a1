"""Homework files in a JetStream Object Store bucket (school side)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nats.js import api
from nats.js.errors import ObjectNotFoundError

from contracts.journal import Attachment

if TYPE_CHECKING:
    from nats.js.object_store import ObjectStore


class ObjectStoreFiles:
    """The FileStore port on an Object Store bucket; objects are named by attachment id."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def put(self, attachment: Attachment, data: bytes) -> None:
        """Store the bytes under the attachment id (a retry rewrites the same bytes)."""
        meta = api.ObjectMeta(name=attachment.attachment_id, description=attachment.media_type)
        await self._store.put(attachment.attachment_id, data, meta=meta)

    async def get(self, attachment_id: str) -> bytes | None:
        """The stored bytes, or None."""
        try:
            result = await self._store.get(attachment_id)
        except ObjectNotFoundError:
            return None
        return bytes(result.data or b"")


class InMemoryFiles:
    """The FileStore port in a dict, for service-layer tests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    async def put(self, attachment: Attachment, data: bytes) -> None:
        """Store the bytes under the attachment id."""
        self.files[attachment.attachment_id] = data

    async def get(self, attachment_id: str) -> bytes | None:
        """The stored bytes, or None."""
        return self.files.get(attachment_id)
