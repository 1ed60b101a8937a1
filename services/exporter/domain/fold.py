"""The exporter's pure fold: journal events in, diary documents out.

One document per exported journal aggregate: the `school` configuration, each `class`, each
`lesson`. Staff and pupil aggregates produce nothing: names and birth dates never leave the
school side. An event at or below a document's `seq` was folded already and changes nothing,
so redeliveries and re-runs are harmless.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.base import Event
from contracts.diary import RecordKind
from contracts.subjects import parse_journal
from services.exporter.domain.docs import Content, Doc
from services.exporter.domain.fold_class import fold_class
from services.exporter.domain.fold_lesson import fold_lesson
from services.exporter.domain.fold_school import fold_school

Pseudonym = Callable[[str], str]
_Fold = Callable[[Content | None, Event, str, Pseudonym], Content | None]

FOLDS: dict[str, tuple[RecordKind, _Fold]] = {
    "school": ("school", fold_school),
    "class": ("class", fold_class),
    "lesson": ("lesson", fold_lesson),
}
"""Journal aggregate kind -> the record kind it exports as, and its fold."""


def exported_kind(aggregate_kind: str) -> RecordKind | None:
    """The record kind a journal aggregate kind exports as (None: never exported)."""
    found = FOLDS.get(aggregate_kind)
    return None if found is None else found[0]


def evolve(
    doc: Doc | None, event: Event, *, subject: str, seq: int, pseudonym: Pseudonym
) -> Doc | None:
    """The document of `subject`'s aggregate after `event` (stored at journal sequence `seq`).

    Answers `doc` itself when the event was folded already or changes nothing exported, and
    None while an aggregate has nothing to export (staff, pupils, a lesson not yet scheduled).
    """
    if doc is not None and seq <= doc.seq:
        return doc
    _, _, _, aggregate_kind, aggregate_id = parse_journal(subject)
    found = FOLDS.get(aggregate_kind)
    if found is None:
        return doc
    kind, fold = found
    content = fold(None if doc is None else doc.content, event, aggregate_id, pseudonym)
    if content is None:
        return doc
    return Doc(kind, aggregate_id, seq, content)
