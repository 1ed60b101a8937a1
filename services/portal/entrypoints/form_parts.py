"""What the portal's write forms share: the idempotency key each form carries, reading a posted
form with its files, and the school's time zone the pages write times in.

Every form is rendered with a fresh key (hidden field `key`) sent as the diary's
`Idempotency-Key`: a double submit, or a retry after an outage, records once. The diary binds
a key to the request it first came with, even one it refused, so a form shown again after a
refusal carries a new key.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Final
from zoneinfo import ZoneInfo

from fastapi import Request
from starlette.datastructures import UploadFile

_KEY: Final = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
FILES_FIELD: Final = "files"
"""The diary's multipart field of a message's files (one part per file)."""


def new_key() -> str:
    """A fresh idempotency key for a form."""
    return secrets.token_urlsafe(18)


def key_of(fields: dict[str, str]) -> str:
    """The form's key, or a new one when the form came without a well-formed key."""
    key = fields.get("key", "")
    return key if _KEY.match(key) else new_key()


@dataclass(frozen=True, slots=True)
class Upload:
    """A file of a form: the name the browser gave, its declared type and its bytes."""

    name: str
    media_type: str
    content: bytes


async def read_form(request: Request) -> tuple[dict[str, str], list[Upload]]:
    """The form's text fields (the last of each name) and its chosen files, in order. A file
    input left empty sends a part without a file name: it is no file. An empty file that was
    chosen is kept, for the diary to refuse beside the field."""
    fields: dict[str, str] = {}
    files: list[Upload] = []
    async with request.form() as form:  # its spooled files are closed once read
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name == FILES_FIELD and value.filename:
                    media_type = value.content_type or "application/octet-stream"
                    files.append(Upload(value.filename, media_type, await value.read()))
            else:
                fields[name] = value
    return fields, files


def school_zone(request: Request) -> ZoneInfo:
    """The school's time zone (`PORTAL_TIMEZONE`), in which the pages write times."""
    return ZoneInfo(request.app.state.settings.timezone)
