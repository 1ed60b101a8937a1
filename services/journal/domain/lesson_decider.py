"""The lesson's decider: a command checked against the lesson (`lesson.LessonState`), the class
(who belonged to it on the day, who teaches what) and the school's configuration.

The dependency goes one way: this module dispatches to the command rules (`lesson_rules`),
which check entries with `lesson_entries`, and all of them read the state of `lesson`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import get_args

from contracts.base import Event
from contracts.envelope import Actor
from contracts.journal import AbsenceReasonSet, LessonCancelled
from kernel.lessons import EntryEvent
from services.journal.domain import closing
from services.journal.domain import lesson_rules as rules
from services.journal.domain.commands import (
    AddHomeworkAttachment,
    CancelLesson,
    CancelMark,
    CorrectMark,
    EditCommand,
    LessonCommand,
    MarkLessonHeld,
    RecordMark,
    SaveLessonEntries,
    ScheduleLesson,
    SetAbsenceReason,
    SetHomework,
    SetTopic,
    SubstituteTeacher,
    TakeAttendance,
)
from services.journal.domain.errors import LessonNotFound
from services.journal.domain.klass import ClassState
from services.journal.domain.lesson import LessonState
from services.journal.domain.lesson_entries import Context
from services.journal.domain.school import SchoolConfig

EDITS: tuple[type[EditCommand], ...] = get_args(EditCommand)
Edited = LessonCancelled | AbsenceReasonSet | EntryEvent


def decide(
    cmd: LessonCommand,
    state: LessonState,
    *,
    actor: Actor,
    today: dt.date,
    school: SchoolConfig,
    klass: ClassState,
) -> list[Event]:
    """Decide a lesson command: exactly one event, or a DomainError saying why not.

    A lesson of a closed period (or a sealed year) is not scheduled or substituted any more,
    and its edits are refused unless they are corrections (`closing.correction`), which the
    event then carries.
    """
    ctx = Context(actor=actor, today=today, school=school, klass=klass)
    match cmd:
        case ScheduleLesson():
            _require_unlocked(school, klass, cmd.date)
            return [rules.schedule(cmd, state, ctx)]
        case SubstituteTeacher():
            _require_unlocked(school, klass, _existing(state).date)
            return [rules.substitute(cmd, state, actor)]
        case _ if isinstance(cmd, EDITS):
            existing = _existing(state)
            what = f"lesson '{existing.lesson_id}' of {existing.date}"
            lock = closing.lesson_lock(school, existing.date, klass.grade)
            reason = closing.correction(lock, actor, cmd.correction_reason, what)
            event = _edit(cmd, existing, replace(ctx, correction=reason))
            return [closing.flagged(event, reason)]
        case _:
            raise TypeError(f"not a lesson command: {cmd!r}")


def _edit(cmd: EditCommand, state: LessonState, ctx: Context) -> Edited:
    match cmd:
        case CancelLesson():
            return rules.cancel(cmd, state, ctx.actor)
        case SetAbsenceReason():
            return rules.absence_reason(cmd, state, ctx)
        case (
            MarkLessonHeld()
            | SetTopic()
            | SetHomework()
            | AddHomeworkAttachment()
            | RecordMark()
            | CorrectMark()
            | CancelMark()
            | TakeAttendance()
            | SaveLessonEntries()
        ):
            return rules.enter(cmd, state, ctx)
        case _:
            raise TypeError(f"not a lesson command: {cmd!r}")


def _existing(state: LessonState) -> LessonState:
    if not state.scheduled:
        msg = "no such lesson: it has not been scheduled"
        raise LessonNotFound(msg)
    return state


def _require_unlocked(school: SchoolConfig, klass: ClassState, date: dt.date) -> None:
    """Scheduling and substitution have no correction path: their events carry no reason."""
    lock = closing.lesson_lock(school, date, klass.grade)
    if lock is not None:
        raise lock.refusal(f"the lessons of {date}")
