"""Named files in a JetStream Object Store bucket: the one adapter behind every service's file
port (the journal's homework files, the diary's copy of them, the portal's message attachments).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nats.js import api
from nats.js.errors import ObjectNotFoundError

if TYPE_CHECKING:
    from nats.js.object_store import ObjectStore


class ObjectBucket:
    """Bytes stored under a name (an attachment id) with their media type as the description."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def put(self, name: str, media_type: str, data: bytes) -> None:
        """Store the bytes under the name (a retry rewrites the same bytes)."""
        await self._store.put(name, data, meta=api.ObjectMeta(name=name, description=media_type))

    async def get(self, name: str) -> bytes | None:
        """The stored bytes, or None."""
        try:
            result = await self._store.get(name)
        except ObjectNotFoundError:
            return None
        return bytes(result.data or b"")
