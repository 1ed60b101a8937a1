"""Application ids: derived from the command id (a retried request gets the same one) and,
where it fits, carrying the pupil id, so a command can find its aggregate before the read model
has caught up with the submission."""

from __future__ import annotations

import re
import uuid

_APPLICATION_IDS = uuid.UUID("5c2e8f10-7b4d-4a39-8e61-d0a9c3b7f254")
_SUFFIX = 10
_MAX_TOKEN = 63
_WITH_PUPIL = re.compile(rf"^(?P<pupil>[a-z0-9][a-z0-9-]*)-[0-9a-f]{{{_SUFFIX}}}$")


def application_id(command_id: str, pupil_id: str) -> str:
    """`<pupil_id>-<10 hex>`, or `a-<20 hex>` when the pupil id is too long for a token."""
    digest = uuid.uuid5(_APPLICATION_IDS, f"{command_id}:{pupil_id}").hex
    if len(pupil_id) + 1 + _SUFFIX <= _MAX_TOKEN:
        return f"{pupil_id}-{digest[:_SUFFIX]}"
    return f"a-{digest[:20]}"


def pupil_in(application_id: str) -> str | None:
    """The pupil id an application id carries, or None when it carries none."""
    match = _WITH_PUPIL.match(application_id)
    return match["pupil"] if match else None
