"""Checks on homework files before they are stored: size, declared type, and the bytes' own
signature (`contracts.media`), so a renamed executable cannot pass as a PDF."""

from __future__ import annotations

import hashlib
import uuid

from contracts.journal import Attachment
from contracts.media import bytes_match
from services.journal.application.ports import FileLimits

_ATTACHMENT_IDS = uuid.UUID("0b7c8c3e-3f5e-4d1a-8f55-2a4c9d7e6b10")


class FileRejected(Exception):
    """A homework file the school does not accept."""


class FileTooLarge(FileRejected):
    """The file is larger than the school allows."""


class UnsupportedFileType(FileRejected):
    """The file's type is not allowed, or its bytes are not of the declared type."""


class EmptyFile(FileRejected):
    """The file has no content."""


def check_file(limits: FileLimits, media_type: str, data: bytes) -> None:
    """Refuse a file that is empty, too large, of a type not allowed, or not what it claims."""
    if not data:
        raise EmptyFile("the file is empty")
    if len(data) > limits.max_bytes:
        msg = f"the file has {len(data)} bytes; at most {limits.max_bytes} are allowed"
        raise FileTooLarge(msg)
    if media_type not in limits.media_types:
        allowed = ", ".join(sorted(limits.media_types))
        msg = f"files of type {media_type!r} are not accepted (allowed: {allowed})"
        raise UnsupportedFileType(msg)
    if not bytes_match(media_type, data):
        msg = f"the file's content is not {media_type}"
        raise UnsupportedFileType(msg)


def describe(command_id: str, name: str, media_type: str, data: bytes) -> Attachment:
    """The attachment record of a file; its id is derived from the command, so retries agree."""
    return Attachment(
        attachment_id=f"att-{uuid.uuid5(_ATTACHMENT_IDS, command_id).hex}",
        name=name,
        size=len(data),
        media_type=media_type,
        sha256=hashlib.sha256(data).hexdigest(),
    )
