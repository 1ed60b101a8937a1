"""The new first grade on the rollover page, its pure part: the form's rows of first-grade
classes read into the body of `POST …/rollover` (`first_grade`), the admitted pupils typed one
per line («идентификатор; Фамилия Имя Отчество; ДД.ММ.ГГГГ»), and the journal's refusal of
the rollover (`rollover_refused`, every problem in one detail) in the school's words, each
problem of a first-grade class or pupil placed beside its row and line.

A class is a row of the form (`fg_class_id.N`, `fg_label.N`, `fg_teacher.N`, `fg_pupils.N`);
an empty row is left out. What the web can tell (a missing field, a line that is no pupil, a
pupil listed twice) is said here at the line; what only the journal knows (a class id taken
next year, a pupil id already in the school) comes back in its refusal and is placed too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

MAX_CLASSES: Final = 20
"""The journal takes at most this many first-grade classes."""
FIELDS: Final = ("fg_class_id", "fg_label", "fg_teacher", "fg_pupils")
LINE_FORMAT: Final = "«идентификатор; Фамилия Имя Отчество; ДД.ММ.ГГГГ»"
_TOKEN: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DATE: Final = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


@dataclass(frozen=True, slots=True)
class ClassRow:
    """One first-grade class as typed: its id, label, class teacher and pupils' lines."""

    class_id: str = ""
    label: str = ""
    teacher_id: str = ""
    pupils: str = ""

    def filled(self) -> bool:
        return any((self.class_id, self.label, self.teacher_id, self.pupils.strip()))


@dataclass(frozen=True, slots=True)
class FirstGrade:
    """The posted first grade: its rows (non-empty, in order), the body's `first_grade`, and
    the problems by the form's field (`fg_pupils.1`), each a list of messages."""

    rows: tuple[ClassRow, ...] = ()
    body: tuple[dict[str, Any], ...] = ()
    problems: dict[str, list[str]] = field(default_factory=dict)


def pupil_of(line: str) -> dict[str, str] | str:
    """One line of the pupils' list as the body's pupil, or what is wrong with it."""
    parts = [p.strip() for p in line.split(";")]
    if len(parts) != 3:
        return f"нужно три части через «;»: {LINE_FORMAT}"
    pupil_id, full_name, born = parts
    if not _TOKEN.match(pupil_id):
        return "код ученика — строчные латинские буквы, цифры и дефис (например, p1001)"
    if not full_name:
        return "нет фамилии, имени и отчества"
    if len(full_name) > 200:
        return "слишком длинное имя"
    birth_date = date_of(born)
    if birth_date is None:
        return "дата рождения — в виде ДД.ММ.ГГГГ (например, 05.03.2019)"
    return {
        "pupil_id": pupil_id,
        "full_name": " ".join(full_name.split()),
        "birth_date": birth_date,
    }


def date_of(text: str) -> str | None:
    """A date typed as ДД.ММ.ГГГГ (or ГГГГ-ММ-ДД) in ISO form; None when it is no date."""
    match = _DATE.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day).isoformat()
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def pupils_of(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """The pupils of a class's list and the problems of its lines («Строка 3: …»); blank
    lines are skipped, a pupil listed twice is pointed at."""
    pupils: list[dict[str, str]] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = pupil_of(line)
        if isinstance(found, str):
            problems.append(f"Строка {number}: {found}.")
            continue
        earlier = first_line.setdefault(found["pupil_id"], number)
        if earlier != number:
            problems.append(
                f"Строка {number}: код {found['pupil_id']} уже указан в строке {earlier}."
            )
            continue
        pupils.append(found)
    return pupils, problems


def rows_of(values: Mapping[str, str]) -> tuple[ClassRow, ...]:
    """The form's non-empty rows of first-grade classes, in order."""
    rows = (
        ClassRow(*(values.get(f"{name}.{n}", "") for name in FIELDS)) for n in range(MAX_CLASSES)
    )
    return tuple(row for row in rows if row.filled())


def first_grade_of(values: Mapping[str, str]) -> FirstGrade:
    """The posted first grade read into the body, with every problem the web can tell."""
    rows = rows_of(values)
    body: list[dict[str, Any]] = []
    problems: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        pupils, lines = pupils_of(row.pupils)
        found = _missing(row, n) | ({f"fg_pupils.{n}": lines} if lines else {})
        if row.class_id and seen.setdefault(row.class_id, n) != n:
            found.setdefault(f"fg_class_id.{n}", []).append("этот код уже у другого класса")
        for pupil in pupils:
            other = _listed_in(rows[:n], pupil["pupil_id"])
            if other is not None:
                message = f"Ученик {pupil['pupil_id']} уже в списке класса {other}."
                found.setdefault(f"fg_pupils.{n}", []).append(message)
        problems |= found
        body.append(
            {
                "class_id": row.class_id,
                "label": row.label,
                "class_teacher_id": row.teacher_id,
                "pupils": pupils,
            }
        )
    return FirstGrade(rows, tuple(body), problems)


def _missing(row: ClassRow, n: int) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if not _TOKEN.match(row.class_id):
        found[f"fg_class_id.{n}"] = [
            "код класса — строчные латинские буквы, цифры и дефис (например, 1a)"
        ]
    if not row.label:
        found[f"fg_label.{n}"] = ["обязательное поле"]
    elif len(row.label) > 8:
        found[f"fg_label.{n}"] = ["не длиннее 8 знаков (например, 1А)"]
    if not row.teacher_id:
        found[f"fg_teacher.{n}"] = ["выберите классного руководителя"]
    return found


def _listed_in(rows: Iterable[ClassRow], pupil_id: str) -> str | None:
    """The label (or id) of an earlier class whose list has the pupil."""
    for row in rows:
        if any(p["pupil_id"] == pupil_id for p in pupils_of(row.pupils)[0]):
            return row.label or row.class_id
    return None


# ---------------------------------------------------------------- the journal's refusal

_PROBLEMS: Final = (
    (r"first-grade class '(?P<c>[^']*)' is listed twice", "Первый класс {c} указан дважды."),
    (
        r"first-grade class '(?P<c>[^']*)' is already a class next year",
        "Класс {c} в следующем году уже есть (в него переходит класс этого года): "
        "выберите другой код.",
    ),
    (
        r"first-grade class '(?P<c>[^']*)': no staff '(?P<t>[^']*)'",
        "Классный руководитель класса {c}: сотрудника {t} в школе нет.",
    ),
    (r"admitted pupil '(?P<p>[^']*)' is listed twice", "Ученик {p} указан в списках дважды."),
    (
        r"admitted pupil '(?P<p>[^']*)' is already a pupil of the school",
        "Ученик с кодом {p} уже учится в школе: выберите другой код.",
    ),
    (
        r"pupil '(?P<p>[^']*)' is in no class on the year's last day",
        "Ученик {p} не состоит в классе на последний день года.",
    ),
    (
        r"pupil '(?P<p>[^']*)' is promoted conditionally without any debt",
        "Ученик {p} переведён условно, но задолженности не указаны.",
    ),
    (
        r"pupil '(?P<p>[^']*)' has debts but is .*",
        "У ученика {p} указаны задолженности, но перевод не условный.",
    ),
    (
        r"pupil '(?P<p>[^']*)' has debts in unknown subjects .*",
        "У ученика {p} задолженности по предметам, которых в году нет.",
    ),
    (
        r"pupil '(?P<p>[^']*)' has a debt listed twice",
        "У ученика {p} задолженность указана дважды.",
    ),
    (
        r"pupil '(?P<p>[^']*)' is in the final grade (?P<g>\d+): no grade to promote to",
        "Ученик {p} в выпускном {g} классе: переводить некуда.",
    ),
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a refused rollover: in Russian, and the pupil or class it concerns."""

    text: str
    pupil_id: str = ""
    class_id: str = ""


def problems_of(detail: str) -> list[Problem]:
    """The journal's `rollover_refused` detail (problems joined by "; ") in the school's
    words; a problem it words otherwise is kept as it is."""
    found = []
    for part in (p.strip() for p in detail.split("; ")):
        if not part:
            continue
        for pattern, text in _PROBLEMS:
            match = re.fullmatch(pattern, part)
            if match:
                named = match.groupdict()
                found.append(Problem(text.format(**named), named.get("p", ""), named.get("c", "")))
                break
        else:
            found.append(Problem(part))
    return found


def placed(problems: Iterable[Problem], rows: tuple[ClassRow, ...]) -> dict[str, list[str]]:
    """The problems of first-grade classes and admitted pupils beside the row (and line) they
    concern: a class's beside its id (its teacher's beside the teacher), a pupil's beside
    their class's list, with the line."""
    found: dict[str, list[str]] = {}
    for problem in problems:
        for n, row in enumerate(rows):
            where = _where(problem, row, n)
            if where:
                found.setdefault(where[0], []).append(where[1])
    return found


def _where(problem: Problem, row: ClassRow, n: int) -> tuple[str, str] | None:
    if problem.class_id and problem.class_id == row.class_id:
        teacher = "Классный руководитель" in problem.text
        return (f"fg_teacher.{n}" if teacher else f"fg_class_id.{n}"), problem.text
    if not problem.pupil_id:
        return None
    for number, line in enumerate(row.pupils.splitlines(), start=1):
        pupil = pupil_of(line) if line.strip() else None
        if isinstance(pupil, dict) and pupil["pupil_id"] == problem.pupil_id:
            return f"fg_pupils.{n}", f"Строка {number}: {problem.text}"
    return None
