"""Homework files in a JetStream Object Store bucket (school side)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.journal import Attachment
from services.common.object_bucket import ObjectBucket

if TYPE_CHECKING:
    from nats.js.object_store import ObjectStore


class ObjectStoreFiles:
    """The FileStore port on an Object Store bucket; objects are named by attachment id."""

    def __init__(self, store: ObjectStore) -> None:
        self._bucket = ObjectBucket(store)

    async def put(self, attachment: Attachment, data: bytes) -> None:
        """Store the bytes under the attachment id (a retry rewrites the same bytes)."""
        await self._bucket.put(attachment.attachment_id, attachment.media_type, data)

    async def get(self, attachment_id: str) -> bytes | None:
        """The stored bytes, or None."""
        return await self._bucket.get(attachment_id)


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
