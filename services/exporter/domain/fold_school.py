"""The school's year as the exporter keeps it, the kernel's configuration row and subjects
(`kernel.school`), and as the diary sees it (no school name, no staff).

The year's plan (the periods of each grade, how subjects are assessed in some grades, the days
off) is published as the kernel's plan reads it (`plan_content`), not as the events said it.

The kernel keeps a mark scale as the numbers its values stand for; the diary shows their labels
too, so the state keeps the scale's values as configured beside the kernel's row. Stored as a
row (`services.exporter.domain.stored`).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from contracts.base import Event
from contracts.journal import MarkScaleConfigured, ScaleValue, SubjectDefined
from kernel import SchoolConfigRow, SubjectRow
from kernel.rows import Fact
from kernel.school import apply_config, apply_subject
from services.exporter.domain.docs import Content
from services.exporter.domain.fold_plan import plan_content


class SchoolState(NamedTuple):
    """The kernel's configuration of the school year, its subjects in the order first defined,
    and its mark scale's values."""

    config: SchoolConfigRow
    subjects: tuple[SubjectRow, ...] = ()
    scale: tuple[ScaleValue, ...] = ()


def fold_school(state: SchoolState | None, fact: Fact, _fold_id: str) -> SchoolState | None:
    """The school's year after `fact`, or `state` itself when the event does not concern it or
    was folded already (None while there is nothing to show)."""
    event = fact.event
    if isinstance(event, SubjectDefined):
        base = state or SchoolState(SchoolConfigRow(fact.school, fact.year))
        return _with_subject(base, fact, event)
    config = apply_config(None if state is None else state.config, fact)
    if config is None or (state is not None and config is state.config):
        return state
    scale = () if state is None else state.scale
    if isinstance(event, MarkScaleConfigured):
        scale = event.values
    return SchoolState(config, () if state is None else state.subjects, scale)


def _with_subject(state: SchoolState, fact: Fact, event: SubjectDefined) -> SchoolState:
    """A new definition renames the subject in place; a new subject goes last."""
    subjects = state.subjects
    at = next((i for i, s in enumerate(subjects) if s.subject_id == event.subject_id), None)
    row = apply_subject(None if at is None else subjects[at], fact)
    if row is None or (at is not None and row is subjects[at]):
        return state
    if at is None:
        return state._replace(subjects=(*subjects, row))
    return state._replace(subjects=(*subjects[:at], row, *subjects[at + 1 :]))


def school_content(state: SchoolState) -> Content:
    """What the school's record says (`SchoolRecord.content()`: JSON-ready)."""
    config = state.config
    return {
        "school_id": config.school,
        "starts_on": None if config.starts_on is None else config.starts_on.isoformat(),
        "ends_on": None if config.ends_on is None else config.ends_on.isoformat(),
        "periods": [period.model_dump(mode="json") for period in config.periods],
        "scale": [value.model_dump(mode="json") for value in state.scale],
        "work_kinds": [kind.model_dump(mode="json") for kind in config.work_kinds],
        "subjects": [{"subject_id": s.subject_id, "name": s.name} for s in state.subjects],
        **plan_content(config),
    }


def same_school(before: SchoolState, after: SchoolState, _event: Event) -> bool:
    """Whether the school's record says the same (the school's name is not exported)."""
    return _shown(before) == _shown(after)


def _shown(state: SchoolState) -> tuple[Any, ...]:
    config = state.config
    subjects = tuple((s.subject_id, s.name) for s in state.subjects)
    return (
        config.starts_on,
        config.ends_on,
        config.periods,
        config.work_kinds,
        state.scale,
        subjects,
        plan_content(config),
    )
