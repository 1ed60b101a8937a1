"""«Что нового»: the changes a parent is shown since their last visit, as values.

A change is derived when the diary applies a batch (a mark added, corrected or removed, homework
set, an absence added, changed or removed, a period mark set) and read back per pupil. Its id
says where it came from: the DIARY stream sequence of the batch's manifest and the change's
position in the batch, so ids grow in stream order and a rebuild from sequence 1 gives every
change the id it had. Who sees a change is the rule of the pupil's week: the lesson's class on
the lesson's date among the pupil's memberships, and the class and subject visible to the caller.
A period mark's change names the period as the class's scheme does (`period_name`), a mark's
or a period mark's values read as the diary shows them (`old_label`, `new_label`: «зачтено»
for «зач»), and a subject that is not marked in the class's grade has no mark news at all.
Pure: rows, memberships and the caller's visibility come in as values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kernel.year_plan import value_label
from services.diary.domain.access import Visibility
from services.diary.domain.calendar import MemberRow, member_on
from services.diary.domain.rows import SchoolConfig
from services.diary.domain.year_plan import class_assessment, class_periods, shows_marks

ChangeKind = Literal[
    "mark_added",
    "mark_corrected",
    "mark_removed",
    "homework_set",
    "absence_added",
    "absence_changed",
    "absence_removed",
    "period_mark_set",
]
PER_BATCH = 1_000_000
"""Change ids one batch may use: a batch's changes are `stream_seq * PER_BATCH + position`."""
MAX_LIMIT = 200
DEFAULT_LIMIT = 100


def change_id(stream_seq: int, position: int) -> int:
    """The id of the `position`-th change of the batch whose manifest is at `stream_seq`."""
    if stream_seq < 1:
        msg = f"a stream sequence starts at 1, not {stream_seq}"
        raise ValueError(msg)
    if not 0 <= position < PER_BATCH:
        msg = f"a batch has room for {PER_BATCH} changes, not position {position}"
        raise ValueError(msg)
    return stream_seq * PER_BATCH + position


def batch_of(change: int) -> int:
    """The stream sequence of the manifest of the batch that recorded `change`."""
    return change // PER_BATCH


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A stored change; `pupil` is None for a lesson's homework (every member of the class)."""

    change_id: int
    kind: ChangeKind
    recorded_at: dt.datetime
    pupil: str | None
    class_id: str
    subject_id: str
    lesson_id: str | None
    date: dt.date | None
    period_id: str | None
    old: str | None
    new: str | None
    work_kind_id: str | None
    weight: Decimal | None
    due_on: dt.date | None


@dataclass(frozen=True, slots=True)
class Change:
    """A change as the «Что нового» feed shows it: names of subjects and kinds of work resolved,
    never a person's name."""

    change_id: int
    kind: ChangeKind
    recorded_at: dt.datetime
    lesson_id: str | None
    date: dt.date | None
    subject_id: str
    subject_name: str | None
    class_id: str
    period_id: str | None
    old: str | None
    new: str | None
    work_kind_name: str | None
    weight: Decimal | None
    due_on: dt.date | None
    period_name: str | None = None
    old_label: str | None = None
    new_label: str | None = None


@dataclass(frozen=True, slots=True)
class PupilChanges:
    """A page of a pupil's changes, newest first, and the newest the caller may see at all."""

    pupil: str
    latest: int
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ChangeQuery:
    """Which of a pupil's changes to read: after `after`, at most `limit`, of what the caller
    sees (`visibility`) in the classes of the pupil's `memberships`."""

    pupil: str
    memberships: tuple[MemberRow, ...]
    visibility: Visibility
    after: int = 0
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True, slots=True)
class ChangePage:
    """Rows of a read, newest first, and the newest change id the query matches (0: none)."""

    latest: int
    rows: tuple[ChangeRow, ...]


def visible(
    row: ChangeRow, pupil: str, memberships: Iterable[MemberRow], visibility: Visibility
) -> bool:
    """The caller sees `row` in `pupil`'s feed exactly when they see it in the pupil's week
    (a lesson's change) or subject page (a period mark)."""
    if row.pupil is not None and row.pupil != pupil:
        return False
    if row.date is not None and not member_on(memberships, row.class_id, row.date):
        return False
    return visibility.sees(row.class_id, row.subject_id)


_MARK_KINDS = frozenset({"mark_added", "mark_corrected", "mark_removed", "period_mark_set"})
"""Changes whose old and new values are marks."""


def marked(row: ChangeRow, config: SchoolConfig) -> bool:
    """A mark's news only where the subject is marked in the class's grade."""
    if row.kind not in _MARK_KINDS:
        return True
    return shows_marks(class_assessment(config, row.subject_id, row.class_id))


def _label(row: ChangeRow, value: str | None) -> str | None:
    return value_label(value) if value is not None and row.kind in _MARK_KINDS else value


def _period_name(row: ChangeRow, config: SchoolConfig) -> str | None:
    if row.period_id is None:
        return None
    periods = class_periods(config, row.class_id)
    return next((p.name for p in periods if p.period_id == row.period_id), None)


def shown(row: ChangeRow, config: SchoolConfig) -> Change:
    """A stored change with the school's names of its subject, kind of work and period, and
    its values as they read."""
    return Change(
        change_id=row.change_id,
        kind=row.kind,
        recorded_at=row.recorded_at,
        lesson_id=row.lesson_id,
        date=row.date,
        subject_id=row.subject_id,
        subject_name=config.subjects.get(row.subject_id),
        class_id=row.class_id,
        period_id=row.period_id,
        old=row.old,
        new=row.new,
        work_kind_name=(
            None if row.work_kind_id is None else config.work_kinds.get(row.work_kind_id)
        ),
        weight=row.weight,
        due_on=row.due_on,
        period_name=_period_name(row, config),
        old_label=_label(row, row.old),
        new_label=_label(row, row.new),
    )


def pupil_changes(query: ChangeQuery, page: ChangePage, config: SchoolConfig) -> PupilChanges:
    """The page's rows the caller sees, newest first, with the school's names; `latest` never
    lower than the page's newest."""
    kept = sorted(
        (
            r
            for r in page.rows
            if visible(r, query.pupil, query.memberships, query.visibility) and marked(r, config)
        ),
        key=lambda r: r.change_id,
        reverse=True,
    )
    return PupilChanges(
        pupil=query.pupil,
        latest=max(page.latest, kept[0].change_id if kept else 0),
        changes=tuple(shown(r, config) for r in kept),
    )
