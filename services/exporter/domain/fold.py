"""The exporter's pure fold: journal events in, documents out (`services.exporter.domain.docs`).

One document per exported journal aggregate: the `school` configuration, each `class`, each
`lesson`, the `period-marks` of each class and subject. Staff and pupil aggregates produce no
document of their own: names and birth dates never leave the school side. The one exception,
public by law, is the school year's staff directory (`fold_staff`): the events of staff and
class aggregates also feed it, and it names the teaching staff by surname and initials only.

A lesson, a class and the period marks fold through the kernel (`kernel.lessons`,
`kernel.classes`, `kernel.closing`), given the event as the journal view is (a `kernel.Fact`).
A document's `seq` moves only when its record says something new (each kind's `same`). An event
at or below what a document has folded changes nothing, so redeliveries and re-runs are
harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from contracts.base import Event
from contracts.diary import RecordKind, period_marks_record_id
from contracts.subjects import parse_journal
from kernel import Fact
from services.exporter.domain.docs import ROLL, DocKind, Folded
from services.exporter.domain.fold_class import fold_class, same_class
from services.exporter.domain.fold_lesson import fold_lesson
from services.exporter.domain.fold_period_marks import fold_period_marks, same_period_marks
from services.exporter.domain.fold_school import fold_school, same_school
from services.exporter.domain.fold_staff import STAFF_AGGREGATES, evolve_staff
from services.exporter.domain.lesson_record import same_lesson

DocId = tuple[DocKind, str]
"""A document's (kind, id) within its school year."""
Parsed = tuple[int, str, str, str, str]
"""A journal subject's (year, school, class, kind, id): `contracts.subjects.parse_journal`."""
_RecordId = Callable[[str, str], str]
"""(the subject's class token, the aggregate id) -> the record id."""


class Stamp(NamedTuple):
    """What the kernel's fold takes from an event's envelope (who recorded it, and when): it
    keeps them in its rows, though none is exported."""

    actor_id: str
    recorded_at: dt.datetime
    occurred_at: dt.datetime | None = None


UNSTAMPED = Stamp("", dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
"""For events folded by hand (tests, tools): nothing of a stamp is exported."""


def _aggregate_id(_class_token: str, aggregate_id: str) -> str:
    return aggregate_id


def _class_token(class_token: str, _aggregate_id: str) -> str:
    return class_token


class _Fold(NamedTuple):
    """How one journal aggregate kind exports: its record kind, its fold (state, fact, fold id)
    -> state, whether two states say the same record, the record id, and what the fold is
    given as its id."""

    kind: RecordKind
    fold: Callable[[Any, Fact, str], Any]
    same: Callable[[Any, Any, Event], bool]
    record_id: _RecordId
    fold_id: _RecordId


FOLDS: Mapping[str, _Fold] = {
    "school": _Fold("school", fold_school, same_school, _aggregate_id, _aggregate_id),
    "class": _Fold("class", fold_class, same_class, _aggregate_id, _aggregate_id),
    "lesson": _Fold("lesson", fold_lesson, same_lesson, _aggregate_id, _aggregate_id),
    # A subject id is not unique across classes: the record id joins the class token to it,
    # and the fold is given the class (a period mark event does not name it).
    "period-marks": _Fold(
        "period-marks",
        fold_period_marks,
        same_period_marks,
        period_marks_record_id,
        _class_token,
    ),
}
"""Journal aggregate kind -> how it exports."""


def doc_key(subject: str) -> tuple[RecordKind, str] | None:
    """The (record kind, record id) a journal subject's aggregate exports as (None: never)."""
    return _doc_key(parse_journal(subject))


def _doc_key(parsed: Parsed) -> tuple[RecordKind, str] | None:
    _, _, class_token, aggregate_kind, aggregate_id = parsed
    found = FOLDS.get(aggregate_kind)
    if found is None:
        return None
    return found.kind, found.record_id(class_token, aggregate_id)


def evolve(
    doc: Folded | None, event: Event, *, subject: str, seq: int, stamp: Stamp = UNSTAMPED
) -> Folded | None:
    """The document of `subject`'s aggregate after `event` (stored at journal sequence `seq`).

    Answers `doc` itself when the event was folded already or changes nothing kept, and None
    while an aggregate has nothing to export (staff, pupils, a lesson not yet scheduled).
    """
    return _evolve(doc, event, parse_journal(subject), seq, stamp)


def _evolve(
    doc: Folded | None, event: Event, parsed: Parsed, seq: int, stamp: Stamp
) -> Folded | None:
    if doc is not None and seq <= doc.seq:
        return doc
    year, school, class_token, aggregate_kind, aggregate_id = parsed
    found = FOLDS.get(aggregate_kind)
    if found is None:
        return doc
    actor, at, occurred = stamp
    fact = Fact(seq, school, year, aggregate_id, actor, at, event, occurred)
    before = None if doc is None else doc.state
    after = found.fold(before, fact, found.fold_id(class_token, aggregate_id))
    if after is None or after is before:
        return doc
    if doc is not None and found.same(before, after, event):
        return Folded(doc.kind, doc.record_id, doc.seq, after)
    return Folded(found.kind, found.record_id(class_token, aggregate_id), seq, after)


def doc_keys(subject: str) -> list[DocId]:
    """Every document an event of `subject` may change: its aggregate's, and for staff and
    classes the school year's staff roll and directory."""
    parsed = parse_journal(subject)
    found = _doc_key(parsed)
    keys: list[DocId] = [] if found is None else [found]
    if parsed[3] in STAFF_AGGREGATES:
        keys += [(ROLL, parsed[1]), ("staff", parsed[1])]
    return keys


def evolve_docs(
    docs: Mapping[DocId, Folded],
    event: Event,
    *,
    subject: str,
    seq: int,
    stamp: Stamp = UNSTAMPED,
) -> dict[DocId, Folded]:
    """The documents of `doc_keys(subject)` that `event` changed (`docs` holds those stored;
    a key without a document is absent)."""
    changed: dict[DocId, Folded] = {}
    parsed = parse_journal(subject)  # once: a replay folds every event through here
    found = _doc_key(parsed)
    if found is not None:
        before = docs.get(found)
        after = _evolve(before, event, parsed, seq, stamp)
        if after is not None and after is not before:
            changed[found] = after
    _, school, _, aggregate_kind, aggregate_id = parsed
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
