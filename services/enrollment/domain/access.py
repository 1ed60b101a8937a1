"""Who could see a pupil's diary and when: the pure part of the access history.

Staff see a pupil's marks through the journal's roster: a teacher of a subject in the pupil's
class (while the pupil was in it), or the class teacher (all subjects), in either case only while
their portal UID was recorded. Every interval here is in whole days, both ends included (an
access that began or ended during a day covers that day); `end` None means still open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class Span:
    """Days from `start` to `end` (inclusive); `end` None: not ended."""

    start: dt.date
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        """True when `day` lies in the span."""
        return self.start <= day and (self.end is None or day <= self.end)

    def meet(self, other: Span) -> Span | None:
        """The days both spans cover, or None when they do not overlap."""
        start = max(self.start, other.start)
        ends = [e for e in (self.end, other.end) if e is not None]
        end = min(ends) if ends else None
        if end is not None and end < start:
            return None
        return Span(start, end)


@dataclass(frozen=True, slots=True)
class ClassStay:
    """The pupil belonged to a class of a school year for a span."""

    year: int
    class_id: str
    span: Span


@dataclass(frozen=True, slots=True)
class Duty:
    """A member of staff's role in a class: teaching a subject, or class teacher (no subject)."""

    year: int
    class_id: str
    staff_id: str
    subject_id: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class UidHolding:
    """A member of staff held a portal UID for a span."""

    staff_id: str
    uid: int
    span: Span


Via = Literal["teacher", "class-teacher"]


@dataclass(frozen=True, slots=True)
class StaffAccess:
    """A staff UID could see the pupil's marks in a class (one subject, or all) for a span."""

    staff_id: str
    uid: int
    year: int
    class_id: str
    subject_id: str | None
    via: Via
    span: Span


def staff_access(
    stays: Iterable[ClassStay], duties: Iterable[Duty], holdings: Iterable[UidHolding]
) -> list[StaffAccess]:
    """Every (stay, duty, UID) triple whose spans overlap, with the overlap, ordered by start."""
    by_staff: dict[str, list[UidHolding]] = {}
    for holding in holdings:
        by_staff.setdefault(holding.staff_id, []).append(holding)
    duty_list = list(duties)
    found: list[StaffAccess] = []
    for stay in stays:
        for duty in duty_list:
            if (duty.year, duty.class_id) != (stay.year, stay.class_id):
                continue
            shared = stay.span.meet(duty.span)
            if shared is None:
                continue
            for holding in by_staff.get(duty.staff_id, ()):
                span = shared.meet(holding.span)
                if span is not None:
                    found.append(_access(stay, duty, holding, span))
    return sorted(found, key=lambda a: (a.span.start, a.staff_id, a.subject_id or "", a.uid))


def _access(stay: ClassStay, duty: Duty, holding: UidHolding, span: Span) -> StaffAccess:
    via: Via = "class-teacher" if duty.subject_id is None else "teacher"
    return StaffAccess(
        holding.staff_id, holding.uid, stay.year, stay.class_id, duty.subject_id, via, span
    )


def on_day(accesses: Iterable[StaffAccess], day: dt.date | None) -> list[StaffAccess]:
    """The accesses that covered `day` (all of them when `day` is None)."""
    return [a for a in accesses if day is None or a.span.covers(day)]
