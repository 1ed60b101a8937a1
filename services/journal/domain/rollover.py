"""The school-year rollover plan: from the closing year's roster and the administrator's
decisions, everything the next year starts with and where every pupil goes.

Pure: the closing year as its aggregates stand, the decisions and the final grade come in;
the plan comes out (or `RolloverRefused` listing every problem at once). The same inputs give
the same plan, which is what lets the rollover run again and record nothing new.

Rules:

- The next year is `year + 1`: the closing year's calendar and periods shifted by one year
  (29 February becomes the 28th), and so are the period schemes of grades; scale, kinds of
  work, subjects, grading rules and the subjects' assessments per grade are copied. The days
  off are not: holidays and vacations fall on other days every year, and the administrator
  sets the new year's calendar.
- A class of grade g < final becomes a class of grade g + 1: its id and label have their grade
  prefix replaced (`5a`/"5А" -> `6a`/"6А"; an id without the prefix gets one: `x` -> `6-x`).
  It keeps its class teacher and its teaching assignments, as a starting point, and its
  timetable of the year's last day is proposed for it (the slots of the assignments it keeps),
  to take effect when the administrator confirms it. A class of the final grade closes.
- The new first grade is admitted from the administrator's list (`Admission`): its classes
  open in grade 1 and its pupils are registered and join them on the first day. No first
  grade is invented.
- A pupil is promoted by default (into the class theirs becomes), and graduates by default in
  the final grade. Overrides: promoted conditionally with debts (same class as promoted),
  repeating (the class of the same grade and letter next year, i.e. the one the class a grade
  below became: a repeating 5А pupil joins next year's 5А, the former 4А; when there is none
  the plan keeps their class open for them, same id, grade, label, teacher and assignments),
  graduated (also before the final grade, e.g. after grade 9).
- Pupils are those who belong to a class on the year's last day (a pupil who left during the
  year is not carried over; one who arrived is, with their class); pupils and staff are
  registered again in the next year (records are per year), graduates are not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from contracts.journal import (
    PromotionOutcome,
    TimetableSlot,
)
from services.journal.domain.errors import Invalid
from services.journal.domain.rollover_setup import YearSetup, shifted

FINAL_GRADE = 11
Assignment = tuple[str, str, str | None]  # (teacher_id, subject_id, group)


class RolloverRefused(Invalid):
    """The rollover cannot be planned as asked; the message lists every problem."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = tuple(problems)


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True, slots=True)
class ClosingClass:
    """A class of the closing year with the pupils it has on the year's last day."""

    class_id: str
    grade: int
    label: str
    class_teacher_id: str
    assignments: tuple[Assignment, ...]
    pupils: tuple[str, ...]
    timetable: tuple[TimetableSlot, ...] = ()  # in force on the year's last day


@dataclass(frozen=True, slots=True)
class Person:
    """A pupil's or staff member's record, copied into the next year."""

    person_id: str
    full_name: str
    detail: str  # a staff member's position; a pupil's birth date (ISO)


@dataclass(frozen=True, slots=True)
class ClosingYear:
    """The closing year's roster as its aggregates stand."""

    year: int
    setup: YearSetup
    classes: tuple[ClosingClass, ...]
    staff: tuple[Person, ...]
    pupils: Mapping[str, Person]


@dataclass(frozen=True, slots=True)
class Admission:
    """A first-grade class of the next year and the pupils admitted to it."""

    class_id: str
    label: str
    class_teacher_id: str
    pupils: tuple[Person, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """The administrator's decision about one pupil (the default is computed)."""

    outcome: PromotionOutcome
    debts: tuple[str, ...] = ()


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class NextClass:
    """A class of the next year; `source` is the closing class it continues."""

    class_id: str
    grade: int
    label: str
    class_teacher_id: str
    assignments: tuple[Assignment, ...]
    source: str  # "" for a first-grade class
    timetable: tuple[TimetableSlot, ...] = ()  # proposed, from the class it continues
    admitted: tuple[str, ...] = ()  # first-graders joining it on the first day


@dataclass(frozen=True, slots=True)
class Move:
    """Where one pupil goes: their outcome and next year's class (None when graduating)."""

    pupil_id: str
    from_class: str
    outcome: PromotionOutcome
    to_class: str | None
    debts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything the rollover records, in the order it records it."""

    year: int
    next_year: int
    setup: YearSetup
    classes: tuple[NextClass, ...]
    staff: tuple[Person, ...]
    pupils: tuple[Person, ...]  # registered in the next year: everyone who does not graduate
    moves: tuple[Move, ...]
    outcomes: Mapping[str, int] = field(default_factory=dict)


def plan(
    closing: ClosingYear,
    decisions: Mapping[str, Decision],
    *,
    final_grade: int = FINAL_GRADE,
    admissions: Sequence[Admission] = (),
) -> Plan:
    """The rollover of `closing` under `decisions` (pupil id -> decision), admitting the new
    first grade of `admissions`."""
    problems = _check_decisions(closing, decisions, final_grade)
    moves = [
        _move(klass, pupil, decisions.get(pupil), final_grade)
        for klass in closing.classes
        for pupil in klass.pupils
    ]
    problems += _check_pupils(closing, moves)
    classes = _next_classes(closing.classes, moves, final_grade)
    problems += _check_admissions(closing, classes, admissions)
    if problems:
        raise RolloverRefused(problems)
    classes = (*_first_grade(admissions), *classes)
    staying = sorted({m.pupil_id for m in moves if m.to_class is not None})
    admitted = [p for a in admissions for p in a.pupils]
    return Plan(
        year=closing.year,
        next_year=closing.year + 1,
        setup=shifted(closing.setup),
        classes=classes,
        staff=tuple(sorted(closing.staff, key=lambda p: p.person_id)),
        pupils=(
            *(closing.pupils[p] for p in staying),
            *sorted(admitted, key=lambda p: p.person_id),
        ),
        moves=tuple(sorted(moves, key=lambda m: m.pupil_id)),
        outcomes=dict(sorted(Counter(m.outcome for m in moves).items())),
    )


def next_id(class_id: str, grade: int, to_grade: int) -> str:
    """The id a class of `grade` has at `to_grade`: `5a` -> `6a`; `x` -> `6-x`."""
    prefix = str(grade)
    rest = class_id[len(prefix) :]
    if class_id.startswith(prefix) and not rest[:1].isdigit():
        return f"{to_grade}{rest}"
    return f"{to_grade}-{class_id}"


def next_label(label: str, grade: int, to_grade: int) -> str:
    """The label at `to_grade`: "5А" -> "6А"; a label without its grade stays as it is."""
    prefix = str(grade)
    rest = label[len(prefix) :]
    if label.startswith(prefix) and not rest[:1].isdigit():
        return f"{to_grade}{rest}"
    return label


def target_of(klass: ClosingClass, outcome: PromotionOutcome) -> str | None:
    """The next year's class a pupil of `klass` joins with `outcome` (None: graduates)."""
    if outcome == "graduated":
        return None
    if outcome == "repeating":
        return klass.class_id  # the same grade and letter: what the class a grade below became
    return next_id(klass.class_id, klass.grade, klass.grade + 1)


def default_outcome(grade: int, final_grade: int) -> PromotionOutcome:
    """Promoted, or graduated in the final grade."""
    return "graduated" if grade >= final_grade else "promoted"


def _move(klass: ClosingClass, pupil: str, decision: Decision | None, final_grade: int) -> Move:
    outcome = decision.outcome if decision else default_outcome(klass.grade, final_grade)
    debts = decision.debts if decision else ()
    return Move(pupil, klass.class_id, outcome, target_of(klass, outcome), tuple(debts))


def _next_classes(
    closing: Iterable[ClosingClass], moves: Sequence[Move], final_grade: int
) -> tuple[NextClass, ...]:
    """Promoted classes first; a class kept for repeaters only where nothing became it."""
    classes: dict[str, NextClass] = {}
    closing = tuple(closing)
    for k in closing:
        if k.grade < final_grade:
            grade = k.grade + 1
            nid = next_id(k.class_id, k.grade, grade)
            label = next_label(k.label, k.grade, grade)
            classes[nid] = NextClass(
                nid, grade, label, k.class_teacher_id, k.assignments, k.class_id, k.timetable
            )
    repeated = {m.from_class for m in moves if m.outcome == "repeating"}
    for k in closing:
        if k.class_id in repeated and k.class_id not in classes:
            classes[k.class_id] = NextClass(
                k.class_id,
                k.grade,
                k.label,
                k.class_teacher_id,
                k.assignments,
                k.class_id,
                k.timetable,
            )
    return tuple(sorted(classes.values(), key=lambda c: (c.grade, c.class_id)))


def _first_grade(admissions: Sequence[Admission]) -> tuple[NextClass, ...]:
    return tuple(
        NextClass(
            a.class_id,
            1,
            a.label,
            a.class_teacher_id,
            (),
            "",
            admitted=tuple(sorted(p.person_id for p in a.pupils)),
        )
        for a in sorted(admissions, key=lambda a: a.class_id)
    )


def _check_admissions(
    closing: ClosingYear, classes: Sequence[NextClass], admissions: Sequence[Admission]
) -> list[str]:
    taken = {k.class_id for k in classes}
    staff = {s.person_id for s in closing.staff}
    ids = Counter(a.class_id for a in admissions)
    pupils = Counter(p.person_id for a in admissions for p in a.pupils)
    problems = [f"first-grade class '{c}' is listed twice" for c, n in sorted(ids.items()) if n > 1]
    for a in sorted(admissions, key=lambda a: a.class_id):
        if a.class_id in taken:
            problems.append(f"first-grade class '{a.class_id}' is already a class next year")
        if a.class_teacher_id not in staff:
            problems.append(f"first-grade class '{a.class_id}': no staff '{a.class_teacher_id}'")
    problems += [
        f"admitted pupil '{p}' is listed twice" for p, n in sorted(pupils.items()) if n > 1
    ]
    problems += [
        f"admitted pupil '{p}' is already a pupil of the school"
        for p in sorted(pupils)
        if p in closing.pupils
    ]
    return problems


def _check_decisions(
    closing: ClosingYear, decisions: Mapping[str, Decision], final_grade: int
) -> list[str]:
    grade_of = {p: k.grade for k in closing.classes for p in k.pupils}
    problems: list[str] = []
    for pupil, decision in sorted(decisions.items()):
        grade = grade_of.get(pupil)
        if grade is None:
            problems.append(f"pupil '{pupil}' is in no class on the year's last day")
            continue
        problems += _check_decision(pupil, grade, decision, closing.setup, final_grade)
    return problems


def _check_decision(
    pupil: str, grade: int, decision: Decision, setup: YearSetup, final_grade: int
) -> list[str]:
    problems: list[str] = []
    conditional = decision.outcome == "promoted_conditionally"
    if conditional and not decision.debts:
        problems.append(f"pupil '{pupil}' is promoted conditionally without any debt")
    if decision.debts and not conditional:
        problems.append(f"pupil '{pupil}' has debts but is {decision.outcome}")
    unknown = sorted(set(decision.debts) - set(setup.subjects))
    if unknown:
        problems.append(f"pupil '{pupil}' has debts in unknown subjects {unknown}")
    if len(set(decision.debts)) != len(decision.debts):
        problems.append(f"pupil '{pupil}' has a debt listed twice")
    if grade >= final_grade and decision.outcome in ("promoted", "promoted_conditionally"):
        problems.append(f"pupil '{pupil}' is in the final grade {grade}: no grade to promote to")
    return problems


def _check_pupils(closing: ClosingYear, moves: Sequence[Move]) -> list[str]:
    seen = Counter(m.pupil_id for m in moves)
    twice = sorted(p for p, n in seen.items() if n > 1)
    unregistered = sorted(p for p in seen if p not in closing.pupils)
    problems: list[str] = []
    if twice:
        problems.append(f"pupils in two classes on the year's last day: {twice}")
    if unregistered:
        problems.append(f"pupils in a class but never registered: {unregistered}")
    return problems
