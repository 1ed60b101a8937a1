"""«Мой класс», its pure part: which class and dates the page shows, and the class's journal
across subjects folded into one pupils × subjects table.

Everything shown comes from the journal's answers (each pupil's weighted average and absences
per subject are the grid's own `average`, `absences` and `lates`); this module only chooses,
sums and words. Absences with their reasons and the diary access overview are in
`class_absences`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from services.web.domain.grid import MONTH_NAMES, NONE, average_text

READS_ALL: Final = ("head", "deputy", "admin")
"""Who reads every class (the journal's READ_ALL): offered a chooser of all classes."""


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class of the year as the roster names it."""

    class_id: str
    label: str
    class_teacher_id: str


@dataclass(frozen=True, slots=True)
class SubjectRef:
    """A subject taught to the class, with the names of its teachers there."""

    subject_id: str
    name: str
    teachers: str


@dataclass(frozen=True, slots=True)
class MonthChoice:
    """A month of the school year offered as a range («сентябрь 2026»)."""

    label: str
    first: dt.date
    last: dt.date


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the day's month (the page opens on the current month)."""
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_choices(starts_on: dt.date, ends_on: dt.date) -> list[MonthChoice]:
    """Every month the school year touches, September to May, each as a whole month."""
    months: list[MonthChoice] = []
    first, _ = month_of(starts_on)
    while first <= ends_on:
        start, end = month_of(first)
        months.append(MonthChoice(f"{MONTH_NAMES[first.month - 1]} {first.year}", start, end))
        first = end + dt.timedelta(days=1)
    return months


def classes_of(roster: Mapping[str, Any]) -> list[ClassRef]:
    """The roster's classes, in its order (grade, then letter)."""
    return [
        ClassRef(
            str(c["class_id"]), str(c.get("label") or c["class_id"]), str(c["class_teacher_id"])
        )
        for c in roster.get("classes", [])
    ]


def led_by(classes: Sequence[ClassRef], user_id: str) -> list[ClassRef]:
    """The classes whose class teacher the person is (usually one, or none)."""
    return [c for c in classes if c.class_teacher_id == user_id]


def staff_names(roster: Mapping[str, Any]) -> dict[str, str]:
    """Staff ids to the names the journal shows."""
    return {
        str(s["staff_id"]): str(s.get("full_name") or s["staff_id"])
        for s in roster.get("staff", [])
    }


def subjects_of(roster: Mapping[str, Any], class_id: str) -> list[SubjectRef]:
    """The subjects taught to the class (each once, also when groups split it), by name."""
    names = {str(s["subject_id"]): str(s["name"]) for s in roster.get("subjects", [])}
    people = staff_names(roster)
    teachers: dict[str, list[str]] = {}
    for a in roster.get("assignments", []):
        if a["class_id"] == class_id:
            listed = teachers.setdefault(str(a["subject_id"]), [])
            name = people.get(a["teacher_id"], a["teacher_id"])
            if name not in listed:
                listed.append(name)
    found = [SubjectRef(s, names.get(s, s), ", ".join(t)) for s, t in teachers.items()]
    return sorted(found, key=lambda s: (s.name, s.subject_id))


@dataclass(frozen=True, slots=True)
class SubjectCell:
    """A pupil in a subject over the range: the weighted average, absences and lateness."""

    average: str
    absences: int
    lates: int


@dataclass(frozen=True, slots=True)
class PupilLine:
    """A pupil's line of the class summary: one cell per subject (None: not in its grid)."""

    pupil_id: str
    name: str
    cells: tuple[SubjectCell | None, ...]
    absences: int
    lates: int


@dataclass(frozen=True, slots=True)
class Summary:
    """The whole class's journal over the range: pupils × subjects."""

    subjects: tuple[SubjectRef, ...]
    lines: tuple[PupilLine, ...]
    lessons: int  # lessons of every subject in the range


def summary(
    subjects: Sequence[SubjectRef],
    grids: Mapping[str, Mapping[str, Any]],
    members: Sequence[Mapping[str, Any]],
) -> Summary:
    """Each pupil (the grids' rows, else the class's members) with each subject's figures."""
    names: dict[str, str] = {}
    cells: dict[tuple[str, str], SubjectCell] = {}
    for subject in subjects:
        for row in grids.get(subject.subject_id, {}).get("rows", []):
            pupil_id = str(row["pupil_id"])
            names.setdefault(pupil_id, str(row.get("full_name") or pupil_id))
            cells[(pupil_id, subject.subject_id)] = SubjectCell(
                average_text(row.get("average")),
                int(row.get("absences", 0)),
                int(row.get("lates", 0)),
            )
    if not names:
        for member in members:
            pupil_id = str(member["pupil_id"])
            names.setdefault(pupil_id, str(member.get("full_name") or pupil_id))
    lines = [_line(pupil_id, name, subjects, cells) for pupil_id, name in names.items()]
    lines.sort(key=lambda line: (line.name, line.pupil_id))
    lessons = sum(len(grids.get(s.subject_id, {}).get("lessons", [])) for s in subjects)
    return Summary(tuple(subjects), tuple(lines), lessons)


def _line(
    pupil_id: str,
    name: str,
    subjects: Sequence[SubjectRef],
    cells: Mapping[tuple[str, str], SubjectCell],
) -> PupilLine:
    own = tuple(cells.get((pupil_id, s.subject_id)) for s in subjects)
    return PupilLine(
        pupil_id,
        name,
        own,
        sum(c.absences for c in own if c is not None),
        sum(c.lates for c in own if c is not None),
    )


def cell_text(cell: SubjectCell | None) -> str:
    """What a screen reader hears for a cell: «4,25; пропусков 2» (or «—»)."""
    if cell is None:
        return NONE
    parts = [cell.average]
    if cell.absences:
        parts.append(f"пропусков {cell.absences}")
    if cell.lates:
        parts.append(f"опозданий {cell.lates}")
    return "; ".join(parts)


def current_pupils(members: Sequence[Mapping[str, Any]], day: dt.date) -> list[tuple[str, str]]:
    """The class's pupils on the day (id, name), by name; every member of the year when the
    day is in none's membership (a year not begun, or over)."""
    found: dict[str, str] = {}
    for member in members:
        since = dt.date.fromisoformat(member["since"])
        last = member.get("last_day")
        if since <= day and (last is None or day <= dt.date.fromisoformat(last)):
            found[str(member["pupil_id"])] = str(member.get("full_name") or member["pupil_id"])
    if not found:
        found = {str(m["pupil_id"]): str(m.get("full_name") or m["pupil_id"]) for m in members}
    return sorted(found.items(), key=lambda item: (item[1], item[0]))
