"""The fold: journal events, in stream order, into a `JournalState`, through the kernel.

The kernel (`kernel.project`) folds the lessons, classes and school rows exactly as the journal
view does, so a replay up to a moment shows what the journal showed then. Here are only what the
audit adds: events are skipped by the school year's stream sequence, the corrections after
closing are kept by lesson (the journal keeps them in a table of their own), and an erasure
blanks the name of a person already registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from contracts.journal import PersonErased
from kernel import Fact, ViewState, project
from kernel.closing import CorrectionRow, correction_row
from kernel.school import erase_pupil, erase_staff
from kernel.state import FOLDED_EVENTS
from services.audit.domain.asof.state import JournalState, Recorded

FOLDED_TYPES: frozenset[str] = frozenset(
    model.event_type for model in FOLDED_EVENTS | {PersonErased}
)
"""The `event_type`s the fold reads: others need not even be decoded."""


def fold(state: JournalState, events: Iterable[Recorded]) -> JournalState:
    """Fold events (in stream order) into the state; events already folded are skipped.

    Facts are folded by the kernel in one batch (one copy of the state, not one per event),
    cut only at an erasure, which must see the names registered before it; the state passed in
    is never changed.
    """
    view, last_seq = state.view, state.last_seq
    corrections = dict(state.corrections)
    batch: list[Fact] = []
    for recorded in events:
        if recorded.seq <= last_seq:
            continue
        last_seq = recorded.seq
        fact = Fact(
            recorded.seq, state.school, state.year, recorded.aggregate_id, recorded.actor_id,
            recorded.recorded_at, recorded.event,
        )  # fmt: skip
        if isinstance(fact.event, PersonErased):
            view, batch = _erase(project(view, batch), fact), []
        else:
            batch.append(fact)
            _add_correction(corrections, correction_row(fact))
    return JournalState(state.school, state.year, project(view, batch), corrections, last_seq)


def _add_correction(
    corrections: dict[str, tuple[CorrectionRow, ...]], row: CorrectionRow | None
) -> None:
    if row is not None:
        corrections[row.lesson_id] = (*corrections.get(row.lesson_id, ()), row)


def _erase(view: ViewState, fact: Fact) -> ViewState:
    """The view with the erased person's name blanked (also a name written before sealing, in
    the clear); a person not registered yet is left alone."""
    event = fact.event
    if not isinstance(event, PersonErased):
        return view
    key = fact.key(event.person)
    pupil, staff = view.pupils.get(key), view.staff.get(key)
    if event.kind == "pupil" and pupil is not None:
        return replace(view, pupils={**view.pupils, key: erase_pupil(pupil, fact)})
    if event.kind == "staff" and staff is not None:
        return replace(view, staff={**view.staff, key: erase_staff(staff, fact)})
    return view
