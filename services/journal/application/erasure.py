"""Erasing a pupil's or a member of staff's personal data: record, then destroy.

1. The person must be known: the key store has a key of theirs, or the roster of some school
   year of the school has them (`PersonNotFound` otherwise).
2. For a pupil, the school's free texts that name them are redacted (`erasure_texts`: after
   step 4 nothing could tell their name apart from other words any more).
3. `PersonErased` is recorded through the normal write path on the erasure subject of the
   school year of `meta` (the current one), naming for a pupil the applications whose
   applicants' keys go with theirs.
4. The keys are destroyed (`KeyStore.erase`): the person's and, for a pupil, their applicants'.

Recording first means the audit always knows who erased whom and why; a request cut short
between 3 and 4 is finished by its retry (same command id: the event is a duplicate, the
destruction runs again harmlessly) or by any later erasure of the person (the event is there
already: `PersonAlreadyErased`, and the keys are destroyed anyway). Erasing an erased person
records nothing and answers the earlier erasure (`ErasureDone.already_erased`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from contracts import subjects
from services.common import keystore
from services.journal.application.erasure_reads import ErasureStatus
from services.journal.application.erasure_texts import redact_mentions
from services.journal.application.handling import Aggregate, Meta, Recorded, execute
from services.journal.application.ports import Deps
from services.journal.domain import erasure
from services.journal.domain.erasure import (
    ErasedKind,
    ErasePerson,
    PersonAlreadyErased,
    PersonNotFound,
)

ERASURE = Aggregate(erasure.INITIAL, erasure.evolve)


@dataclass(frozen=True, slots=True)
class ErasureDone:
    """What an erasure request did, or found done."""

    school: str
    kind: ErasedKind
    person: str
    reason: str
    applications: tuple[str, ...]
    erased_at: dt.datetime
    erased_by: str
    key_ids: tuple[str, ...]
    """The destroyed keys (the person's, their applicants'), whenever they were destroyed."""
    recorded: Recorded | None
    """The `PersonErased` event of this request (`duplicate` on a retry); None when the person
    was erased before by another request."""
    already_erased: bool


async def erase_person(
    deps: Deps, meta: Meta, kind: ErasedKind, person: str, reason: str
) -> ErasureDone:
    """Record the erasure of the person, then destroy their keys (see the module)."""
    keys = await deps.keys.keys_of(meta.school, kind, person)
    own = next((k for k in keys if (k.kind, k.person) == (kind, person)), None)
    if own is None and not await deps.erasure_views.known(meta.school, kind, person):
        msg = f"there is no {kind} '{person}' in school '{meta.school}'"
        raise PersonNotFound(msg)
    applications = tuple(sorted(k.person for k in keys if k.kind == "applicant"))
    cmd = ErasePerson(kind, person, reason, applications if kind == "pupil" else ())
    # Recorded in an earlier school year (the view has it), or the key destroyed already.
    listed = await deps.erasure_views.erasures(meta.school)
    seen = next((e for e in listed if (e.kind, e.person) == (kind, person)), None)
    earlier: tuple[str, tuple[str, ...]] | None = None  # reason and applications
    if kind == "pupil" and seen is None and not (own is not None and own.destroyed):
        await redact_mentions(deps, meta, person)
    recorded: Recorded | None = None
    try:
        recorded = await execute(
            deps,
            meta,
            subjects.erasure(meta.year, meta.school, kind, person),
            ERASURE,
            lambda state: erasure.decide(
                cmd,
                state,
                actor=meta.actor,
                erased_before=seen is not None or (own is not None and own.destroyed),
            ),
        )
    except PersonAlreadyErased as already:
        found = already.earlier or seen
        earlier = (found.reason, tuple(found.applications)) if found else (reason, applications)
    destroyed = await _destroy(deps, meta, cmd, own, reason=earlier[0] if earlier else reason)
    return _done(deps, meta, cmd, destroyed, recorded, earlier)


def _done(
    deps: Deps,
    meta: Meta,
    cmd: ErasePerson,
    destroyed: list[keystore.Erasure],
    recorded: Recorded | None,
    earlier: tuple[str, tuple[str, ...]] | None,
) -> ErasureDone:
    """The answer: the person's own destroyed key says when, by whom and why."""
    mine = next((e for e in destroyed if (e.kind, e.person) == (cmd.kind, cmd.person)), None)
    return ErasureDone(
        school=meta.school,
        kind=cmd.kind,
        person=cmd.person,
        reason=mine.reason if mine else cmd.reason,
        applications=earlier[1] if earlier else cmd.applications,
        erased_at=mine.erased_at if mine else deps.clock.now(),
        erased_by=mine.erased_by if mine else meta.actor.id,
        key_ids=tuple(e.key_id for e in destroyed),
        recorded=recorded,
        already_erased=recorded is None,
    )


async def erasure_list(deps: Deps, school: str) -> list[ErasureStatus]:
    """Every erasure recorded in the school (oldest first), each with whether the person's key
    is destroyed yet."""
    listed = await deps.erasure_views.erasures(school)
    destroyed = {k: await deps.keys.destroyed(school, k) for k in ("pupil", "staff")}
    return [
        ErasureStatus(**e.model_dump(), keys_destroyed=e.person in destroyed[e.kind])
        for e in listed
    ]


async def _destroy(
    deps: Deps, meta: Meta, cmd: ErasePerson, own: keystore.KeyInfo | None, *, reason: str
) -> list[keystore.Erasure]:
    """Destroy the person's keys (theirs and their applicants'); a person without a key yet
    (recorded before personal data was sealed) gets one first, destroyed at once, so that the
    key store refuses any new data of theirs (`keystore.PersonErased`)."""
    if own is None:
        with contextlib.suppress(keystore.PersonErased):  # erased meanwhile by another request
            await deps.keys.sealing_key(meta.school, cmd.kind, cmd.person)
    return await deps.keys.erase(meta.school, cmd.kind, cmd.person, by=meta.actor.id, reason=reason)
