"""The automated findings of a monthly check, as a pure function of the lessons' facts.

A finding names what is missing or late in the journal, and where. Its `finding_id` is built
from its kind and the lesson (and pupil) it is about, so the same gap found again later has the
same id: a remark about a finding is shown as fixed automatically once the finding's id is no
longer among the findings of its lesson.

Rules (DESIGN.md §1 "daily journal entry", issue 5):

- only lessons *before* `today` count (a lesson's entries are due by the end of its day), and
  none on a day off of the school calendar (`CheckRules.calendar`);
- a cancelled lesson needs nothing, except what was recorded late before it was cancelled;
- `not_marked_held`: neither held nor cancelled;
- `no_topic`, `no_attendance`: not cancelled and the topic / the attendance is missing;
- `no_homework`: only where the school requires homework (`CheckRules.homework_from_grade`:
  classes of that grade and above; None, the default, means never);
- `absence_without_reason`: an absence or lateness still with the reason "unknown" more than
  `absence_reason_days` days that are not days off after the later of the lesson's day and
  the day the attendance was first entered (the class teacher cannot give a reason before the
  absence is recorded, nor is expected to in a vacation);
- `late_entry`: the topic or the attendance was *first* entered, or a mark recorded, on a local
  day after the lesson's day. Later edits of a topic or an attendance entered on the day are
  corrections, not late entries; each mark is an entry of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal

from contracts.journal import Finding, FindingKind
from kernel.year_plan import YearPlan

LessonStatus = Literal["scheduled", "held", "cancelled"]
MOSCOW = dt.timezone(dt.timedelta(hours=3), "MSK")
"""The journal's default time zone (Europe/Moscow has kept UTC+3 since 2014)."""


@dataclass(frozen=True, slots=True)
class CheckRules:
    """The school's settings for the monthly check."""

    absence_reason_days: int = 3
    homework_from_grade: int | None = None
    zone: dt.tzinfo = MOSCOW
    calendar: YearPlan = field(default_factory=YearPlan)  # the year's days off (`with_calendar`)

    def with_calendar(self, plan: YearPlan) -> CheckRules:
        """These rules for a school year of this plan (its days off count as no school day)."""
        return replace(self, calendar=plan)

    def is_day_off(self, day: dt.date) -> bool:
        """Whether `day` is a holiday or in a vacation."""
        return self.calendar.day_off(day) is not None

    def school_days_between(self, first: dt.date, last: dt.date) -> int:
        """The days after `first` up to `last` that are not days off."""
        return sum(1 for _ in self.calendar.school_days(first + dt.timedelta(days=1), last))


@dataclass(frozen=True, slots=True)
class AbsenceFact:
    """An absence (or lateness) recorded at a lesson and whether its reason is known."""

    pupil_id: str
    reason_known: bool


@dataclass(frozen=True, slots=True)
class LessonFacts:
    """What the check needs to know about one lesson; times are when entries were recorded."""

    lesson_id: str
    class_id: str
    subject_id: str
    teacher_id: str
    date: dt.date
    slot: int = 1
    grade: int = 5
    status: LessonStatus = "scheduled"
    has_topic: bool = False
    has_homework: bool = False
    attendance_taken: bool = False
    topic_entered_at: dt.datetime | None = None
    attendance_entered_at: dt.datetime | None = None
    last_mark_entered_at: dt.datetime | None = None
    absences: tuple[AbsenceFact, ...] = field(default_factory=tuple)


def finding_id(kind: FindingKind, lesson_id: str, pupil_id: str | None = None) -> str:
    """`<kind>:<lesson_id>[:<pupil_id>]`: the same gap always has the same id."""
    return f"{kind}:{lesson_id}:{pupil_id}" if pupil_id else f"{kind}:{lesson_id}"


def find(lessons: Iterable[LessonFacts], *, today: dt.date, rules: CheckRules) -> list[Finding]:
    """The findings of the given lessons as of `today`, by date, slot, class and kind."""
    found: list[Finding] = []
    for lesson in sorted(lessons, key=lambda x: (x.date, x.slot, x.class_id, x.lesson_id)):
        if lesson.date < today:
            found.extend(lesson_findings(lesson, today=today, rules=rules))
    return found


def lesson_findings(lesson: LessonFacts, *, today: dt.date, rules: CheckRules) -> list[Finding]:
    """The findings of one past lesson (none for a lesson of today or later, nor for one on a
    day off: a lesson scheduled before its day was declared a holiday is not counted)."""
    if lesson.date >= today or rules.is_day_off(lesson.date):
        return []
    kinds: list[tuple[FindingKind, str]] = []
    if lesson.status != "cancelled":
        kinds.extend(_missing(lesson, rules))
    late = _late_entries(lesson, rules.zone)
    if late:
        kinds.append(("late_entry", "; ".join(late)))
    found = [_finding(lesson, kind, detail) for kind, detail in kinds]
    found.extend(_absences_without_reason(lesson, today=today, rules=rules))
    return found


def _missing(lesson: LessonFacts, rules: CheckRules) -> list[tuple[FindingKind, str]]:
    # No detail: the kind says it all, and a check's findings travel in one event.
    kinds: list[tuple[FindingKind, str]] = []
    if lesson.status == "scheduled":
        kinds.append(("not_marked_held", ""))
    if not lesson.has_topic:
        kinds.append(("no_topic", ""))
    if not lesson.attendance_taken:
        kinds.append(("no_attendance", ""))
    required = rules.homework_from_grade
    if required is not None and lesson.grade >= required and not lesson.has_homework:
        kinds.append(("no_homework", ""))
    return kinds


def _late_entries(lesson: LessonFacts, zone: dt.tzinfo) -> list[str]:
    entries = (
        ("тема", lesson.topic_entered_at),
        ("посещаемость", lesson.attendance_entered_at),
        ("отметки", lesson.last_mark_entered_at),
    )
    late: list[str] = []
    for what, at in entries:
        if at is not None and at.astimezone(zone).date() > lesson.date:
            late.append(f"{what}: {at.astimezone(zone).date():%d.%m.%Y}")
    return late


def _absences_without_reason(
    lesson: LessonFacts, *, today: dt.date, rules: CheckRules
) -> list[Finding]:
    recorded = lesson.date
    if lesson.attendance_entered_at is not None:
        recorded = max(recorded, lesson.attendance_entered_at.astimezone(rules.zone).date())
    if rules.school_days_between(recorded, today) <= rules.absence_reason_days:
        return []
    detail = f"причина пропуска не указана за {rules.absence_reason_days} дн."
    return [
        _finding(lesson, "absence_without_reason", detail, absence.pupil_id)
        for absence in sorted(lesson.absences, key=lambda a: a.pupil_id)
        if not absence.reason_known
    ]


def _finding(
    lesson: LessonFacts, kind: FindingKind, detail: str, pupil_id: str | None = None
) -> Finding:
    return Finding(
        finding_id=finding_id(kind, lesson.lesson_id, pupil_id),
        kind=kind,
        class_id=lesson.class_id,
        teacher_id=lesson.teacher_id,
        date=lesson.date,
        lesson_id=lesson.lesson_id,
        subject_id=lesson.subject_id,
        pupil_id=pupil_id,
        detail=detail,
    )
