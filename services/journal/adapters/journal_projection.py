"""The journal view's projection: a batch in, the touched rows loaded, folded, written back.

Per batch: one SELECT per table for the rows the batch touches (`= ANY` of the keys, as arrays
joined with `unnest`), the kernel's pure fold (`kernel.project`) in memory, then
per table one COPY of the rows that are new and one upsert (`INSERT ... SELECT FROM unnest(...)
ON CONFLICT DO UPDATE`) of the stored rows that changed. Memberships, assignments and absences
are replaced per class or lesson: one DELETE of the stored sets, one COPY of the new ones. No
statement per event. The projector opens the transaction and moves the checkpoint in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from kernel import (
    AbsenceRow,
    Assignment,
    ClassDoc,
    ClassRow,
    Fact,
    LessonDoc,
    LessonRow,
    MarkRow,
    Membership,
    PupilRow,
    RowKey,
    SchoolConfigRow,
    StaffRow,
    SubjectRow,
    Touched,
    ViewState,
    project,
    touched,
)
from services.common.db import Connection
from services.common.projector import Projected
from services.journal.adapters import journal_tables as t
from services.journal.adapters.check_projection import apply_checks
from services.journal.adapters.closing_projection import apply_closing
from services.journal.adapters.erasure_projection import apply_erasures
from services.journal.domain.projection.diff import Changes, RowChanges, changes

_CLASS_KEY = t.CLASS_KEY
_LESSON_KEY = ("school", "year", "lesson_id")

_SELECT = {
    "configs": t.select_sql(t.CONFIGS, t.CONFIGS.key),
    "subjects": t.select_sql(t.SUBJECTS, t.SUBJECTS.key),
    "staff": t.select_sql(t.STAFF, t.STAFF.key),
    "pupils": t.select_sql(t.PUPILS, t.PUPILS.key),
    "classes": t.select_sql(t.CLASSES, t.CLASSES.key),
    "memberships": t.select_sql(t.MEMBERSHIPS, _CLASS_KEY),
    "assignments": t.select_sql(t.ASSIGNMENTS, _CLASS_KEY),
    "lessons": t.select_sql(t.LESSONS, t.LESSONS.key),
    "marks": t.select_sql(t.MARKS, _LESSON_KEY),
    "absences": t.select_sql(t.ABSENCES, _LESSON_KEY),
}
_UPSERT = {table.name: t.upsert_sql(table) for table in t.UPSERTED}
_DELETE = {
    t.MEMBERSHIPS.name: t.delete_sql(t.MEMBERSHIPS, _CLASS_KEY),
    t.ASSIGNMENTS.name: t.delete_sql(t.ASSIGNMENTS, _CLASS_KEY),
    t.ABSENCES.name: t.delete_sql(t.ABSENCES, _LESSON_KEY),
}


def fact_of(projected: Projected) -> Fact:
    """The view's input from a decoded event: the aggregate id is the subject's last token."""
    stored, event = projected
    envelope = stored.envelope
    return Fact(
        stored.seq,
        envelope.school,
        envelope.year,
        stored.subject.rpartition(".")[2],
        envelope.actor.id,
        stored.recorded_at,
        event,
        envelope.occurred_at,
    )  # positional: this runs for every event of a replay


class JournalViewProjection:
    """Builds the journal view (see migrations/0001_journal_view.sql) from the JOURNAL stream."""

    name: str = "journal_view_v1"

    async def apply(self, conn: Connection, batch: Sequence[Projected]) -> None:
        """Fold `batch` (in stream order) into the view inside the caller's transaction."""
        facts = [fact_of(projected) for projected in batch]
        before = await load(conn, touched(facts))
        await write(conn, changes(before, project(before, facts)))
        await apply_checks(conn, facts)  # the monthly checks (migration 0003)
        await apply_closing(conn, batch, facts)  # period marks, corrections (migration 0002)
        await apply_erasures(conn, batch, facts)  # erased people's rows, erasures (0004)


async def load(conn: Connection, keys: Touched) -> ViewState:
    """The stored rows of the given keys (keys without a row are simply absent)."""
    configs = [SchoolConfigRow(*r) for r in await _fetch(conn, "configs", t.CONFIGS, keys.configs)]
    subjects = [SubjectRow(*r) for r in await _fetch(conn, "subjects", t.SUBJECTS, keys.subjects)]
    staff = [StaffRow(*r) for r in await _fetch(conn, "staff", t.STAFF, keys.staff)]
    pupils = [PupilRow(*r) for r in await _fetch(conn, "pupils", t.PUPILS, keys.pupils)]
    return ViewState(
        configs={(r.school, r.year): r for r in configs},
        subjects={(r.school, r.year, r.subject_id): r for r in subjects},
        staff={(r.school, r.year, r.staff_id): r for r in staff},
        pupils={(r.school, r.year, r.pupil_id): r for r in pupils},
        classes=await _load_classes(conn, keys.classes),
        lessons=await _load_lessons(conn, keys.lessons),
    )


async def _load_classes(conn: Connection, keys: Collection[RowKey]) -> dict[RowKey, ClassDoc]:
    rows = [ClassRow(*r) for r in await _fetch(conn, "classes", t.CLASSES, keys)]
    if not rows:
        return {}
    found = [(row.school, row.year, row.class_id) for row in rows]
    members: defaultdict[RowKey, set[Membership]] = defaultdict(set)
    for r in await _fetch(conn, "memberships", t.MEMBERSHIPS, found):
        members[r[0], r[1], r[2]].add(Membership(*r[3:]))
    assigned: defaultdict[RowKey, set[Assignment]] = defaultdict(set)
    for r in await _fetch(conn, "assignments", t.ASSIGNMENTS, found):
        assigned[r[0], r[1], r[2]].add(Assignment(*r[3:]))
    return {
        key: ClassDoc(row, frozenset(members[key]), frozenset(assigned[key]))
        for key, row in zip(found, rows, strict=True)
    }


async def _load_lessons(conn: Connection, keys: Collection[RowKey]) -> dict[RowKey, LessonDoc]:
    rows = [LessonRow(*r) for r in await _fetch(conn, "lessons", t.LESSONS, keys)]
    if not rows:
        return {}
    found = [(row.school, row.year, row.lesson_id) for row in rows]
    marks: defaultdict[RowKey, dict[str, MarkRow]] = defaultdict(dict)
    for mark in (MarkRow(*r) for r in await _fetch(conn, "marks", t.MARKS, found)):
        marks[mark.school, mark.year, mark.lesson_id][mark.mark_id] = mark
    absences: defaultdict[RowKey, dict[str, AbsenceRow]] = defaultdict(dict)
    for absence in (AbsenceRow(*r) for r in await _fetch(conn, "absences", t.ABSENCES, found)):
        absences[absence.school, absence.year, absence.lesson_id][absence.pupil_id] = absence
    return {
        key: LessonDoc(row, marks.get(key, {}), absences.get(key, {}))
        for key, row in zip(found, rows, strict=True)
    }


async def _fetch(
    conn: Connection, query: str, table: t.Table, keys: Collection[tuple[Any, ...]]
) -> list[list[Any]]:
    if not keys:
        return []
    records = await conn.fetch(
        _SELECT[query], *(list(column) for column in zip(*keys, strict=True))
    )
    return [t.decoded(table, record) for record in records]


async def write(conn: Connection, changed: Changes) -> None:
    """Write what a batch changed: per table one COPY of new rows and one upsert of changed ones
    (sets of memberships, assignments and absences: one DELETE of the stored sets, one COPY)."""
    await _save(conn, t.CONFIGS, changed.configs)
    await _save(conn, t.SUBJECTS, changed.subjects)
    await _save(conn, t.STAFF, changed.staff)
    await _save(conn, t.PUPILS, changed.pupils)
    await _save(conn, t.CLASSES, changed.classes)
    members = [(*key, *m) for key, ms in changed.memberships.rows.items() for m in ms]
    await _replace(conn, t.MEMBERSHIPS, changed.memberships.cleared, members)
    assigned = [(*key, *a) for key, given in changed.assignments.rows.items() for a in given]
    await _replace(conn, t.ASSIGNMENTS, changed.assignments.cleared, assigned)
    await _save(conn, t.LESSONS, changed.lessons)
    await _save(conn, t.MARKS, changed.marks)
    absent = [row for rows in changed.absences.rows.values() for row in rows]
    await _replace(conn, t.ABSENCES, changed.absences.cleared, absent)


async def _save(conn: Connection, table: t.Table, rows: RowChanges[Any]) -> None:
    if rows.new:
        await _copy(conn, table, rows.new)
    if rows.changed:
        await conn.execute(_UPSERT[table.name], *t.column_arrays(table, rows.changed))


async def _replace(
    conn: Connection, table: t.Table, cleared: list[RowKey], rows: Sequence[tuple[Any, ...]]
) -> None:
    if cleared:
        await conn.execute(_DELETE[table.name], *(list(c) for c in zip(*cleared, strict=True)))
    if rows:
        await _copy(conn, table, rows)


async def _copy(conn: Connection, table: t.Table, rows: Sequence[tuple[Any, ...]]) -> None:
    """Bulk-load rows that are not stored yet (about twice as fast as an INSERT from arrays)."""
    await conn.copy_records_to_table(
        table.name, records=t.encoded(table, rows), columns=table.names
    )
