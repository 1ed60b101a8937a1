"""The envelope every stream message carries around its event payload."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from contracts.base import Contract, Event, SchoolId

Role = Literal["admin", "head", "deputy", "teacher", "auditor", "system", "parent", "pupil"]


class Actor(Contract):
    """Who caused an event: a user id and the role they acted in."""

    id: str = Field(min_length=1, max_length=64)
    role: Role


class EnvelopeMeta(Contract):
    """The envelope without its payload: what every event carries whatever its type."""

    event_id: UUID
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    actor: Actor
    school: SchoolId
    year: int = Field(ge=2000, le=2100)
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str = Field(min_length=1, max_length=128)


class Envelope(EnvelopeMeta):
    """Stream-level metadata around a payload (`data`), serialised as the message body."""

    data: dict[str, Any]


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
