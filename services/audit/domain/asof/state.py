"""The journal as the audit rebuilds it: the kernel's state of one school year as recorded up to
a moment, with the corrections made to each lesson after its period closed.

The meaning is the kernel's (`kernel`), the same the journal view stores: marks are never removed,
only corrected or cancelled; absences keep who observed them apart from the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from contracts.base import Event
from kernel import ClassDoc, LessonDoc, ViewState
from kernel.closing import CorrectionRow


class Recorded(NamedTuple):
    """One journal event as the log holds it: where and when it was recorded, and by whom.

    `recorded_at` is when JetStream stored the message, not the domain time the envelope
    claims: "as it stood at a moment" means as recorded by then.
    """

    seq: int
    recorded_at: dt.datetime
    aggregate_id: str
    actor_id: str
    event: Event


@dataclass(frozen=True, slots=True)
class JournalState:
    """One school year of one school, as recorded up to the last event folded.

    `view` is the kernel's state; `corrections` the corrections after closing by lesson id, in
    stream order. `last_seq` is the stream sequence of the last event folded (0 before any): a
    fold skips what it has seen, so folding the same events twice changes nothing. Start from
    `JournalState(school, year)`.
    """

    school: str
    year: int
    view: ViewState = field(default_factory=ViewState)
    corrections: Mapping[str, tuple[CorrectionRow, ...]] = field(default_factory=dict)
    last_seq: int = 0

    def lesson(self, lesson_id: str) -> LessonDoc | None:
        """The lesson, if it was scheduled."""
        return self.view.lessons.get((self.school, self.year, lesson_id))

    def lessons(self) -> Iterable[LessonDoc]:
        """Every lesson scheduled."""
        return self.view.lessons.values()

    def klass(self, class_id: str) -> ClassDoc | None:
        """The class, if it was opened."""
        return self.view.classes.get((self.school, self.year, class_id))

    def classes(self) -> Iterable[ClassDoc]:
        """Every class opened."""
        return self.view.classes.values()

    def corrections_of(self, lesson_id: str) -> tuple[CorrectionRow, ...]:
        """The lesson's corrections after closing, in stream order."""
        return self.corrections.get(lesson_id, ())

    def pupil_name(self, pupil_id: str) -> str | None:
        """The pupil's name as registered (None if not registered)."""
        row = self.view.pupils.get((self.school, self.year, pupil_id))
        return None if row is None else row.full_name

    def staff_name(self, staff_id: str) -> str | None:
        """The member of staff's name as registered (None if not registered)."""
        row = self.view.staff.get((self.school, self.year, staff_id))
        return None if row is None else row.full_name

    def subject_name(self, subject_id: str) -> str | None:
        """The subject's name as defined (None if not defined)."""
        row = self.view.subjects.get((self.school, self.year, subject_id))
        return None if row is None else row.name
