"""Access grants for portal users (until the enrollment service records them itself)."""

from __future__ import annotations

import hashlib
import uuid

from contracts import subjects
from contracts.diary import AccessGranted, AccessRevoked, ClassScope, PupilScope, canonical_json
from contracts.envelope import Envelope
from services.exporter.application.ports import Clock, Publisher
from services.exporter.application.publishing import EXPORTER, headers_for

Scope = PupilScope | ClassScope


def grant_id(uid: int, scope: Scope) -> str:
    """The same user and scope always name the same grant (so a revoke finds it)."""
    key = canonical_json({"uid": uid, "scope": scope.model_dump(mode="json")})
    return "g" + hashlib.sha256(key).hexdigest()[:24]


async def _publish(
    publisher: Publisher,
    clock: Clock,
    school: str,
    year: int,
    uid: int,
    event: AccessGranted | AccessRevoked,
) -> None:
    event_id = uuid.uuid4()  # every grant and revoke is a new fact: no deduplication wanted
    body = Envelope(
        event_id=event_id,
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=clock.now(),
        actor=EXPORTER,
        school=school,
        year=year,
        correlation_id=event_id.hex,
        causation_id=event.grant_id,
        data=event.model_dump(mode="json"),
    ).model_dump_json()
    await publisher.publish(
        subjects.diary_grant(year, school, uid),
        body.encode(),
        headers_for(event, event_id.hex, event_id.hex),
    )


async def grant(
    publisher: Publisher, clock: Clock, *, school: str, year: int, uid: int, scope: Scope
) -> AccessGranted:
    """Publish that portal user `uid` may read what `scope` covers."""
    event = AccessGranted(grant_id=grant_id(uid, scope), uid=uid, scope=scope)
    await _publish(publisher, clock, school, year, uid, event)
    return event


async def revoke(  # noqa: PLR0913 - the grant's identity and the reason
    publisher: Publisher,
    clock: Clock,
    *,
    school: str,
    year: int,
    uid: int,
    scope: Scope,
    reason: str,
) -> AccessRevoked:
    """Publish that the grant of `scope` to `uid` ends."""
    event = AccessRevoked(grant_id=grant_id(uid, scope), uid=uid, reason=reason)
    await _publish(publisher, clock, school, year, uid, event)
    return event
