"""What the demo generator produces: ordered steps, each one command for one aggregate."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Literal

from contracts.envelope import Actor
from services.journal.domain.commands import (
    ClassCommand,
    LessonCommand,
    RegisterPupil,
    RegisterStaffMember,
    SchoolCommand,
    YearPlanCommand,
)

Target = Literal["school", "staff", "pupil", "class", "lesson"]
DemoCommand = (
    SchoolCommand
    | YearPlanCommand
    | RegisterStaffMember
    | RegisterPupil
    | ClassCommand
    | LessonCommand
)

ADMIN = Actor(id="adm1", role="admin")
DEPUTY = Actor(id="dep1", role="deputy")


@functools.cache
def teacher(staff_id: str) -> Actor:
    """The actor of a teacher acting in the journal (one frozen object per teacher)."""
    return Actor(id=staff_id, role="teacher")


@dataclass(frozen=True, slots=True)
class Step:
    """One command as the school would send it: who, to which aggregate, under which id.

    `class_id` is set for class and lesson steps, `lesson_id` for lesson steps. `on` is the
    day the step is sent on: the eve of the year for the set-up, then the school day a teacher
    enters a lesson or a reason comes in.
    """

    command_id: str
    actor: Actor
    target: Target
    command: DemoCommand
    on: dt.date
    class_id: str | None = None
    lesson_id: str | None = None


@dataclass(frozen=True, slots=True)
class DemoSchool:
    """A generated school year: its school and year, and every step in the order to send."""

    school: str
    year: int
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Pending:
    """A step decided now and sent later (absence reasons, corrections): it gets its id then."""

    due: dt.date
    actor: Actor
    target: Target
    command: DemoCommand
    class_id: str | None = None
    lesson_id: str | None = None


class StepLog:
    """The growing list of steps; command ids number them in the order they are added."""

    def __init__(self, school: str, year: int, day: dt.date) -> None:
        self._prefix = f"demo-{school}-{year}-"
        self.steps: list[Step] = []
        self.day = day
        """The day the steps added now are sent on (the term moves it on, day by day)."""

    def next_id(self) -> str:
        """The command id the next added step will carry (mark ids derive from it)."""
        return f"{self._prefix}{len(self.steps) + 1:07d}"

    def add(
        self,
        actor: Actor,
        target: Target,
        command: DemoCommand,
        *,
        class_id: str | None = None,
        lesson_id: str | None = None,
    ) -> str:
        """Append a step under the next command id; answers that id."""
        command_id = self.next_id()
        self.steps.append(Step(command_id, actor, target, command, self.day, class_id, lesson_id))
        return command_id

    def add_pending(self, pending: Pending) -> str:
        """Append a step decided earlier."""
        return self.add(
            pending.actor,
            pending.target,
            pending.command,
            class_id=pending.class_id,
            lesson_id=pending.lesson_id,
        )
