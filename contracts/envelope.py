"""The envelope every stream message carries around its event payload."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from pydantic import AwareDatetime, Field, StringConstraints

from contracts.base import Contract, Event, SchoolId
from contracts.roles import Role
from contracts.text import PRINTABLE

# The stable wire name of an event: `<bounded context>.<PastTenseName>`.
EventType = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,31}\.[A-Za-z][A-Za-z0-9]{0,63}$")
]
# Ids of callers, requests and causes: opaque, never words, never a control character.
OpaqueId = Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=128)]
# A payload's field names (snake_case identifiers of the contract models).
FieldName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")]


class Actor(Contract):
    """Who caused an event: a user id and the role they acted in."""

    id: Annotated[str, StringConstraints(pattern=PRINTABLE, min_length=1, max_length=64)]
    role: Role


class EnvelopeMeta(Contract):
    """The envelope without its payload: what every event carries whatever its type."""

    event_id: UUID
    event_type: EventType
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    actor: Actor
    school: SchoolId
    year: int = Field(ge=2000, le=2100)
    correlation_id: OpaqueId
    causation_id: OpaqueId


class Envelope(EnvelopeMeta):
    """Stream-level metadata around a payload (`data`), serialised as the message body."""

    data: dict[FieldName, Any]


class TypedEnvelope(EnvelopeMeta):
    """An envelope read with its payload validated straight into an event model.

    The base of the models `contracts.registry.Registry` makes for each of its event types,
    each narrowing `data` to that type's current model, so that a message body is validated
    once, from JSON, instead of into a dict first and into the model after.
    """

    data: Event


# NATS headers written beside the body.
HEADER_EVENT_TYPE = "Event-Type"
HEADER_SCHEMA_VERSION = "Schema-Version"
HEADER_PREV_HASH = "Prev-Hash"
HEADER_CORRELATION_ID = "Correlation-Id"
HEADER_MSG_ID = "Nats-Msg-Id"
HEADER_EXPECTED_LAST_SUBJECT_SEQ = "Nats-Expected-Last-Subject-Sequence"
# SHA-256 of the request an Idempotency-Key was sent with: a retry must carry the same request.
HEADER_REQUEST_FINGERPRINT = "Request-Fingerprint"
