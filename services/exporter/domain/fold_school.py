"""The school's configuration for the year as the diary sees it (no school name, no staff)."""

from __future__ import annotations

from collections.abc import Callable

from contracts.base import Event
from contracts.journal import (
    MarkScaleConfigured,
    SchoolYearOpened,
    SubjectDefined,
    WorkKindsConfigured,
)
from services.exporter.domain.docs import Content


def new_school(school_id: str) -> Content:
    """A school document before any configuration."""
    return {
        "school_id": school_id,
        "starts_on": None,
        "ends_on": None,
        "periods": [],
        "scale": [],
        "work_kinds": [],
        "subjects": [],
    }


def fold_school(
    content: Content | None, event: Event, record_id: str, _pseudonym: Callable[[str], str]
) -> Content | None:
    """The school document after `event`, or None when the event does not concern it."""
    base = content if content is not None else new_school(record_id)
    match event:
        case SchoolYearOpened():
            return {
                **base,
                "starts_on": event.starts_on.isoformat(),
                "ends_on": event.ends_on.isoformat(),
                "periods": [p.model_dump(mode="json") for p in event.periods],
            }
        case MarkScaleConfigured():
            return {**base, "scale": [v.model_dump(mode="json") for v in event.values]}
        case WorkKindsConfigured():
            return {**base, "work_kinds": [k.model_dump(mode="json") for k in event.kinds]}
        case SubjectDefined():
            return {**base, "subjects": _with_subject(base["subjects"], event)}
        case _:
            return None


def _with_subject(subjects: list[Content], event: SubjectDefined) -> list[Content]:
    """A new definition renames the subject in place; a new subject goes last."""
    entry = {"subject_id": event.subject_id, "name": event.name}
    if any(s["subject_id"] == event.subject_id for s in subjects):
        return [entry if s["subject_id"] == event.subject_id else s for s in subjects]
    return [*subjects, entry]
