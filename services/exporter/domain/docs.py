"""An exported document: the complete diary-side state of one journal aggregate.

`content` is exactly what the contract record says (`Record.content()`: JSON-ready, without
batch, index and seq), so it can be stored as jsonb, hashed and published as it is. Documents
are never changed in place: the fold copies what it changes.

One kind of document is never published: the staff roll (`ROLL`), the fold's memory of who is
who and who teaches what, from which the staff directory (kind `staff`) is derived
(`services.exporter.domain.fold_staff`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

from contracts.diary import RecordKind

Content = dict[str, Any]
ROLL: Final = "staff-roll"
DocKind = RecordKind | Literal["staff-roll"]
"""A published record's kind, or the unpublished staff roll."""


@dataclass(frozen=True, slots=True)
class Doc:
    """One aggregate's exported state as of journal sequence `seq` (the last event folded in)."""

    kind: DocKind
    record_id: str
    seq: int
    content: Content
