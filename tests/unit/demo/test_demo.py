"""The demo school: deterministic, realistic in its numbers, and accepted by the journal."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from contracts.media import DEFAULT_MEDIA_TYPES
from demo import DemoSchool, all_names, generate, summary
from demo import loader as demo_loader
from demo.model import ADMIN
from services.common.eventstore_memory import InMemoryEventStore
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application.ports import Deps, FileLimits
from services.journal.domain import commands as c
from services.journal.domain import klass, school, year_plan
from tests.support.clock import FakeClock
from tests.support.journal import NoViews

TOKEN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
WORD = r"[А-ЯЁ][а-яё]+"
FULL_NAME = re.compile(rf"^{WORD} {WORD} {WORD}$")
AFTER_TERM = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def full() -> DemoSchool:
    return generate()


@pytest.fixture(scope="module")
def small() -> DemoSchool:
    return generate(pupils_target=120, term_weeks=2)


def _commands(demo: DemoSchool, kind: type) -> list:
    return [step.command for step in demo.steps if isinstance(step.command, kind)]


def _lesson_dates(demo: DemoSchool) -> dict[str, dt.date]:
    return {cmd.lesson_id: cmd.date for cmd in _commands(demo, c.ScheduleLesson)}


def _digest(demo: DemoSchool) -> str:
    return hashlib.sha256(repr(demo.steps).encode()).hexdigest()


# ---------------------------------------------------------------- determinism


def test_the_same_seed_gives_the_same_steps(full):
    assert generate().steps == full.steps


def test_another_seed_gives_another_school(small):
    other = generate(7, pupils_target=120, term_weeks=2)
    assert other.steps != small.steps
    assert all_names(other) != all_names(small)


def test_the_steps_do_not_depend_on_the_hash_seed(small):
    code = (
        "import hashlib; from demo import generate; "
        "print(hashlib.sha256(repr(generate(pupils_target=120, term_weeks=2).steps)"
        ".encode()).hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == _digest(small)


def test_command_ids_number_the_steps_in_order(small):
    ids = [step.command_id for step in small.steps]
    assert ids == [f"demo-s1-2026-{n:07d}" for n in range(1, len(ids) + 1)]


# ---------------------------------------------------------------- the school


def test_a_thousand_pupils_in_36_classes_of_26_to_30(full):
    counts = summary(full)
    members = Counter(
        step.class_id
        for step in full.steps
        if isinstance(step.command, c.AddPupilToClass) and step.command.since == dt.date(2026, 9, 1)
    )
    assert (counts.pupils, counts.classes) == (1000, 36)
    assert len(members) == 36
    assert all(26 <= size <= 30 for size in members.values())


def test_about_seventy_staff_each_with_a_sensible_load(full):
    staff = _commands(full, c.RegisterStaffMember)
    loads = Counter(s.teacher_id for t in _commands(full, c.SetTimetable) for s in t.slots)
    assert 60 <= len(staff) <= 80
    assert {"adm1", "dep1", "head1"} <= {s.staff_id for s in staff}
    assert all(8 <= hours <= 30 for hours in loads.values())


def test_every_class_has_a_registered_class_teacher(full):
    staff = {s.staff_id for s in _commands(full, c.RegisterStaffMember)}
    teachers = [o.class_teacher_id for o in _commands(full, c.OpenClass)]
    assert set(teachers) <= staff
    assert len(set(teachers)) == len(teachers)


def test_no_teacher_is_in_two_places_at_once(full):
    taken = Counter(
        (s.teacher_id, s.weekday, s.slot) for t in _commands(full, c.SetTimetable) for s in t.slots
    )
    assert taken.most_common(1)[0][1] == 1


def test_timetables_have_four_to_seven_lessons_a_day_on_weekdays(full):
    for timetable in _commands(full, c.SetTimetable):
        per_day = Counter(s.weekday for s in timetable.slots)
        assert set(per_day) == {1, 2, 3, 4, 5}
        assert all(4 <= n <= 7 for n in per_day.values())


def test_every_timetabled_pair_is_assigned_first(full):
    assigned: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for step in full.steps:
        if isinstance(step.command, c.AssignTeaching):
            assigned[step.class_id].add((step.command.teacher_id, step.command.subject_id))
        if isinstance(step.command, c.SetTimetable):
            used = {(s.teacher_id, s.subject_id) for s in step.command.slots}
            assert used == assigned[step.class_id]


def test_ids_are_tokens(full):
    ids = [s.class_id for s in full.steps if s.class_id] + [
        s.lesson_id for s in full.steps if s.lesson_id
    ]
    ids += [p.pupil_id for p in _commands(full, c.RegisterPupil)]
    ids += [p.staff_id for p in _commands(full, c.RegisterStaffMember)]
    ids += [d.subject_id for d in _commands(full, c.DefineSubject)]
    ids += [m.mark_id for e in _commands(full, c.SaveLessonEntries) for m in e.marks]
    assert all(TOKEN.match(i) for i in ids)


def test_names_are_full_russian_names_and_all_different(full):
    names = all_names(full)
    counts = summary(full)
    assert len(names) == counts.pupils + counts.staff
    assert all(FULL_NAME.match(name) for name in names)


def test_pupils_are_of_an_age_for_their_grade(full):
    born = {p.pupil_id: p.birth_date for p in _commands(full, c.RegisterPupil)}
    grades = {o.class_id: o.grade for o in _commands(full, c.OpenClass)}
    for step in full.steps:
        if isinstance(step.command, c.AddPupilToClass):
            age = (dt.date(2026, 9, 1) - born[step.command.pupil_id]).days / 365.25
            assert 5.5 + grades[step.class_id] <= age <= 8 + grades[step.class_id]


# ---------------------------------------------------------------- the term


def test_marks_follow_the_usual_spread(full):
    values = Counter(m.value for e in _commands(full, c.SaveLessonEntries) for m in e.marks)
    total = sum(values.values())
    expected = {"5": 0.30, "4": 0.40, "3": 0.22, "2": 0.07, "1": 0.01}
    for value, share in expected.items():
        assert values[value] / total == pytest.approx(share, abs=0.02), value


def test_most_marks_are_classwork_or_oral(full):
    kinds = Counter(m.work_kind_id for e in _commands(full, c.SaveLessonEntries) for m in e.marks)
    assert (kinds["classwork"] + kinds["oral"]) / sum(kinds.values()) > 0.5
    assert kinds["test"] > 0


def test_attendance_homework_and_corrections_are_at_the_usual_rates(full):
    counts = summary(full)
    pupil_lessons = counts.held_lessons * counts.pupils / counts.classes
    assert counts.absences / pupil_lessons == pytest.approx(0.06, abs=0.015)
    assert counts.lates / pupil_lessons == pytest.approx(0.01, abs=0.005)
    assert counts.absence_reasons / counts.absences == pytest.approx(0.9, abs=0.04)
    assert counts.corrections / counts.marks == pytest.approx(0.005, abs=0.003)
    assert counts.cancelled_lessons / counts.lessons == pytest.approx(0.005, abs=0.004)
    assert counts.substitutions / counts.lessons == pytest.approx(0.01, abs=0.006)
    homework = [e.homework is not None for e in _commands(full, c.SaveLessonEntries)]
    assert sum(homework) / len(homework) == pytest.approx(0.7, abs=0.08)


def test_absence_reasons_are_mostly_illness(full):
    reasons = Counter(r.reason for r in _commands(full, c.SetAbsenceReason))
    absences = summary(full).absences
    assert reasons["illness"] / absences == pytest.approx(0.6, abs=0.08)
    assert reasons["valid"] / absences == pytest.approx(0.2, abs=0.06)
    assert reasons["unexcused"] / absences == pytest.approx(0.1, abs=0.04)


def test_marks_and_absences_only_for_members_present_that_day(full):
    dates = _lesson_dates(full)
    members: dict[str, dict[str, list[list[dt.date | None]]]] = defaultdict(dict)
    for step in full.steps:
        cmd = step.command
        if isinstance(cmd, c.AddPupilToClass):
            members[step.class_id].setdefault(cmd.pupil_id, []).append([cmd.since, None])
        elif isinstance(cmd, c.RemovePupilFromClass):
            members[step.class_id][cmd.pupil_id][-1][1] = cmd.last_day
        elif isinstance(cmd, c.SaveLessonEntries):
            day = dates[step.lesson_id]
            absent = {a.pupil_id for a in cmd.attendance or () if a.kind == "absent"}
            for pupil in [m.pupil_id for m in cmd.marks] + [a.pupil_id for a in cmd.attendance]:
                spans = members[step.class_id][pupil]
                assert any(s <= day and (e is None or day <= e) for s, e in spans)
            assert not absent & {m.pupil_id for m in cmd.marks}
    assert summary(full).moves >= 3


def test_the_first_grade_gets_no_marks(full):
    first = {o.class_id for o in _commands(full, c.OpenClass) if o.grade == 1}
    entries = [s.command for s in full.steps if s.class_id in first]
    assert not [m for e in entries if isinstance(e, c.SaveLessonEntries) for m in e.marks]


def test_lessons_after_today_are_scheduled_but_get_no_entries():
    today = dt.date(2026, 9, 8)
    demo = generate(pupils_target=60, term_weeks=2, today=today)
    dates = _lesson_dates(demo)
    recorded = [
        dates[s.lesson_id]
        for s in demo.steps
        if s.target == "lesson" and not isinstance(s.command, c.ScheduleLesson)
    ]
    assert max(dates.values()) == dt.date(2026, 9, 14)
    assert max(recorded) == today


def test_the_set_up_is_sent_on_the_eve_of_the_year_and_no_step_goes_back_in_time(small):
    eve = dt.date(2026, 8, 31)
    days = [s.on for s in small.steps]
    on_the_eve = {type(s.command) for s in small.steps if s.on == eve}

    assert days[0] == eve
    assert days == sorted(days)
    assert {c.OpenSchoolYear, c.RegisterPupil, c.OpenClass, c.SetTimetable} <= on_the_eve
    assert on_the_eve.isdisjoint({c.SaveLessonEntries, c.SetAbsenceReason})
    assert {s.on for s in small.steps if isinstance(s.command, c.ScheduleLesson)} == {eve}


def test_lesson_ids_are_those_scheduling_from_the_timetable_gives(small):
    config = _state(
        _SchoolAndPlan, school.INITIAL, [s.command for s in small.steps if s.target == "school"]
    )
    for class_id in {o.class_id for o in _commands(small, c.OpenClass)}:
        steps = [s.command for s in small.steps if s.target == "class" and s.class_id == class_id]
        state = _state(klass, klass.INITIAL, steps, school=config)
        planned = klass.lessons_from_timetable(
            state, config, class_id, dt.date(2026, 9, 1), dt.date(2026, 9, 14)
        )
        scheduled = [x for x in _commands(small, c.ScheduleLesson) if x.class_id == class_id]
        assert planned == scheduled


class _SchoolAndPlan:
    """The school configuration's deciders: the year's setup and its plan per grade."""

    evolve = staticmethod(school.evolve)

    decide = staticmethod(year_plan.decide_configuration)


def _state(module, initial, commands, **context):
    """Fold commands through a decider as the handlers would (the demo's admin acting)."""
    state = initial
    for cmd in commands:
        for event in module.decide(cmd, state, actor=ADMIN, **context):
            state = module.evolve(state, event)
    return state


# ---------------------------------------------------------------- loading


def _in_memory_deps() -> Deps:
    """Handlers over the in-memory store, on a day after the term (views are never read)."""
    return Deps(
        store=InMemoryEventStore(),
        clock=FakeClock(AFTER_TERM),
        files=InMemoryFiles(),
        views=NoViews(),
        file_limits=FileLimits(1024, DEFAULT_MEDIA_TYPES),
    )


async def test_a_small_demo_loads_through_the_handlers_and_again_as_duplicates(small):
    demo = small
    counts = summary(demo)
    every_kind = (
        counts.cancelled_lessons,
        counts.substitutions,
        counts.corrections,
        counts.cancelled_marks,
        counts.absence_reasons,
        counts.moves,
    )
    assert all(every_kind)  # so that each kind of step goes through its handler
    deps = _in_memory_deps()
    seen: list[tuple[int, int]] = []
    first = await demo_loader.load(deps, demo, progress=lambda d, t: seen.append((d, t)))
    again = await demo_loader.load(deps, demo)
    assert (first.recorded, first.duplicates) == (len(demo.steps), 0)
    assert (again.recorded, again.duplicates) == (0, len(demo.steps))
    assert len(deps.store.events) == len(demo.steps)
    assert seen[-1] == (len(demo.steps), len(demo.steps))


async def test_a_step_the_journal_refuses_is_reported_after_the_rest_is_loaded(small):
    first_lesson = next(i for i, s in enumerate(small.steps) if s.target == "lesson")
    setup = small.steps[: first_lesson + 1]
    again = replace(setup[-1], command_id="demo-s1-2026-again")  # schedules the lesson twice
    demo = DemoSchool(small.school, small.year, (*setup, again))
    deps = _in_memory_deps()
    with pytest.raises(demo_loader.DemoRefused, match="AlreadyExists") as refused:
        await demo_loader.load(deps, demo)
    assert [step for step, _ in refused.value.failures] == [again]
    assert len(deps.store.events) == len(setup)


def test_the_term_is_sent_day_by_day_as_a_school_would_enter_it():
    school = generate(3, pupils_target=60, term_weeks=2)
    dates = {
        s.lesson_id: s.command.date for s in school.steps if isinstance(s.command, c.ScheduleLesson)
    }
    term = [s for s in school.steps if s.lesson_id and not isinstance(s.command, c.ScheduleLesson)]
    assert term
    assert all(s.on is not None and s.on >= dates[s.lesson_id] for s in term)
    entries = [s for s in term if isinstance(s.command, c.SaveLessonEntries)]
    assert all(s.on == dates[s.lesson_id] for s in entries)  # entered on the lesson's day
    assert any(s.on > dates[s.lesson_id] for s in term)  # reasons and corrections come later
