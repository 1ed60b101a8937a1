"""«Что нового» recorded as a batch is applied: the touched aggregates' rows before and after.

Between the batch's upsert into `records` and the explosion of its touched aggregates the read
tables still hold the old rows: `ChangeRecorder.snapshot` copies those of the touched lessons and
period marks into temporary tables, `ChangeRecorder.record` compares them with the exploded new
rows and writes what a parent would want to know into `changes`, one statement per family
(marks, absences, homework, period marks), whatever the batch size. Other kinds of record
(the school, classes, the staff directory) are never compared.

A change's id is the manifest's stream sequence and its position in the batch
(`domain.changes.change_id`), positions in a fixed order of the rows' own values: a rebuild from
sequence 1 writes the same rows under the same ids. The first batch of a school year (the diary
holds none of its records yet) records nothing: the whole year is not news. A batch that would
record more than `PER_BATCH` changes is a reload too: it records nothing and says so in the log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import structlog

from services.common.db import Connection
from services.diary.domain.changes import PER_BATCH, change_id

logger = structlog.get_logger()

# Above this many touched aggregates the planner gets statistics of the snapshots.
_ANALYZE_FROM = 1000
_HOLDS_RECORDS = "SELECT EXISTS (SELECT 1 FROM records WHERE school = $1 AND year = $2)"

# The compared rows of the touched aggregates, as they stand when the fragment runs ($1, $2 =
# school, year). A pupil has one absence a lesson (the views keep the last, so does this).
_MARK_ROWS = (
    "SELECT x.lesson_id, x.mark_id, x.pupil, x.value, x.work_kind_id, x.weight, l.class_id, "
    "l.subject_id, l.date FROM diary_touched t "
    "JOIN lessons l ON l.school = $1 AND l.year = $2 AND l.lesson_id = t.record_id "
    "JOIN marks x ON x.school = l.school AND x.year = l.year AND x.lesson_id = l.lesson_id "
    "WHERE t.kind = 'lesson'"
)
_ABSENCE_ROWS = (
    "SELECT DISTINCT ON (x.lesson_id, x.pupil) x.lesson_id, x.pupil, x.kind, x.minutes_late, "
    "x.reason, x.letter, l.class_id, l.subject_id, l.date FROM diary_touched t "
    "JOIN lessons l ON l.school = $1 AND l.year = $2 AND l.lesson_id = t.record_id "
    "JOIN absences x ON x.school = l.school AND x.year = l.year AND x.lesson_id = l.lesson_id "
    "WHERE t.kind = 'lesson' ORDER BY x.lesson_id, x.pupil, x.position DESC"
)
_HOMEWORK_ROWS = (
    "SELECT l.lesson_id, l.class_id, l.subject_id, l.date, l.homework, l.homework_due_on, "
    "(SELECT string_agg(f.attachment_id, ',' ORDER BY f.position) FROM lesson_files f "
    "WHERE f.school = l.school AND f.year = l.year AND f.lesson_id = l.lesson_id) AS files "
    "FROM diary_touched t "
    "JOIN lessons l ON l.school = $1 AND l.year = $2 AND l.lesson_id = t.record_id "
    "WHERE t.kind = 'lesson'"
)
_PERIOD_MARK_ROWS = (
    "SELECT x.record_id, x.period_id, x.pupil, x.value, x.class_id, x.subject_id "
    "FROM diary_touched t "
    "JOIN period_marks x ON x.school = $1 AND x.year = $2 AND x.record_id = t.record_id "
    "WHERE t.kind = 'period-marks'"
)

# Temporary tables of the session (explicit columns: independent of the read tables' shape).
_SNAPSHOTS = {
    "changes_marks_before": (
        "lesson_id text, mark_id text, pupil text, value text, work_kind_id text, "
        "weight numeric, class_id text, subject_id text, date date",
        _MARK_ROWS,
    ),
    "changes_absences_before": (
        "lesson_id text, pupil text, kind text, minutes_late integer, reason text, letter text, "
        "class_id text, subject_id text, date date",
        _ABSENCE_ROWS,
    ),
    "changes_homework_before": (
        "lesson_id text, class_id text, subject_id text, date date, homework text, "
        "homework_due_on date, files text",
        _HOMEWORK_ROWS,
    ),
    "changes_period_marks_before": (
        "record_id text, period_id text, pupil text, value text, class_id text, subject_id text",
        _PERIOD_MARK_ROWS,
    ),
}
_CREATE = tuple(
    f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DELETE ROWS"
    for name, (columns, _) in _SNAPSHOTS.items()
)
_CLEAR = "TRUNCATE " + ", ".join(_SNAPSHOTS)
_COPY = tuple(f"INSERT INTO {name} {rows}" for name, (_, rows) in _SNAPSHOTS.items())
_ANALYZE = "ANALYZE " + ", ".join(_SNAPSHOTS)

# $1 school, $2 year, $3 the id of the statement's first change, $4 the batch's cut time.
_INSERT = (
    "INSERT INTO changes (change_id, school, year, kind, recorded_at, pupil, class_id, "
    "subject_id, lesson_id, date, period_id, old, new, work_kind_id, weight, due_on) "
    "SELECT $3::bigint + row_number() OVER (ORDER BY {order}) - 1, $1::text, $2::integer, "
    "d.kind, $4::timestamptz, d.pupil, "
    "d.class_id, d.subject_id, d.lesson_id, d.date, d.period_id, d.old, d.new, "
    "d.work_kind_id, d.weight, d.due_on FROM ({diff}) d"
)
_MARKS = _INSERT.format(
    order='d.date, d.lesson_id COLLATE "C", d.pupil COLLATE "C", d.mark_id COLLATE "C", d.kind',
    diff=(
        "SELECT CASE WHEN b.lesson_id IS NULL THEN 'mark_added' "  # noqa: S608 - constant fragments
        "WHEN a.lesson_id IS NULL THEN 'mark_removed' ELSE 'mark_corrected' END AS kind, "
        "coalesce(a.pupil, b.pupil) AS pupil, coalesce(a.class_id, b.class_id) AS class_id, "
        "coalesce(a.subject_id, b.subject_id) AS subject_id, "
        "coalesce(a.lesson_id, b.lesson_id) AS lesson_id, coalesce(a.date, b.date) AS date, "
        "NULL::text AS period_id, b.value AS old, a.value AS new, "
        "coalesce(a.work_kind_id, b.work_kind_id) AS work_kind_id, "
        "coalesce(a.weight, b.weight) AS weight, NULL::date AS due_on, "
        "coalesce(a.mark_id, b.mark_id) AS mark_id "
        f"FROM ({_MARK_ROWS}) a FULL JOIN changes_marks_before b "
        "ON b.lesson_id = a.lesson_id AND b.mark_id = a.mark_id AND b.pupil = a.pupil "
        "WHERE a.lesson_id IS NULL OR b.lesson_id IS NULL "
        "OR (a.value, a.work_kind_id, a.weight) IS DISTINCT FROM "
        "(b.value, b.work_kind_id, b.weight)"
    ),
)
_ABSENCES = _INSERT.format(
    order='d.date, d.lesson_id COLLATE "C", d.pupil COLLATE "C", d.kind',
    diff=(
        "SELECT CASE WHEN b.lesson_id IS NULL THEN 'absence_added' "  # noqa: S608 - constant fragments
        "WHEN a.lesson_id IS NULL THEN 'absence_removed' ELSE 'absence_changed' END AS kind, "
        "coalesce(a.pupil, b.pupil) AS pupil, coalesce(a.class_id, b.class_id) AS class_id, "
        "coalesce(a.subject_id, b.subject_id) AS subject_id, "
        "coalesce(a.lesson_id, b.lesson_id) AS lesson_id, coalesce(a.date, b.date) AS date, "
        "NULL::text AS period_id, b.letter AS old, a.letter AS new, "
        "NULL::text AS work_kind_id, NULL::numeric AS weight, NULL::date AS due_on "
        f"FROM ({_ABSENCE_ROWS}) a FULL JOIN changes_absences_before b "
        "ON b.lesson_id = a.lesson_id AND b.pupil = a.pupil "
        "WHERE a.lesson_id IS NULL OR b.lesson_id IS NULL "
        "OR (a.kind, a.minutes_late, a.reason, a.letter) IS DISTINCT FROM "
        "(b.kind, b.minutes_late, b.reason, b.letter)"
    ),
)
# Homework set, changed, or given files; homework taken away is not news.
_HOMEWORK = _INSERT.format(
    order='d.date, d.lesson_id COLLATE "C"',
    diff=(
        "SELECT 'homework_set' AS kind, NULL::text AS pupil, a.class_id, a.subject_id, "  # noqa: S608 - constant fragments
        "a.lesson_id, a.date, NULL::text AS period_id, b.homework AS old, a.homework AS new, "
        "NULL::text AS work_kind_id, NULL::numeric AS weight, a.homework_due_on AS due_on "
        f"FROM ({_HOMEWORK_ROWS}) a LEFT JOIN changes_homework_before b "
        "ON b.lesson_id = a.lesson_id "
        "WHERE (a.homework IS NOT NULL OR a.files IS NOT NULL) AND (b.lesson_id IS NULL "
        "OR (a.homework, a.homework_due_on, a.files) IS DISTINCT FROM "
        "(b.homework, b.homework_due_on, b.files))"
    ),
)
# A period mark set or changed; one taken away is not news.
_PERIOD_MARKS = _INSERT.format(
    order='d.class_id COLLATE "C", d.subject_id COLLATE "C", d.period_id COLLATE "C", '
    'd.pupil COLLATE "C"',
    diff=(
        "SELECT 'period_mark_set' AS kind, a.pupil, a.class_id, a.subject_id, "  # noqa: S608 - constant fragments
        "NULL::text AS lesson_id, NULL::date AS date, a.period_id, b.value AS old, "
        "a.value AS new, NULL::text AS work_kind_id, NULL::numeric AS weight, "
        "NULL::date AS due_on "
        f"FROM ({_PERIOD_MARK_ROWS}) a LEFT JOIN changes_period_marks_before b "
        "ON b.record_id = a.record_id AND b.period_id = a.period_id AND b.pupil = a.pupil "
        "WHERE b.record_id IS NULL OR a.value IS DISTINCT FROM b.value"
    ),
)
_FAMILIES = (_MARKS, _ABSENCES, _HOMEWORK, _PERIOD_MARKS)
_UNDO = "DELETE FROM changes WHERE change_id >= $1 AND change_id < $2"


@dataclass(frozen=True, slots=True)
class ChangeRecorder:
    """Records the changes of one batch of (school, year), its manifest at `stream_seq`."""

    school: str
    year: int
    stream_seq: int
    cut_at: dt.datetime

    news: bool
    """False for the school year's first batch: nothing is recorded."""

    @classmethod
    async def start(
        cls, conn: Connection, school: str, year: int, stream_seq: int, cut_at: dt.datetime
    ) -> ChangeRecorder:
        """The recorder of the batch about to be applied (before anything of it is written)."""
        news = bool(await conn.fetchval(_HOLDS_RECORDS, school, year))
        return cls(school, year, stream_seq, cut_at, news)

    async def snapshot(self, conn: Connection, touched: int) -> None:
        """Copy the rows of the `touched` aggregates (in `diary_touched`) before they explode."""
        if touched == 0 or not self.news:
            return
        for statement in _CREATE:
            await conn.execute(statement)
        await conn.execute(_CLEAR)  # a transaction may apply several batches
        for statement in _COPY:
            await conn.execute(statement, self.school, self.year)
        if touched >= _ANALYZE_FROM:
            await conn.execute(_ANALYZE)

    async def record(self, conn: Connection, touched: int) -> int:
        """Write the changes between the snapshot and the exploded rows; how many."""
        if touched == 0 or not self.news:
            return 0
        first = change_id(self.stream_seq, 0)
        recorded = 0
        for statement in _FAMILIES:
            status = await conn.execute(
                statement, self.school, self.year, first + recorded, self.cut_at
            )
            recorded += int(status.rsplit(" ", 1)[-1])
        if recorded > PER_BATCH:
            await conn.execute(_UNDO, first, first + recorded)
            logger.warning(
                "diary.changes_not_recorded",
                reason="too_many",
                changes=recorded,
                school=self.school,
                year=self.year,
            )
            return 0
        return recorded
