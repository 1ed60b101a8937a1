"""The exporter's pure fold: journal events in, diary documents out.

One document per exported journal aggregate: the `school` configuration, each `class`, each
`lesson`, the `period-marks` of each class and subject. Staff and pupil aggregates produce no
document of their own: names and birth dates never leave the school side. The one exception,
public by law, is the school year's staff directory (`fold_staff`): the events of staff and
class aggregates also feed it, and it names the teaching staff by surname and initials only.
An event at or below a document's `seq` was folded already and changes nothing, so
redeliveries and re-runs are harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from contracts.base import Event
from contracts.diary import RecordKind, period_marks_record_id
from contracts.subjects import parse_journal
from services.exporter.domain.docs import ROLL, Content, Doc, DocKind
from services.exporter.domain.fold_class import fold_class
from services.exporter.domain.fold_lesson import fold_lesson
from services.exporter.domain.fold_period_marks import fold_period_marks
from services.exporter.domain.fold_school import fold_school
from services.exporter.domain.fold_staff import STAFF_AGGREGATES, evolve_staff

Pseudonym = Callable[[str], str]
DocId = tuple[DocKind, str]
"""A document's (kind, id) within its school year."""
_Fold = Callable[[Content | None, Event, str, Pseudonym], Content | None]
_RecordId = Callable[[str, str], str]
"""(the subject's class token, the aggregate id) -> the record id."""


def _aggregate_id(_class_token: str, aggregate_id: str) -> str:
    return aggregate_id


def _class_token(class_token: str, _aggregate_id: str) -> str:
    return class_token


FOLDS: dict[str, tuple[RecordKind, _Fold, _RecordId, _RecordId]] = {
    "school": ("school", fold_school, _aggregate_id, _aggregate_id),
    "class": ("class", fold_class, _aggregate_id, _aggregate_id),
    "lesson": ("lesson", fold_lesson, _aggregate_id, _aggregate_id),
    # A subject id is not unique across classes: the record id joins the class token to it,
    # and the fold is given the class (a period mark event does not name it).
    "period-marks": ("period-marks", fold_period_marks, period_marks_record_id, _class_token),
}
"""Journal aggregate kind -> the record kind it exports as, its fold, the record id, and what
the fold is given as its id argument."""


def doc_key(subject: str) -> tuple[RecordKind, str] | None:
    """The (record kind, record id) a journal subject's aggregate exports as (None: never)."""
    _, _, class_token, aggregate_kind, aggregate_id = parse_journal(subject)
    found = FOLDS.get(aggregate_kind)
    if found is None:
        return None
    return found[0], found[2](class_token, aggregate_id)


def evolve(
    doc: Doc | None, event: Event, *, subject: str, seq: int, pseudonym: Pseudonym
) -> Doc | None:
    """The document of `subject`'s aggregate after `event` (stored at journal sequence `seq`).

    Answers `doc` itself when the event was folded already or changes nothing exported, and
    None while an aggregate has nothing to export (staff, pupils, a lesson not yet scheduled).
    """
    if doc is not None and seq <= doc.seq:
        return doc
    _, _, class_token, aggregate_kind, aggregate_id = parse_journal(subject)
    found = FOLDS.get(aggregate_kind)
    if found is None:
        return doc
    kind, fold, record_id, fold_id = found
    content = fold(
        None if doc is None else doc.content, event, fold_id(class_token, aggregate_id), pseudonym
    )
    if content is None:
        return doc
    return Doc(kind, record_id(class_token, aggregate_id), seq, content)


def doc_keys(subject: str) -> list[DocId]:
    """Every document an event of `subject` may change: its aggregate's, and for staff and
    classes the school year's staff roll and directory."""
    _, school, _, aggregate_kind, _ = parse_journal(subject)
    found = doc_key(subject)
    keys: list[DocId] = [] if found is None else [found]
    if aggregate_kind in STAFF_AGGREGATES:
        keys += [(ROLL, school), ("staff", school)]
    return keys


def evolve_docs(
    docs: Mapping[DocId, Doc], event: Event, *, subject: str, seq: int, pseudonym: Pseudonym
) -> dict[DocId, Doc]:
    """The documents of `doc_keys(subject)` that `event` changed (`docs` holds those stored;
    a key without a document is absent)."""
    changed: dict[DocId, Doc] = {}
    found = doc_key(subject)
    if found is not None:
        before = docs.get(found)
        after = evolve(before, event, subject=subject, seq=seq, pseudonym=pseudonym)
        if after is not None and after is not before:
            changed[found] = after
    _, school, _, aggregate_kind, aggregate_id = parse_journal(subject)
    if aggregate_kind in STAFF_AGGREGATES:
        keys: tuple[DocId, DocId] = ((ROLL, school), ("staff", school))
        befores = (docs.get(keys[0]), docs.get(keys[1]))
        afters = evolve_staff(*befores, event, school=school, class_id=aggregate_id, seq=seq)
        changed.update(
            (key, after)
            for key, before, after in zip(keys, befores, afters, strict=True)
            if after is not None and after is not before
        )
    return changed
