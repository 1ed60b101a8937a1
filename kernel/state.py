"""The view as a whole: the rows a batch touches (`touched`) and the batch folded (`project`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar, get_args

from contracts.base import Event
from contracts.journal import (
    ClassEvent,
    LessonEvent,
    MarkScaleConfigured,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    WorkKindsConfigured,
    YearPlanEvent,
)
from kernel.classes import apply_class
from kernel.lessons import apply_lesson
from kernel.rows import (
    ClassDoc,
    Fact,
    LessonDoc,
    PupilRow,
    RowKey,
    SchoolConfigRow,
    SchoolKey,
    StaffRow,
    SubjectRow,
)
from kernel.school import (
    apply_config,
    apply_pupil,
    apply_staff,
    apply_subject,
)

CONFIG_EVENTS: tuple[type[Event], ...] = (
    SchoolYearOpened,
    MarkScaleConfigured,
    WorkKindsConfigured,
    *get_args(YearPlanEvent),
)
CLASS_EVENTS: tuple[type[Event], ...] = get_args(ClassEvent)
LESSON_EVENTS: tuple[type[Event], ...] = get_args(LessonEvent)

_NO_SCALE: Mapping[str, int | None] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ViewState:
    """Rows of the view by key: what a batch loaded, or what folding it produced."""

    configs: Mapping[SchoolKey, SchoolConfigRow] = field(default_factory=dict)
    subjects: Mapping[RowKey, SubjectRow] = field(default_factory=dict)
    staff: Mapping[RowKey, StaffRow] = field(default_factory=dict)
    pupils: Mapping[RowKey, PupilRow] = field(default_factory=dict)
    classes: Mapping[RowKey, ClassDoc] = field(default_factory=dict)
    lessons: Mapping[RowKey, LessonDoc] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Touched:
    """The keys of the rows a batch may change: the ones to load before folding it."""

    configs: frozenset[SchoolKey] = frozenset()
    subjects: frozenset[RowKey] = frozenset()
    staff: frozenset[RowKey] = frozenset()
    pupils: frozenset[RowKey] = frozenset()
    classes: frozenset[RowKey] = frozenset()
    lessons: frozenset[RowKey] = frozenset()


def touched(facts: Iterable[Fact]) -> Touched:
    """The keys to load for a batch (lessons need their school's scale, so its config too)."""
    keys: dict[str, set[tuple[str, int, str]]] = {name: set() for name in _ROUTES}
    configs: set[SchoolKey] = set()
    for fact in facts:
        route = _ROUTE_OF.get(type(fact.event))
        if route is None:
            continue
        if route in {"lessons", "classes"}:
            keys[route].add((fact.school, fact.year, fact.aggregate_id))
        else:
            keys[route].add(_row_key(fact))
        if route in {"lessons", "configs"}:
            configs.add((fact.school, fact.year))
    return Touched(
        configs=frozenset(configs),
        subjects=frozenset(keys["subjects"]),
        staff=frozenset(keys["staff"]),
        pupils=frozenset(keys["pupils"]),
        classes=frozenset(keys["classes"]),
        lessons=frozenset(keys["lessons"]),
    )


def project(state: ViewState, facts: Iterable[Fact]) -> ViewState:
    """Fold facts (in stream order) into the view; events the view ignores change nothing.

    The working copies are local dicts, so a batch costs one copy and not one per event; the
    state passed in is never changed.
    """
    work = _Work(state)
    for fact in facts:
        route = _ROUTE_OF.get(type(fact.event))
        if route is not None:
            _ROUTES[route](work, fact)
    return work.freeze()


class _Work:
    """Mutable working copies of a `ViewState`, private to one `project` call."""

    def __init__(self, state: ViewState) -> None:
        self.configs = dict(state.configs)
        self.subjects = dict(state.subjects)
        self.staff = dict(state.staff)
        self.pupils = dict(state.pupils)
        self.classes = dict(state.classes)
        self.lessons = dict(state.lessons)

    def freeze(self) -> ViewState:
        return ViewState(
            self.configs, self.subjects, self.staff, self.pupils, self.classes, self.lessons
        )


def _row_key(fact: Fact) -> RowKey:
    match fact.event:
        case SubjectDefined(subject_id=key) | StaffMemberRegistered(staff_id=key):
            return fact.key(key)
        case PupilRegistered(pupil_id=key):
            return fact.key(key)
        case _:
            return fact.key()


_K = TypeVar("_K")
_V = TypeVar("_V")


def _configs(work: _Work, fact: Fact) -> None:
    key = (fact.school, fact.year)
    _keep(work.configs, key, apply_config(work.configs.get(key), fact))


def _subjects(work: _Work, fact: Fact) -> None:
    key = _row_key(fact)
    _keep(work.subjects, key, apply_subject(work.subjects.get(key), fact))


def _staff(work: _Work, fact: Fact) -> None:
    key = _row_key(fact)
    _keep(work.staff, key, apply_staff(work.staff.get(key), fact))


def _pupils(work: _Work, fact: Fact) -> None:
    key = _row_key(fact)
    _keep(work.pupils, key, apply_pupil(work.pupils.get(key), fact))


def _classes(work: _Work, fact: Fact) -> None:
    key = (fact.school, fact.year, fact.aggregate_id)
    _keep(work.classes, key, apply_class(work.classes.get(key), fact))


def _lessons(work: _Work, fact: Fact) -> None:
    key = (fact.school, fact.year, fact.aggregate_id)
    config = work.configs.get((fact.school, fact.year))
    scale = _NO_SCALE if config is None else config.scale
    _keep(work.lessons, key, apply_lesson(work.lessons.get(key), fact, scale))


def _keep(table: dict[_K, _V], key: _K, row: _V | None) -> None:
    """A row the fact made (None: the fact changed nothing, or was refused) takes its key."""
    if row is not None:
        table[key] = row


_ROUTES: dict[str, Callable[[_Work, Fact], None]] = {
    "configs": _configs,
    "subjects": _subjects,
    "staff": _staff,
    "pupils": _pupils,
    "classes": _classes,
    "lessons": _lessons,
}
_ROUTE_OF: dict[type[Event], str] = {
    **dict.fromkeys(CONFIG_EVENTS, "configs"),
    SubjectDefined: "subjects",
    StaffMemberRegistered: "staff",
    PupilRegistered: "pupils",
    **dict.fromkeys(CLASS_EVENTS, "classes"),
    **dict.fromkeys(LESSON_EVENTS, "lessons"),
}
FOLDED_EVENTS: frozenset[type[Event]] = frozenset(_ROUTE_OF)
"""The event types the fold reads: others change nothing (a reader need not even decode them)."""
