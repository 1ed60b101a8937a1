"""The term, day by day: what the deputy and the teachers record on each lesson, and what
the class teachers and the teachers put right in the days after."""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Sequence

from contracts.envelope import Actor
from contracts.journal import AbsenceEntry
from demo import marks as m
from demo.attendance import Attendance, Episode
from demo.curriculum import ACADEMIC, PASS_FAIL, weekly_hours
from demo.dates import year_span
from demo.model import (
    ADMIN,
    DEPUTY,
    DemoCommand,
    Pending,
    StepLog,
    teacher,
)
from demo.plan import LessonPlan, Plan
from demo.roll import Roll, next_lessons
from demo.topics import homework, topic
from services.journal.application.ids import mark_id
from services.journal.domain import commands as c

P_CANCELLED = 0.005  # lessons that do not take place
P_SUBSTITUTED = 0.01  # lessons another teacher holds
P_CORRECTED = 0.005  # marks corrected later
P_MARK_CANCELLED = 0.002  # marks cancelled later
TEST_EVERY = 8  # lessons between tests at least (else four weeks of the course)
FIRST_TEST = 3  # no test before a course's fourth lesson
HOMEWORK_RATE, LIGHT_HOMEWORK_RATE = 0.92, 0.35
_LIGHT = frozenset({"pe", "music", "art", "technology"})  # homework only now and then
_CANCEL_REASONS = ("карантин в классе", "общешкольное мероприятие", "экскурсия класса")
_SUBSTITUTION_REASONS = ("болезнь учителя", "курсы повышения квалификации", "командировка")


class Term:
    """Writes the term's lesson steps, in the order the school records them."""

    def __init__(self, rng: random.Random, log: StepLog, plan: Plan) -> None:
        self.rng, self.log, self.plan = rng, log, plan
        self.roll = Roll(plan, year_span(plan.year)[0])
        self.attendance = Attendance(rng)
        self.abilities = {p.pupil_id: p.ability for p in plan.pupils}
        self.grades = {k.class_id: k.grade for k in plan.classes}
        self.following = next_lessons(plan.lessons)
        self.given: dict[tuple[str, str], int] = {}
        self.tests = {
            (k.class_id, s): (max(TEST_EVERY, 4 * h), rng.randrange(max(TEST_EVERY, 4 * h)))
            for k in plan.classes
            for s, h in weekly_hours(k.grade).items()
        }
        self.busy = {(s.teacher_id, s.weekday, s.slot) for t in plan.timetables.values() for s in t}
        self.later: list[tuple[dt.date, int, Pending]] = []
        self.numbers: dict[str, str] = {}  # a pass/fail mark's id -> the number drawn for it
        self._order = itertools.count()

    def write(self, days: Sequence[dt.date]) -> None:
        """Each day: what is due from earlier days, moves, then every lesson of the day."""
        by_day: dict[dt.date, list[LessonPlan]] = {}
        for lesson in self.plan.lessons:
            by_day.setdefault(lesson.date, []).append(lesson)
        for day in days:
            self.log.day = day
            self.send_due(day)
            self._moves(day)
            classes = self.plan.classes
            self.attendance.start_day(p for k in classes for p in self.roll.on(k.class_id, day))
            for lesson in by_day.get(day, ()):
                self._lesson(lesson)
            for episode in self.attendance.end_day():
                self._reasons(day, episode)

    def send_due(self, day: dt.date) -> None:
        """Write the steps decided earlier that are due by the day (each sent on the later of
        its due day and the day being written)."""
        while self.later and self.later[0][0] <= day:
            pending = heapq.heappop(self.later)[2]
            self.log.day = max(self.log.day, pending.due)
            self.log.add_pending(pending)

    def _defer(self, pending: Pending) -> None:
        heapq.heappush(self.later, (pending.due, next(self._order), pending))

    def _add(self, actor: Actor, lesson: LessonPlan, command: DemoCommand) -> str:
        return self.log.add(
            actor, "lesson", command, class_id=lesson.class_id, lesson_id=lesson.lesson_id
        )

    def _moves(self, day: dt.date) -> None:
        labels = {k.class_id: k.label for k in self.plan.classes}
        for move in (x for x in self.plan.moves if x.day == day):
            reason = f"перевод в {labels[move.to_class]} класс по заявлению родителей"
            leave = c.RemovePupilFromClass(move.pupil_id, day - dt.timedelta(days=1), reason)
            self.log.add(ADMIN, "class", leave, class_id=move.from_class)
            join = c.AddPupilToClass(move.pupil_id, day)
            self.log.add(ADMIN, "class", join, class_id=move.to_class)

    def _lesson(self, lesson: LessonPlan) -> None:
        roll = self.rng.random()
        if roll < P_CANCELLED:
            self._add(DEPUTY, lesson, c.CancelLesson(self.rng.choice(_CANCEL_REASONS)))
            return
        teacher_id = lesson.teacher_id
        if roll < P_CANCELLED + P_SUBSTITUTED:
            teacher_id = self._substitute(lesson)
        course = (lesson.class_id, lesson.subject_id)
        index = self.given.get(course, 0)
        self.given[course] = index + 1
        every, offset = self.tests[course]
        test = (
            lesson.subject_id in ACADEMIC
            and self.grades[lesson.class_id] > 1
            and index >= FIRST_TEST
            and (index + offset) % every == every - 1
        )
        command_id = self.log.next_id()
        absences, present = self._attendance(lesson)
        entries = c.SaveLessonEntries(
            held=True,
            topic=self._topic(lesson, index, test=test),
            homework=self._homework(lesson, index, test=test),
            marks=self._marks(command_id, lesson, present, test=test),
            attendance=absences,
        )
        self._add(teacher(teacher_id), lesson, entries)
        self._fixes(lesson, teacher_id, entries.marks)

    def _substitute(self, lesson: LessonPlan) -> str:
        """Hand the lesson to a teacher free at that hour, of the same discipline if any."""
        weekday = lesson.date.isoweekday()
        teachers = self.plan.staffing.teachers
        free = [
            t
            for t in teachers
            if t.staff_id != lesson.teacher_id
            and (t.staff_id, weekday, lesson.slot) not in self.busy
        ]
        if not free:
            return lesson.teacher_id
        own = next(t.discipline_id for t in teachers if t.staff_id == lesson.teacher_id)
        substitute = self.rng.choice([t for t in free if t.discipline_id == own] or free)
        reason = self.rng.choice(_SUBSTITUTION_REASONS)
        self._add(DEPUTY, lesson, c.SubstituteTeacher(substitute.staff_id, reason))
        return substitute.staff_id

    def _attendance(self, lesson: LessonPlan) -> tuple[tuple[AbsenceEntry, ...], list[str]]:
        """The absences and lates noted, and the pupils there to be marked."""
        where = (lesson.class_id, lesson.lesson_id)
        notes = [
            (pupil, self.attendance.observe(pupil, lesson.slot, where))
            for pupil in self.roll.on(lesson.class_id, lesson.date)
        ]
        absences = tuple(note for _, note in notes if note is not None)
        present = [p for p, note in notes if note is None or note.kind == "late"]
        return absences, present

    def _topic(self, lesson: LessonPlan, index: int, *, test: bool) -> str:
        text = topic(lesson.subject_id, self.grades[lesson.class_id], index)
        return f"Контрольная работа по теме «{text}»" if test else text

    def _homework(self, lesson: LessonPlan, index: int, *, test: bool) -> c.SetHomework | None:
        """Homework on most lessons; none in the first grade or after a test."""
        rate = LIGHT_HOMEWORK_RATE if lesson.subject_id in _LIGHT else HOMEWORK_RATE
        if test or self.grades[lesson.class_id] == 1 or self.rng.random() >= rate:
            return None
        due = self.following.get(lesson.lesson_id, lesson.date + dt.timedelta(days=7))
        return c.SetHomework(homework(self.rng, lesson.subject_id, index), due)

    def _marks(
        self, command_id: str, lesson: LessonPlan, present: list[str], *, test: bool
    ) -> tuple[c.NewMark, ...]:
        """A few marks, or everyone's at a test; the first grade gets none."""
        if self.grades[lesson.class_id] == 1:
            return ()
        count = len(present) if test else min(len(present), self.rng.randint(3, 8))
        marked = present if test else self.rng.sample(present, count)
        pass_fail = (lesson.subject_id, self.grades[lesson.class_id]) in PASS_FAIL
        made: list[c.NewMark] = []
        for i, pupil_id in enumerate(marked):
            number = m.mark_value(self.rng, self.abilities[pupil_id])
            kind = "test" if test else m.work_kind(self.rng, lesson.subject_id)
            mark = c.NewMark(mark_id(command_id, i), pupil_id, number, kind)
            if pass_fail:
                self.numbers[mark.mark_id] = number
                mark = dataclasses.replace(mark, value=m.pass_or_fail(number))
            made.append(mark)
        return tuple(made)

    def _fixes(self, lesson: LessonPlan, teacher_id: str, marks: tuple[c.NewMark, ...]) -> None:
        """Now and then a mark is corrected or cancelled by its teacher some days later."""
        for mark in marks:
            roll = self.rng.random()
            command: DemoCommand
            if roll < P_CORRECTED:
                number = self.numbers.get(mark.mark_id)
                value, reason = m.corrected(self.rng, number or mark.value)
                if number is not None:  # pass/fail: the other value, for the same reason
                    value = m.other_pass_fail(mark.value)
                command = c.CorrectMark(mark.mark_id, value, mark.work_kind_id, reason)
            elif roll < P_CORRECTED + P_MARK_CANCELLED:
                command = c.CancelMark(mark.mark_id, self.rng.choice(m.CANCEL_REASONS))
            else:
                continue
            due = lesson.date + dt.timedelta(days=self.rng.randint(1, 10))
            actor = teacher(teacher_id)
            self._defer(Pending(due, actor, "lesson", command, lesson.class_id, lesson.lesson_id))

    def _reasons(self, day: dt.date, episode: Episode) -> None:
        """The class teacher gives the reason of a finished absence a few days later."""
        if not episode.lessons:
            return
        reason, evidence = self.attendance.reason(episode)
        if reason == "unknown":
            return
        due = day + dt.timedelta(days=self.rng.randint(1, 4))
        for class_id, lesson_id in episode.lessons:
            actor = teacher(self.plan.staffing.class_teachers[class_id])
            command = c.SetAbsenceReason(episode.pupil_id, reason, evidence)
            self._defer(Pending(due, actor, "lesson", command, class_id, lesson_id))
