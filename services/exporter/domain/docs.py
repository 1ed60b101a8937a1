"""An exported document: the complete diary-side state of one journal aggregate.

`content` is exactly what the contract record says (`Record.content()`: JSON-ready, without
batch, index and seq), so it can be stored as jsonb, hashed and published as it is. Documents
are never changed in place: the fold copies what it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.diary import RecordKind

Content = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Doc:
    """One aggregate's exported state as of journal sequence `seq` (the last event folded in)."""

    kind: RecordKind
    record_id: str
    seq: int
    content: Content
