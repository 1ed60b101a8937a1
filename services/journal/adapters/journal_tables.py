"""The journal view's tables: columns and types, the SQL built from them, rows <-> parameters.

Each statement works on a whole batch with array parameters (`unnest`) or COPY, so a batch costs
one statement per table and kind whatever its size. A table's columns are the fields of its row
type, in order. The SQL is built once, at import, from the specifications below; it is
unqualified, so it runs in whatever schema the search_path names (a rebuild's, for instance).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from pydantic import BaseModel

from contracts.journal import (
    Attachment,
    DayOff,
    Period,
    PeriodSchemeSet,
    SubjectAssessmentSet,
    WorkKind,
)
from kernel import (
    AbsenceRow,
    Assignment,
    ClassRow,
    LessonRow,
    MarkRow,
    Membership,
    PupilRow,
    SchoolConfigRow,
    StaffRow,
    SubjectRow,
)

Codec = Callable[[Any], Any]


_TIMES = (
    "recorded_at",
    "first_entry_at",
    "last_entry_at",
    "topic_entered_at",
    "attendance_entered_at",
    "last_mark_entered_at",
)
_DATES = ("date", "since", "last_day", "birth_date", "starts_on", "ends_on", "homework_due")
_TYPES: dict[str, str] = {
    "year": "int4",
    "last_seq": "int8",
    "last_event_seq": "int8",
    "grade": "int2",
    "slot": "int2",
    "minutes_late": "int2",
    "numeric": "int4",
    "weight": "numeric",
    **dict.fromkeys(
        ("substituted", "attendance_taken", "counts", "cancelled", "corrected"), "bool"
    ),
    **dict.fromkeys(
        ("periods", "scale", "work_kinds", "attachments", "schemes", "assessments", "days_off"),
        "jsonb",
    ),
    **dict.fromkeys(_DATES, "date"),
    **dict.fromkeys(_TIMES, "timestamptz"),
}
"""SQL types by column name (a name means the same everywhere); any other column is text."""


@dataclass(frozen=True, slots=True)
class Table:
    """A table: name, key, columns (in the order of its row type), codecs of non-plain columns."""

    name: str
    key: tuple[str, ...]
    names: tuple[str, ...]
    encoders: Mapping[str, Codec] = field(default_factory=dict)
    decoders: Mapping[str, Codec] = field(default_factory=dict)

    def sql_type(self, column: str) -> str:
        """The SQL type of a column."""
        return _TYPES.get(column, "text")


def _unnest(table: Table, columns: Sequence[str]) -> str:
    params = ", ".join(f"${i}::{table.sql_type(c)}[]" for i, c in enumerate(columns, 1))
    return f"unnest({params})"


def select_sql(table: Table, by: tuple[str, ...]) -> str:
    """Rows whose `by` columns match one of the keys given as arrays ($1, $2, ...)."""
    keys = ", ".join(by)
    columns = ", ".join(table.names)
    source = f"{table.name} JOIN {_unnest(table, by)} AS k({keys}) USING ({keys})"
    return f"SELECT {columns} FROM {source}"  # noqa: S608 - names are module constants


def upsert_sql(table: Table) -> str:
    """Insert rows given as column arrays, updating the ones whose key exists."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in table.names if c not in table.key)
    return f"{insert_sql(table)} ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {updates}"


def insert_sql(table: Table) -> str:
    """Insert rows given as column arrays."""
    target = f"{table.name} ({', '.join(table.names)})"
    return f"INSERT INTO {target} SELECT * FROM {_unnest(table, table.names)}"  # noqa: S608


def delete_sql(table: Table, by: tuple[str, ...]) -> str:
    """Delete the rows whose `by` columns match one of the keys given as arrays."""
    match = " AND ".join(f"t.{c} = k.{c}" for c in by)
    source = f"{_unnest(table, by)} AS k({', '.join(by)})"
    return f"DELETE FROM {table.name} AS t USING {source} WHERE {match}"  # noqa: S608


def column_arrays(table: Table, rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows (tuples in column order) as one encoded array per column."""
    arrays: list[list[Any]] = [list(column) for column in zip(*rows, strict=True)]
    if not arrays:
        return [[] for _ in table.names]
    for index, name in enumerate(table.names):
        encode = table.encoders.get(name)
        if encode is not None:
            arrays[index] = [encode(value) for value in arrays[index]]
    return arrays


def encoded(table: Table, rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    """Rows with their non-plain columns encoded (the rows themselves when there are none)."""
    if not table.encoders:
        return rows
    codecs = [(table.names.index(name), codec) for name, codec in table.encoders.items()]
    result: list[list[Any]] = []
    for row in rows:
        values = list(row)
        for index, codec in codecs:
            values[index] = codec(values[index])
        result.append(values)
    return result


def decoded(table: Table, record: asyncpg.Record) -> list[Any]:
    """A fetched record's values in column order, non-plain columns decoded."""
    values = list(record.values())
    for index, name in enumerate(table.names):
        decode = table.decoders.get(name)
        if decode is not None:
            values[index] = decode(values[index])
    return values


def _models_json(models: Sequence[BaseModel]) -> str:
    if not models:
        return "[]"  # most rows: no attachments
    return json.dumps([model.model_dump(mode="json") for model in models], ensure_ascii=False)


def _models_of(model: type[BaseModel]) -> Codec:
    def decode(raw: str) -> tuple[BaseModel, ...]:
        return tuple(model.model_validate(item) for item in json.loads(raw))

    return decode


def _scale_json(scale: Mapping[str, int | None]) -> str:
    return json.dumps(dict(scale), ensure_ascii=False)


CONFIGS = Table(
    "school_config",
    ("school", "year"),
    SchoolConfigRow._fields,
    encoders={
        "periods": _models_json,
        "scale": _scale_json,
        **dict.fromkeys(("work_kinds", "schemes", "assessments", "days_off"), _models_json),
    },
    decoders={
        "periods": _models_of(Period),
        "scale": json.loads,
        "work_kinds": _models_of(WorkKind),
        "schemes": _models_of(PeriodSchemeSet),
        "assessments": _models_of(SubjectAssessmentSet),
        "days_off": _models_of(DayOff),
    },
)
SUBJECTS = Table("subjects", ("school", "year", "subject_id"), SubjectRow._fields)
STAFF = Table("staff", ("school", "year", "staff_id"), StaffRow._fields)
PUPILS = Table("pupils", ("school", "year", "pupil_id"), PupilRow._fields)
CLASSES = Table("classes", ("school", "year", "class_id"), ClassRow._fields)
CLASS_KEY = ("school", "year", "class_id")
MEMBERSHIPS = Table(
    "memberships", (*CLASS_KEY, "pupil_id", "since"), (*CLASS_KEY, *Membership._fields)
)
ASSIGNMENTS = Table("assignments", (), (*CLASS_KEY, *Assignment._fields))
LESSONS = Table(
    "lessons",
    ("school", "year", "lesson_id"),
    LessonRow._fields,
    encoders={"attachments": _models_json},
    decoders={"attachments": _models_of(Attachment)},
)
MARKS = Table("marks", ("school", "year", "lesson_id", "mark_id"), MarkRow._fields)
ABSENCES = Table("absences", ("school", "year", "lesson_id", "pupil_id"), AbsenceRow._fields)

UPSERTED = (CONFIGS, SUBJECTS, STAFF, PUPILS, CLASSES, LESSONS, MARKS)
"""Tables written by upsert, one row per key."""
