"""Checks on the files of a message before anything is stored: how many, how big, what type.

The declared media type must be allowed and the bytes must start as that type does, so a
renamed executable cannot pass as a PDF (`contracts.media`). Pure: the limits come from the
settings.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from contracts.journal import Attachment
from contracts.media import DEFAULT_MEDIA_TYPES, bytes_match
from services.diary.domain.thread import MessagingError

_ATTACHMENT_IDS = uuid.UUID("5d0c9a8e-47b1-4c55-9a43-1f3e6a2d7c90")


class AttachmentRejected(MessagingError):
    """A file the diary does not accept with a message."""


class AttachmentTooLarge(AttachmentRejected):
    """A file is larger than allowed."""


class TooManyAttachments(AttachmentRejected):
    """More files than a message may carry."""


class UnsupportedAttachmentType(AttachmentRejected):
    """A file's type is not allowed, or its bytes are not of the declared type."""


class EmptyAttachment(AttachmentRejected):
    """A file without content."""


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    """How many files a message may carry, how big each may be, and of which types."""

    max_files: int = 5
    max_bytes: int = 5 * 1024 * 1024
    media_types: frozenset[str] = DEFAULT_MEDIA_TYPES


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as received: the name the user gave it, its declared type and its bytes."""

    name: str
    media_type: str
    data: bytes


def check_uploads(limits: AttachmentLimits, uploads: tuple[Upload, ...]) -> None:
    """Refuse the whole message when any file is not acceptable (nothing is stored then)."""
    if len(uploads) > limits.max_files:
        msg = f"{len(uploads)} files; a message carries at most {limits.max_files}"
        raise TooManyAttachments(msg)
    for upload in uploads:
        _check(limits, upload)


def _check(limits: AttachmentLimits, upload: Upload) -> None:
    if not upload.data:
        raise EmptyAttachment("a file is empty")
    if len(upload.data) > limits.max_bytes:
        msg = f"a file has more than {limits.max_bytes} bytes, the most allowed"
        raise AttachmentTooLarge(msg)
    if upload.media_type not in limits.media_types:
        allowed = ", ".join(sorted(limits.media_types))
        msg = f"files of type {upload.media_type!r} are not accepted (allowed: {allowed})"
        raise UnsupportedAttachmentType(msg)
    if not bytes_match(upload.media_type, upload.data):
        raise UnsupportedAttachmentType(f"a file's content is not {upload.media_type}")


def describe(command_id: str, position: int, upload: Upload) -> Attachment:
    """The attachment record of a file; its id comes from the command, so a retry agrees."""
    return Attachment(
        attachment_id=f"att-{uuid.uuid5(_ATTACHMENT_IDS, f'{command_id}:{position}').hex}",
        name=upload.name,
        size=len(upload.data),
        media_type=upload.media_type,
        sha256=hashlib.sha256(upload.data).hexdigest(),
    )
