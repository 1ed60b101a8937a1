"""Ids derived from the command id, so that a retried request produces the same ones."""

from __future__ import annotations

import uuid

_MARK_IDS = uuid.UUID("3d0f5b7e-1f0a-4b8c-a2e9-5b6c7d8e9f01")


def mark_id(command_id: str, index: int = 0) -> str:
    """The id of the index-th mark a command records."""
    return f"m-{uuid.uuid5(_MARK_IDS, f'{command_id}:{index}').hex[:24]}"


def lesson_id(class_id: str, date_token: str, slot: int, group: str | None = None) -> str:
    """A lesson's id: its class, date (YYYYMMDD) and slot, and its group when split."""
    base = f"{class_id}-{date_token}-{slot}"
    return f"{base}-{group}" if group else base
