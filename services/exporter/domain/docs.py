"""The exporter's documents: one per exported journal aggregate, as folded and stored (`Folded`:
the aggregate's state), and as a cut hands it to publishing (`Doc`: what its record says).

A lesson's, a class's, a period-marks and the school's document's state is the kernel's state
of that aggregate (`kernel.lessons`, `kernel.classes`, `kernel.closing`, `kernel.school`), with
what the exporter adds (the flags of corrections after close, the order pupils joined, the
scale's labels); what the diary sees is one mapping of it
(`services.exporter.domain.records.published`). The staff's documents are the exporter's own
(the kernel keeps no directory). Every state is typed, and stored as a serialisation of it
(`services.exporter.domain.stored_docs`).

A document's `seq` is the journal sequence of the last event that changed what its record says,
not of the last event folded into it: an event that changes only what is not exported (a
reason, an absence's evidence, a mark id seen again) leaves it, so no delta publishes the same
record again. Documents are never changed in place: the fold copies what it changes.

One kind of document is never published: the staff roll (`ROLL`), the fold's memory of who is
who and who teaches what, from which the staff directory (kind `staff`) is derived
(`services.exporter.domain.fold_staff`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, TypeAlias

from contracts.diary import RecordKind

if TYPE_CHECKING:
    from services.exporter.domain.fold_class import ClassState
    from services.exporter.domain.fold_lesson import LessonState
    from services.exporter.domain.fold_period_marks import PeriodMarksState
    from services.exporter.domain.fold_school import SchoolState
    from services.exporter.domain.fold_staff import Directory, Roll

Content = dict[str, Any]
"""A record's JSON form (`Record.content()`: without batch, index and seq): what the mapping of
a state gives, the name guard redacts, and the contract model validates when the record is
placed in a batch (`services.exporter.domain.records.to_record`). Never a document's state."""
ROLL: Final = "staff-roll"
DocKind = RecordKind | Literal["staff-roll"]
"""A published record's kind, or the unpublished staff roll."""
State: TypeAlias = "LessonState | ClassState | PeriodMarksState | SchoolState | Roll | Directory"
"""A document's state: the kernel's (with what the exporter adds), or for the staff roll and
directory the exporter's own."""


class Folded(NamedTuple):
    """One aggregate's state as of the journal, whose record last changed at sequence `seq`.

    A `NamedTuple` (immutable, and cheap to build: a replay builds one per event)."""

    kind: DocKind
    record_id: str
    seq: int
    state: State


@dataclass(frozen=True, slots=True)
class Doc:
    """A document as published: the content of its record, changed last at sequence `seq`."""

    kind: DocKind
    record_id: str
    seq: int
    content: Content
