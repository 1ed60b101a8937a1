"""Copying homework files from the school's Object Store bucket to the diary's."""

from __future__ import annotations

import base64

from nats.js import api
from nats.js.errors import ObjectNotFoundError
from nats.js.object_store import ObjectStore

from contracts.journal import Attachment
from services.exporter.application.ports import FileCopy


def object_digest(sha256_hex: str) -> str:
    """The Object Store's form of a SHA-256 digest (`SHA-256=<base64url>`)."""
    return "SHA-256=" + base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).decode()


class ObjectStoreCopier:
    """`FileCopier` between two buckets; objects are named by attachment id on both sides."""

    def __init__(self, source: ObjectStore, target: ObjectStore) -> None:
        self._source = source
        self._target = target

    async def copy(self, attachment: Attachment) -> FileCopy:
        """Copy one file unless the diary's bucket holds the same bytes already."""
        name = attachment.attachment_id
        if await self._holds(name, attachment):
            return "present"
        try:
            found = await self._source.get(name)
        except ObjectNotFoundError:
            return "missing"
        meta = api.ObjectMeta(name=name, description=attachment.media_type)
        await self._target.put(name, bytes(found.data or b""), meta=meta)
        return "copied"

    async def _holds(self, name: str, attachment: Attachment) -> bool:
        try:
            info = await self._target.get_info(name)
        except ObjectNotFoundError:
            return False
        return info.size == attachment.size and info.digest == object_digest(attachment.sha256)
