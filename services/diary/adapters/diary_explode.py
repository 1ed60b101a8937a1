"""The relational rows the views read, exploded from current records in SQL.

`diary_touched` (a temporary table of the session) holds the (kind, record_id) of every aggregate
a batch changed or removed within one (school, year). Exploding deletes those aggregates' rows
from every read table, then inserts them again from `records` (a removed aggregate has no record
any more, so it gets no rows). Everything is one statement per table, whatever the batch size.
"""

from __future__ import annotations

from services.common.db import Connection

CREATE_TOUCHED = (
    "CREATE TEMP TABLE IF NOT EXISTS diary_touched (kind text NOT NULL, record_id text NOT NULL)"
    " ON COMMIT DELETE ROWS"
)
CLEAR_TOUCHED = "TRUNCATE diary_touched"
ANALYZE_TOUCHED = "ANALYZE diary_touched"
# Above this many touched aggregates the planner gets real statistics for the joins.
_ANALYZE_FROM = 1000

_TABLES_BY_KIND: dict[str, tuple[tuple[str, str], ...]] = {
    "lesson": (
        ("lessons", "lesson_id"),
        ("lesson_files", "lesson_id"),
        ("marks", "lesson_id"),
        ("absences", "lesson_id"),
    ),
    "class": (
        ("classes", "class_id"),
        ("class_members", "class_id"),
        ("class_teaching", "class_id"),
    ),
    "period-marks": (("period_marks", "record_id"),),
    # One staff directory per school year, its record id the school.
    "staff": (("staff_directory", "school"),),
}
_SCHOOL_TABLES = (
    "school_config",
    "periods",
    "scale",
    "work_kinds",
    "subjects",
    "grade_periods",
    "subject_assessments",
    "days_off",
)


def _deletes() -> list[str]:
    statements = [
        f"DELETE FROM {table} x USING diary_touched t "  # noqa: S608 - constant names
        f"WHERE t.kind = '{kind}' AND x.school = $1 AND x.year = $2 AND x.{key} = t.record_id"
        for kind, tables in _TABLES_BY_KIND.items()
        for table, key in tables
    ]
    statements.extend(
        f"DELETE FROM {table} WHERE school = $1 AND year = $2 "  # noqa: S608 - constant names
        "AND EXISTS (SELECT 1 FROM diary_touched WHERE kind = 'school')"
        for table in _SCHOOL_TABLES
    )
    return statements


def _source(kind: str, elements: str = "") -> str:
    """The touched aggregates of `kind` that still have a record, as `r`, each with the rows of
    `elements` (a set-returning function over `r.content`, joined LATERAL) when given.

    One primary-key probe of `records` per touched aggregate (`LATERAL ... LIMIT 1` is not
    flattened into a join), whatever the statistics say. Planned as a join, a first full batch
    met `records` without statistics (its rows inserted by this very transaction), took the
    school year for one row and compared every record of it with every touched class: seconds
    per statement on a school of 8,000 records, growing with the square of its size.
    """
    each = f" CROSS JOIN LATERAL {elements}" if elements else ""
    return (
        "FROM diary_touched t CROSS JOIN LATERAL (SELECT * FROM records WHERE records.school = $1 "  # noqa: S608 - constant fragments
        "AND records.year = $2 AND records.kind = t.kind AND records.record_id = t.record_id "
        f"LIMIT 1) AS r{each} WHERE t.kind = '{kind}'"
    )


_INSERTS = (
    # school record
    "INSERT INTO school_config (school, year, starts_on, ends_on) "
    "SELECT r.school, r.year, (r.content->>'starts_on')::date, (r.content->>'ends_on')::date "
    + _source("school")
    + " ON CONFLICT (school, year) DO UPDATE SET starts_on = excluded.starts_on,"
    " ends_on = excluded.ends_on",
    "INSERT INTO periods (school, year, period_id, name, starts_on, ends_on) "
    "SELECT r.school, r.year, e->>'period_id', e->>'name', (e->>'starts_on')::date, "
    "(e->>'ends_on')::date "
    + _source("school", "jsonb_array_elements(r.content->'periods') AS e")
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO scale (school, year, value, numeric, label) "
    "SELECT r.school, r.year, e->>'value', (e->>'numeric')::integer, e->>'label' "
    + _source("school", "jsonb_array_elements(r.content->'scale') AS e")
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO work_kinds (school, year, work_kind_id, name, weight) "
    "SELECT r.school, r.year, e->>'work_kind_id', e->>'name', (e->>'weight')::numeric "
    + _source("school", "jsonb_array_elements(r.content->'work_kinds') AS e")
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO subjects (school, year, subject_id, name) "
    "SELECT r.school, r.year, e->>'subject_id', e->>'name' "
    + _source("school", "jsonb_array_elements(r.content->'subjects') AS e")
    + " ON CONFLICT DO NOTHING",
    # the school record's plan: each scheme's periods for each grade it governs, each
    # assessment for each grade it names, the days off in order (none in an older record)
    "INSERT INTO grade_periods (school, year, grade, scheme_id, scheme_name, period_id, name, "
    "starts_on, ends_on) "
    "SELECT r.school, r.year, g.v::integer, s->>'scheme_id', s->>'name', e->>'period_id', "
    "e->>'name', (e->>'starts_on')::date, (e->>'ends_on')::date "
    + _source(
        "school",
        "jsonb_array_elements(r.content->'schemes') AS s "
        "CROSS JOIN LATERAL jsonb_array_elements_text(s->'grades') AS g(v) "
        "CROSS JOIN LATERAL jsonb_array_elements(s->'periods') AS e",
    )
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO subject_assessments (school, year, subject_id, grade, assessment) "
    "SELECT r.school, r.year, a->>'subject_id', g.v::integer, a->>'assessment' "
    + _source(
        "school",
        "jsonb_array_elements(r.content->'assessments') AS a "
        "CROSS JOIN LATERAL jsonb_array_elements_text(a->'grades') AS g(v)",
    )
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO days_off (school, year, position, name, kind, starts_on, ends_on) "
    "SELECT r.school, r.year, e.pos, e.v->>'name', e.v->>'kind', (e.v->>'starts_on')::date, "
    "(e.v->>'ends_on')::date "
    + _source("school", "jsonb_array_elements(r.content->'days_off') WITH ORDINALITY AS e(v, pos)"),
    # class records
    "INSERT INTO classes (school, year, class_id, grade, label, class_teacher_id) "
    "SELECT r.school, r.year, r.record_id, (r.content->>'grade')::integer, "
    "r.content->>'label', r.content->>'class_teacher_id' " + _source("class"),
    "INSERT INTO class_members (school, year, class_id, pupil, since, last_day) "
    "SELECT r.school, r.year, r.record_id, e->>'pupil', (e->>'since')::date, "
    "(e->>'last_day')::date "
    + _source("class", "jsonb_array_elements(r.content->'members') AS e")
    + " ON CONFLICT DO NOTHING",
    "INSERT INTO class_teaching (school, year, class_id, position, teacher_id, subject_id, grp) "
    "SELECT r.school, r.year, r.record_id, e.pos, e.v->>'teacher_id', e.v->>'subject_id', "
    "e.v->>'group' "
    + _source("class", "jsonb_array_elements(r.content->'teaching') WITH ORDINALITY AS e(v, pos)"),
    # lesson records
    "INSERT INTO lessons (school, year, lesson_id, class_id, subject_id, date, slot, grp, "
    "teacher_id, status, topic, homework, homework_due_on, corrected_after_close) "
    "SELECT r.school, r.year, r.record_id, r.content->>'class_id', r.content->>'subject_id', "
    "(r.content->>'date')::date, (r.content->>'slot')::integer, r.content->>'group', "
    "r.content->>'teacher_id', r.content->>'status', r.content->>'topic', "
    "r.content->>'homework', (r.content->>'homework_due_on')::date, "
    # coalesce: a record stored before the flags existed has no such key (and was no correction).
    "coalesce((r.content->>'corrected_after_close')::boolean, false) " + _source("lesson"),
    "INSERT INTO lesson_files (school, year, lesson_id, position, attachment_id, name, size, "
    "media_type, sha256) "
    "SELECT r.school, r.year, r.record_id, e.pos, e.v->>'attachment_id', e.v->>'name', "
    "(e.v->>'size')::bigint, e.v->>'media_type', e.v->>'sha256' "
    + _source("lesson", "jsonb_array_elements(r.content->'files') WITH ORDINALITY AS e(v, pos)"),
    "INSERT INTO marks (school, year, lesson_id, position, mark_id, pupil, value, work_kind_id, "
    "weight, comment, counts, corrected, corrected_after_close) "
    "SELECT r.school, r.year, r.record_id, e.pos, e.v->>'mark_id', e.v->>'pupil', "
    "e.v->>'value', e.v->>'work_kind_id', (e.v->>'weight')::numeric, e.v->>'comment', "
    "(e.v->>'counts')::boolean, (e.v->>'corrected')::boolean, "
    "coalesce((e.v->>'corrected_after_close')::boolean, false) "
    + _source("lesson", "jsonb_array_elements(r.content->'marks') WITH ORDINALITY AS e(v, pos)"),
    "INSERT INTO absences (school, year, lesson_id, position, pupil, kind, minutes_late, "
    "reason, letter) "
    "SELECT r.school, r.year, r.record_id, e.pos, e.v->>'pupil', e.v->>'kind', "
    "(e.v->>'minutes_late')::integer, e.v->>'reason', e.v->>'letter' "
    + _source("lesson", "jsonb_array_elements(r.content->'absences') WITH ORDINALITY AS e(v, pos)"),
    # period-marks records
    "INSERT INTO period_marks (school, year, record_id, class_id, subject_id, period_id, pupil, "
    "value, average, corrected_after_close) "
    "SELECT r.school, r.year, r.record_id, r.content->>'class_id', r.content->>'subject_id', "
    "e->>'period_id', e->>'pupil', e->>'value', (e->>'average')::numeric, "
    "(e->>'corrected_after_close')::boolean "
    + _source("period-marks", "jsonb_array_elements(r.content->'marks') AS e")
    + " ON CONFLICT DO NOTHING",
    # staff directory record: teachers by surname and initials, their subjects in record order
    "INSERT INTO staff_directory (school, year, staff_id, short_name, subjects) "  # noqa: S608 - constant fragments
    "SELECT r.school, r.year, e->>'staff_id', e->>'short_name', "
    "ARRAY(SELECT s.v FROM jsonb_array_elements_text(e->'subjects') WITH ORDINALITY AS s(v, n) "
    "ORDER BY s.n) "
    + _source("staff", "jsonb_array_elements(r.content->'teachers') AS e")
    + " ON CONFLICT DO NOTHING",
)
_DELETES = tuple(_deletes())
_ANALYZE_READ_TABLES = "ANALYZE records, " + ", ".join(
    table for tables in _TABLES_BY_KIND.values() for table, _ in tables
)


# The inserts' element functions are estimated at 100 rows per record (a lesson has a handful of
# marks): a big batch looked expensive enough for JIT compilation (a fifth of a second per
# statement) and for memoizing each record's elements by its whole content, which never hits
# (every record is probed once) and cost more than the function itself. Both off while the
# statements run, as they were before afterwards (SET LOCAL would hold to the transaction's end).
_PLAIN_PLANS = (
    "SELECT current_setting('jit'), current_setting('enable_memoize'), "
    "set_config('jit', 'off', true), set_config('enable_memoize', 'off', true)"
)
_RESTORE_PLANS = "SELECT set_config('jit', $1, true), set_config('enable_memoize', $2, true)"


async def prepare_touched(conn: Connection) -> None:
    """An empty `diary_touched` for this transaction."""
    await conn.execute(CREATE_TOUCHED)
    await conn.execute(CLEAR_TOUCHED)


async def explode(conn: Connection, school: str, year: int, touched: int) -> None:
    """Rewrite the read rows of the `touched` aggregates in `diary_touched` from `records`."""
    if touched == 0:
        return
    if touched >= _ANALYZE_FROM:
        await conn.execute(ANALYZE_TOUCHED)
    before = await conn.fetchrow(_PLAIN_PLANS)
    for statement in (*_DELETES, *_INSERTS):
        await conn.execute(statement, school, year)
    if before is not None:
        await conn.execute(_RESTORE_PLANS, before[0], before[1])
    if touched >= _ANALYZE_FROM:
        # After a big batch (a first full reconciliation above all) the views' plans need the
        # tables' new statistics now, not when autovacuum gets round to them a minute later.
        await conn.execute(_ANALYZE_READ_TABLES)
