"""The media types of attachments (`contracts.journal.Attachment`: homework files, message files)
and the bytes each starts with. A file is of its declared type only when its bytes say so, so a
renamed executable cannot pass as a PDF; both the journal and the diary check uploads this way.
"""

from __future__ import annotations

from typing import Final

_ZIP: Final = b"PK\x03\x04"
SIGNATURES: Final[dict[str, tuple[bytes, ...]]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (_ZIP,),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (_ZIP,),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (_ZIP,),
    "application/vnd.oasis.opendocument.text": (_ZIP,),
}
"""The types with a signature: the first bytes a file of that type starts with."""
DEFAULT_MEDIA_TYPES: Final = frozenset({*SIGNATURES, "text/plain"})
"""What a school accepts unless configured otherwise."""


def bytes_match(media_type: str, data: bytes) -> bool:
    """Whether `data` is of `media_type`: plain text is UTF-8 without NUL bytes; the other types
    start with their signature; a type without one never matches."""
    if media_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    signatures = SIGNATURES.get(media_type)
    return signatures is not None and data.startswith(signatures)
