"""The rules for marks and attendance entered on a lesson, and for the whole-page save, with
the context every lesson command is checked in.

`lesson_rules.enter` calls these after checking who acts and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from contracts.envelope import Actor
from contracts.journal import (
    AbsenceEntry,
    HomeworkSet,
    LessonEntriesSaved,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    WorkKind,
)
from services.journal.domain.assessment import require_mark_allowed
from services.journal.domain.commands import (
    CancelMark,
    CorrectMark,
    Keep,
    NewMark,
    SaveLessonEntries,
)
from services.journal.domain.errors import (
    AlreadyExists,
    DuplicatePupil,
    InvalidAttendance,
    MarkAlreadyCancelled,
    MarkNotFound,
    NothingToChange,
    PupilNotInClass,
    ReasonRequired,
    UnknownWorkKind,
)
from services.journal.domain.klass import ClassState, enrolled_on
from services.journal.domain.lesson import LessonState, MarkState
from services.journal.domain.school import SchoolConfig


@dataclass(frozen=True, slots=True)
class Context:
    """Who acts, the school's date today, and the reference data commands are checked on;
    `correction` is the reason of an accepted correction of a closed period (see `closing`)."""

    actor: Actor
    today: dt.date
    school: SchoolConfig
    klass: ClassState
    correction: str | None = None


def require_reason(reason: str, what: str) -> None:
    """Refuse a reason that is empty or only spaces."""
    if not reason.strip():
        msg = f"{what} needs a reason"
        raise ReasonRequired(msg)


def _work_kind(school: SchoolConfig, work_kind_id: str) -> WorkKind:
    kind = school.work_kinds.get(work_kind_id)
    if kind is None:
        known = ", ".join(school.work_kinds)
        msg = f"kind of work '{work_kind_id}' is not configured by the school ({known})"
        raise UnknownWorkKind(msg)
    return kind


def new_mark(mark: NewMark, state: LessonState, ctx: Context, taken: Collection[str]) -> MarkEntry:
    """A new mark: on the scale, of a configured kind (whose weight it takes), for a pupil of
    the class on the lesson's date, under an id new to the lesson and to `taken`."""
    require_mark_allowed(ctx.school, state.subject_id, ctx.klass.grade, mark.value)
    kind = _work_kind(ctx.school, mark.work_kind_id)
    if mark.pupil_id not in enrolled_on(ctx.klass, state.date):
        msg = f"pupil '{mark.pupil_id}' is not in class '{state.class_id}' on {state.date}"
        raise PupilNotInClass(msg)
    if mark.mark_id in state.marks or mark.mark_id in taken:
        msg = f"mark '{mark.mark_id}' is already recorded on lesson '{state.lesson_id}'"
        raise AlreadyExists(msg)
    return MarkEntry(
        mark_id=mark.mark_id,
        pupil_id=mark.pupil_id,
        value=mark.value,
        work_kind_id=mark.work_kind_id,
        weight=kind.weight,
        comment=mark.comment,
        counts=mark.counts,
    )


def _live_mark(state: LessonState, mark_id: str) -> MarkState:
    mark = state.marks.get(mark_id)
    if mark is None:
        msg = f"there is no mark '{mark_id}' on lesson '{state.lesson_id}'"
        raise MarkNotFound(msg)
    if mark.cancelled:
        msg = f"mark '{mark_id}' was cancelled ({mark.reason})"
        raise MarkAlreadyCancelled(msg)
    return mark


def correct(cmd: CorrectMark, state: LessonState, ctx: Context) -> MarkCorrected:
    """A correction of a live mark, with a reason, that changes something."""
    mark = _live_mark(state, cmd.mark_id)
    require_reason(cmd.reason, f"correcting mark '{cmd.mark_id}'")
    school = ctx.school
    require_mark_allowed(school, state.subject_id, ctx.klass.grade, cmd.value)
    kind = _work_kind(school, cmd.work_kind_id)
    comment = mark.comment if isinstance(cmd.comment, Keep) else cmd.comment
    counts = mark.counts if isinstance(cmd.counts, Keep) else cmd.counts
    before = (mark.value, mark.work_kind_id, mark.weight, mark.comment, mark.counts)
    if before == (cmd.value, cmd.work_kind_id, kind.weight, comment, counts):
        msg = f"the correction of mark '{cmd.mark_id}' changes nothing"
        raise NothingToChange(msg)
    return MarkCorrected(
        mark_id=cmd.mark_id,
        value=cmd.value,
        work_kind_id=cmd.work_kind_id,
        weight=kind.weight,
        comment=comment,
        counts=counts,
        reason=cmd.reason,
    )


def cancel_mark(cmd: CancelMark, state: LessonState) -> MarkCancelled:
    """The cancellation of a live mark, with a reason."""
    _live_mark(state, cmd.mark_id)
    require_reason(cmd.reason, f"cancelling mark '{cmd.mark_id}'")
    return MarkCancelled(mark_id=cmd.mark_id, reason=cmd.reason)


def attendance(
    entries: tuple[AbsenceEntry, ...], state: LessonState, ctx: Context
) -> tuple[AbsenceEntry, ...]:
    """The observation, if every pupil is listed once and belongs to the class that day."""
    enrolled = enrolled_on(ctx.klass, state.date)
    seen: set[str] = set()
    for entry in entries:
        if entry.pupil_id in seen:
            msg = f"pupil '{entry.pupil_id}' is listed twice in the attendance"
            raise DuplicatePupil(msg)
        if entry.pupil_id not in enrolled:
            msg = f"pupil '{entry.pupil_id}' is not in class '{state.class_id}' on {state.date}"
            raise PupilNotInClass(msg)
        if entry.kind == "absent" and entry.minutes_late is not None:
            msg = f"pupil '{entry.pupil_id}' is absent, so cannot be {entry.minutes_late} min late"
            raise InvalidAttendance(msg)
        seen.add(entry.pupil_id)
    return entries


def save(cmd: SaveLessonEntries, state: LessonState, ctx: Context) -> LessonEntriesSaved:
    """The whole-page save: each part checked as its own command would be."""
    if not (cmd.held or cmd.topic or cmd.homework or cmd.marks or cmd.attendance is not None):
        msg = f"the save of lesson '{state.lesson_id}' holds nothing"
        raise NothingToChange(msg)
    taken: set[str] = set()
    marks: list[MarkEntry] = []
    for new in cmd.marks:
        marks.append(new_mark(new, state, ctx, taken))
        taken.add(new.mark_id)
    homework = None
    if cmd.homework is not None:
        homework = HomeworkSet(text=cmd.homework.text, due_on=cmd.homework.due_on)
    return LessonEntriesSaved(
        held=cmd.held,
        topic=cmd.topic,
        homework=homework,
        marks=tuple(marks),
        attendance=None if cmd.attendance is None else attendance(cmd.attendance, state, ctx),
    )
