"""The school-year rollover: plan it from the closing year, record every step through the
journal's handlers, seal the closing year last.

Every step carries a command id derived from (school, closing year, step), so running the
rollover again records nothing new: each step answers as a duplicate, or its decider says the
thing is there already. An outcome's id also names the decision, so a changed decision for a
pupil whose outcome is recorded is reported (`differs`), not silently ignored: undo it first.

Order, in phases (steps of one chain in order, chains side by side with a bound):
1. the next year's configuration (one aggregate, in order);
   (calendar, scale, kinds of work, subjects, grading rules);
2. the next year's classes (opened, then their teaching assignments), staff and pupils;
3. per pupil: the outcome on the closing year's pupil aggregate, then joining the next
   year's class (skipped when the outcome was not recorded);
4. `SchoolYearClosed` on the closing year's configuration, only when nothing failed: the year
   is sealed once everything is in place, and a run cut short is resumed by running it again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from contracts import subjects
from contracts.journal import PupilOutcomeRecorded
from services.journal.application import period_marks, roster
from services.journal.application.handling import Meta, Recorded, execute
from services.journal.application.ports import Deps
from services.journal.application.rollover_roster import (
    CONCURRENCY,
    OUTCOME,
    bounded,
    closing_year,
    outcome_state,
)
from services.journal.domain import commands as c
from services.journal.domain import rollover_outcome
from services.journal.domain.errors import (
    AlreadyExists,
    DomainError,
    NothingToChange,
    OutcomeAlreadyRecorded,
    PupilAlreadyInClass,
    YearClosed,
)
from services.journal.domain.rollover import (
    Admission,
    ClosingYear,
    Decision,
    Move,
    NextClass,
    Plan,
    plan,
)
from services.journal.domain.rollover_setup import YearSetup
from services.journal.domain.school import require_admin

Send = Callable[[Deps, Meta], Awaitable[Recorded]]
ALREADY = (AlreadyExists, NothingToChange, PupilAlreadyInClass, YearClosed)
"""What a decider answers when a step's effect is there already (recorded otherwise)."""


@dataclass(frozen=True, slots=True)
class Step:
    """One command of the rollover: `name` makes its command id, `year` the year it acts on."""

    name: str
    year: int
    send: Send


Chain = tuple[Step, ...]


@dataclass
class Tally:
    """What running the steps did."""

    steps: int = 0
    recorded: int = 0
    duplicates: int = 0
    already: int = 0
    differs: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RolloverResult:
    """The plan and, unless a dry run, what recording it did."""

    plan: Plan
    dry_run: bool
    closed: bool
    tally: Tally
    seconds: float


def command_id(school: str, year: int, name: str) -> str:
    """The deterministic command id of a rollover step."""
    return f"rollover-{school}-{year}-{name}"


async def run_rollover(
    deps: Deps,
    meta: Meta,
    decisions: Mapping[str, Decision],
    *,
    final_grade: int,
    admissions: Sequence[Admission] = (),
    dry_run: bool = False,
) -> RolloverResult:
    """Plan the rollover of `meta.year` and (unless `dry_run`) record it, admitting the new
    first grade of `admissions`."""
    require_admin(meta.actor, "rolling the school year over")
    started = time.perf_counter()
    closing = await closing_year(deps, meta.school, meta.year)
    recorded = await recorded_decisions(deps, meta.school, closing)
    the_plan = plan(
        closing, {**decisions, **recorded}, final_grade=final_grade, admissions=admissions
    )
    tally = Tally(differs=_differences(decisions, recorded))
    closed = False
    if not dry_run:
        for chains in phases(the_plan):
            await _run(deps, meta, chains, tally)
        if not tally.failures:
            await _run(deps, meta, [(_close(the_plan),)], tally)
            closed = not tally.failures
    return RolloverResult(the_plan, dry_run, closed, tally, time.perf_counter() - started)


async def recorded_decisions(deps: Deps, school: str, closing: ClosingYear) -> dict[str, Decision]:
    """The outcomes in force for the closing year's pupils: what is recorded stands (a pupil
    is moved again only after an undo), so a run plans with these."""
    pupils = sorted(closing.pupils)

    async def current(pupil_id: str) -> PupilOutcomeRecorded | None:
        return (await outcome_state(deps, school, closing.year, pupil_id)).current

    found = await bounded(pupils, current)
    return {p: Decision(o.outcome, o.debts) for p, o in zip(pupils, found, strict=True) if o}


def _differences(
    asked: Mapping[str, Decision], recorded: Mapping[str, Decision]
) -> list[tuple[str, str]]:
    return [
        (
            f"outcome-{pupil}",
            f"pupil '{pupil}' is recorded as {recorded[pupil].outcome}, not "
            f"{decision.outcome}: undo it first",
        )
        for pupil, decision in sorted(asked.items())
        if pupil in recorded and recorded[pupil] != decision
    ]


def phases(the_plan: Plan) -> list[list[Chain]]:
    """The plan's steps as chains, phase by phase (closing the year comes after these)."""
    nxt, first_day = the_plan.next_year, the_plan.setup.starts_on
    people: list[Chain] = [_class_chain(nxt, k, first_day) for k in the_plan.classes]
    people += [(_staff(nxt, s.person_id, s.full_name, s.detail),) for s in the_plan.staff]
    people += [
        (_pupil(nxt, p.person_id, p.full_name, dt.date.fromisoformat(p.detail)),)
        for p in the_plan.pupils
    ]
    moves = [_move_chain(the_plan, m) for m in the_plan.moves]
    moves += [
        (_class(nxt, f"join-{p}-{k.class_id}", k.class_id, c.AddPupilToClass(p, first_day)),)
        for k in the_plan.classes
        for p in k.admitted
    ]
    return [[tuple(_configuration(the_plan))], people, moves]


def _configuration(the_plan: Plan) -> Iterator[Step]:
    setup, nxt = the_plan.setup, the_plan.next_year
    opening = c.OpenSchoolYear(setup.school_name, setup.starts_on, setup.ends_on, setup.periods)
    yield _school(nxt, "open-year", opening)
    if setup.scale_id is not None and setup.scale:
        yield _school(nxt, "mark-scale", c.ConfigureMarkScale(setup.scale_id, setup.scale))
    if setup.work_kinds:
        yield _school(nxt, "work-kinds", c.ConfigureWorkKinds(setup.work_kinds))
    for subject_id, name in sorted(setup.subjects.items()):
        yield _school(nxt, f"subject-{subject_id}", c.DefineSubject(subject_id, name))
    if setup.grading is not None:
        rules = c.SetGradingRules(*setup.grading)
        yield Step("grading-rules", nxt, lambda deps, m: period_marks.run_closing(deps, m, rules))
    yield from _year_plan(setup, nxt)


def _year_plan(setup: YearSetup, nxt: int) -> Iterator[Step]:
    """The periods of grades with a scheme of their own, and the subjects' assessments."""
    for s in setup.schemes:
        scheme = c.SetPeriodScheme(s.scheme_id, s.name, s.grades, s.periods)
        name = f"scheme-{s.scheme_id}-{'-'.join(map(str, s.grades))}"
        yield _school(nxt, name, scheme)
    for a in setup.assessments:
        assessment = c.SetSubjectAssessment(a.subject_id, a.grades, a.assessment)
        name = f"assessment-{a.subject_id}-{'-'.join(map(str, a.grades))}"
        yield _school(nxt, name, assessment)


def _school(year: int, name: str, cmd: c.SchoolCommand | c.YearPlanCommand) -> Step:
    return Step(name, year, lambda deps, m: roster.run_school(deps, m, cmd))


def _class(year: int, name: str, class_id: str, cmd: c.ClassCommand) -> Step:
    return Step(name, year, lambda deps, m: roster.run_class(deps, m, class_id, cmd))


def _class_chain(year: int, k: NextClass, first_day: dt.date) -> Chain:
    opening = c.OpenClass(k.class_id, k.grade, k.label, k.class_teacher_id)
    steps = [_class(year, f"class-{k.class_id}", k.class_id, opening)]
    for teacher, subject, group in k.assignments:
        name = f"assign-{k.class_id}-{subject}-{teacher}-{group or ''}"
        steps.append(_class(year, name, k.class_id, c.AssignTeaching(teacher, subject, group)))
    if k.timetable:
        draft = c.DraftTimetable(first_day, k.timetable, k.source)
        steps.append(_class(year, f"timetable-draft-{k.class_id}", k.class_id, draft))
    return tuple(steps)


def _staff(year: int, staff_id: str, full_name: str, position: str) -> Step:
    cmd = c.RegisterStaffMember(staff_id, full_name, position)
    return Step(f"staff-{staff_id}", year, lambda deps, m: roster.register_staff(deps, m, cmd))


def _pupil(year: int, pupil_id: str, full_name: str, birth_date: dt.date) -> Step:
    cmd = c.RegisterPupil(pupil_id, full_name, birth_date)
    return Step(f"pupil-{pupil_id}", year, lambda deps, m: roster.register_pupil(deps, m, cmd))


def outcome_step(year: int, name: str, cmd: c.OutcomeCommand) -> Step:
    """A command on the pupil's aggregate of the closing `year`."""

    def send(deps: Deps, m: Meta) -> Awaitable[Recorded]:
        subject = subjects.pupil(year, m.school, cmd.pupil_id)
        return execute(
            deps, m, subject, OUTCOME, lambda s: rollover_outcome.decide(cmd, s, actor=m.actor)
        )

    return Step(name, year, send)


def _move_chain(the_plan: Plan, move: Move) -> Chain:
    cmd = c.RecordPupilOutcome(move.pupil_id, move.outcome, move.to_class, move.debts)
    decision = f"{move.outcome}:{move.to_class}:{','.join(move.debts)}"
    digest = hashlib.sha256(decision.encode()).hexdigest()[:12]
    steps = [outcome_step(the_plan.year, f"outcome-{move.pupil_id}-{digest}", cmd)]
    if move.to_class is not None:
        join = c.AddPupilToClass(move.pupil_id, the_plan.setup.starts_on)
        name = f"join-{move.pupil_id}-{move.to_class}"
        steps.append(_class(the_plan.next_year, name, move.to_class, join))
    return tuple(steps)


def _close(the_plan: Plan) -> Step:
    cmd = c.CloseSchoolYear(the_plan.next_year)

    def send(deps: Deps, m: Meta) -> Awaitable[Recorded]:
        subject = subjects.school_config(m.year, m.school)
        return execute(
            deps,
            m,
            subject,
            roster.SCHOOL,
            lambda s: rollover_outcome.decide_close(cmd, s, actor=m.actor),
        )

    return Step("close-year", the_plan.year, send)


async def _run(deps: Deps, meta: Meta, chains: Sequence[Chain], tally: Tally) -> None:
    """Run chains side by side, at most CONCURRENCY at a time, each chain in order."""
    pending = iter(chains)

    async def worker() -> None:
        for chain in pending:
            for step in chain:
                if not await _send(deps, meta, step, tally):
                    break  # the chain's later steps depend on this one

    async with asyncio.TaskGroup() as group:
        for _ in range(min(CONCURRENCY, len(chains))):
            group.create_task(worker())


async def _send(deps: Deps, meta: Meta, step: Step, tally: Tally) -> bool:
    """Send one step; answers whether the chain goes on."""
    step_meta = Meta(
        command_id(meta.school, meta.year, step.name),
        meta.correlation_id,
        meta.actor,
        meta.school,
        step.year,
    )
    tally.steps += 1
    try:
        recorded = await step.send(deps, step_meta)
    except OutcomeAlreadyRecorded as error:
        tally.differs.append((step.name, str(error)))
        return False
    except ALREADY:
        tally.already += 1
        return True
    except DomainError as error:
        tally.failures.append((step.name, f"{type(error).__name__}: {error}"))
        return False
    if recorded.duplicate:
        tally.duplicates += 1
    else:
        tally.recorded += 1
    return True
