"""Keeping the portal's access grants in step with the enrollment and the journal.

`sync(school, year)` computes the desired grants (`domain.grants`), compares them with the
grants the exporter published, and publishes the difference to the DIARY stream: an
`AccessGranted` for each grant not live yet, an `AccessRevoked` for each live grant no longer
desired.

Record, then publish (an outbox): the changes are first recorded as the grants' new state,
marked unsent, in one transaction; then every unsent change is published and marked sent once
the stream acknowledged it. A crash after recording leaves the changes unsent, and the next
sync of the school year publishes them before anything else; a crash after publishing
publishes them again, with the same event id as `Nats-Msg-Id` (the stream drops the copy
within its duplicate window, and the diary treats a repeated grant or revocation as a no-op
anyway). Recording first matters: had a grant been published and the process died before
recording it, a later sync would not know to revoke it.

Syncs of one school year are serialised by the grant book's lock (across processes).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import structlog

from contracts import subjects
from contracts.diary import AccessRevoked
from contracts.envelope import Envelope
from services.exporter.application.grant_ports import GrantDeps, Unsent
from services.exporter.application.publishing import EXPORTER, headers_for
from services.exporter.application.window import Window
from services.exporter.domain.grants import ClassView, Facts, plan

logger = structlog.get_logger()


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    """What a sync decided (grants, revocations) and how many changes an earlier sync had
    recorded without publishing them (published now, in their latest state)."""

    school: str
    year: int
    granted: int = 0
    revoked: int = 0
    resent: int = 0


async def facts_of(deps: GrantDeps, school: str, year: int) -> Facts:
    """The enrollment's and the journal's facts the grants of a school year follow from."""
    classes = await deps.roster.classes(school, year)
    return Facts(
        pseudonym=deps.pseudonym,
        classes=tuple(ClassView.of(content) for content in classes),
        links=tuple(await deps.enrollment.links(school)),
        staff=tuple(await deps.enrollment.staff(school)),
    )


async def sync(deps: GrantDeps, school: str, year: int) -> SyncOutcome:
    """Bring the published grants of (school, year) to the desired ones."""
    started = time.perf_counter()
    async with deps.book.lock(school, year):
        leftover = len(await deps.book.unsent(school, year))
        changes = plan(await facts_of(deps, school, year), await deps.book.published(school, year))
        if changes:
            stamped = [(uuid.uuid4(), change) for change in changes]
            await deps.book.record(school, year, stamped, deps.clock.now())
        unsent = await deps.book.unsent(school, year)
        await _publish(deps, school, year, unsent)
    revoked = sum(1 for change in changes if isinstance(change, AccessRevoked))
    outcome = SyncOutcome(school, year, len(changes) - revoked, revoked, leftover)
    if changes or leftover:
        logger.info(
            "grants.synced",
            school=school,
            year=year,
            granted=outcome.granted,
            revoked=outcome.revoked,
            resent=outcome.resent,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
    return outcome


async def _publish(deps: GrantDeps, school: str, year: int, unsent: list[Unsent]) -> None:
    """Publish the unsent changes (revocations first, as recorded), then mark them sent."""
    if not unsent:
        return
    window = Window(deps.publish_window)
    try:
        for change in unsent:
            await window.submit(_publish_one(deps, school, year, change))
        await window.drain()
    except BaseException:
        await window.cancel()
        raise
    await deps.book.mark_sent(school, year, [change.event_id for change in unsent])


async def _publish_one(deps: GrantDeps, school: str, year: int, change: Unsent) -> None:
    event = change.event
    body = Envelope(
        event_id=change.event_id,
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=change.at,
        actor=EXPORTER,
        school=school,
        year=year,
        correlation_id=change.event_id.hex,
        causation_id=event.grant_id,
        data=event.model_dump(mode="json"),
    ).model_dump_json()
    # The event id is the message id: a change sent again after a crash is the same message.
    msg_id = change.event_id.hex
    await deps.publisher.publish(
        subjects.diary_grant(year, school, event.uid),
        body.encode(),
        headers_for(event, msg_id, msg_id),
    )


async def known_years(deps: GrantDeps, school: str | None = None) -> list[tuple[str, int]]:
    """The school years to sync: every one the export state knows, and every one with grants
    (whose classes may have gone, leaving grants to revoke)."""
    found = set(await deps.roster.years(school))
    found.update(k for k in await deps.book.years() if school is None or k[0] == school)
    return sorted(found)


async def sync_many(deps: GrantDeps, keys: Iterable[tuple[str, int]]) -> list[SyncOutcome]:
    """Sync each school year in turn."""
    return [await sync(deps, school, year) for school, year in keys]


async def sync_due(deps: GrantDeps) -> tuple[list[SyncOutcome], int]:
    """Sync every school year marked due and clear its mark (unless marked again meanwhile).

    A school year that fails keeps its mark (the next round tries again) and does not hold
    back the others. Answers the outcomes and the number of failed marks.
    """
    outcomes: list[SyncOutcome] = []
    failed = 0
    for due in await deps.book.due():
        try:
            keys = [(due.school, due.year)] if due.year else await known_years(deps, due.school)
            outcomes.extend(await sync_many(deps, keys))
            await deps.book.done(due)
        except Exception:  # one school year must not stop the others
            logger.exception("grants.sync_failed", school=due.school, year=due.year)
            failed += 1
    return outcomes, failed


async def catch_up(deps: GrantDeps) -> None:
    """Fold both streams the grants follow from up to their current ends."""
    await deps.enrollment.catch_up()
    await deps.roster.catch_up()
