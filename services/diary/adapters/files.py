"""The diary's own bucket of homework files (the exporter copies them there)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nats.js.errors import ObjectNotFoundError

if TYPE_CHECKING:
    from nats.js.object_store import ObjectStore


class ObjectStoreFiles:
    """The FileStore port on an Object Store bucket; objects are named by attachment id."""

    def __init__(self, store: ObjectStore) -> None:
        self._store = store

    async def get(self, attachment_id: str) -> bytes | None:
        """The stored bytes, or None."""
        try:
            result = await self._store.get(attachment_id)
        except ObjectNotFoundError:
            return None
        return bytes(result.data or b"")
