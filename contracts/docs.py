"""Generated documentation of the contracts: one JSON Schema per message (type and version),
and the schema of a message body on each stream for the AsyncAPI document.

Pure: returns documents; `deploy/gen_docs.py` writes them under `contracts/schemas/` (the
AsyncAPI document comes from FastStream's generator, `deploy/asyncapi.py`, which reads the
stream schemas off the services' subscribers) and a test fails when the checked-in files are
stale.
"""

from __future__ import annotations

from typing import Any

from contracts.audit import AUDIT_EVENTS
from contracts.base import Event
from contracts.diary import DIARY_EVENTS
from contracts.enrollment import ENROLLMENT_EVENTS
from contracts.envelope import Envelope
from contracts.free_texts import has_free_texts
from contracts.journal import JOURNAL_EVENTS
from contracts.personal import PERSONAL
from contracts.personal_schema import wire_schema
from contracts.portal import PORTAL_EVENTS

ALL_EVENTS = JOURNAL_EVENTS + ENROLLMENT_EVENTS + DIARY_EVENTS + PORTAL_EVENTS + AUDIT_EVENTS


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for the envelope and every event at its current version."""
    documents: dict[str, dict[str, Any]] = {"envelope.json": Envelope.model_json_schema()}
    for model in ALL_EVENTS:
        schema = wire_schema(
            model.event_type, model.model_json_schema(), has_free_texts=_has_free_texts(model)
        )
        schema["x-event-type"] = model.event_type
        schema["x-schema-version"] = model.schema_version
        documents[f"{model.event_type}.v{model.schema_version}.json"] = schema
    return documents


def _has_free_texts(model: type[Event]) -> bool:
    """Whether the payload on the wire has a free text (a personal field travels sealed)."""
    personal = PERSONAL.get(model.event_type)
    return has_free_texts(model, without=personal.fields if personal else ())


def stream_message_schema(stream: str, models: tuple[type[Event], ...]) -> dict[str, Any]:
    """Self-contained JSON Schema (no `$ref`) of one message body on `stream`: an Envelope
    whose `data` is the payload of one of `models`, the one the Event-Type header names."""
    payloads = []
    for model in models:
        schema = wire_schema(
            model.event_type, model.model_json_schema(), has_free_texts=_has_free_texts(model)
        )
        schema["x-event-type"] = model.event_type
        schema["x-schema-version"] = model.schema_version
        payloads.append(_inlined(schema))
    envelope = _inlined(Envelope.model_json_schema())
    envelope["properties"]["data"] = {
        "description": "the payload named by the Event-Type header",
        "oneOf": payloads,
    }
    envelope["title"] = f"{stream.title()}Message"
    envelope["description"] = STREAM_NOTES[stream]
    envelope["x-headers"] = HEADERS
    return envelope


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with every local `$ref` replaced by the definition it names."""
    definitions = schema.pop("$defs", {})

    def resolve(node: object) -> object:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved = resolve(schema)
    assert isinstance(resolved, dict)  # noqa: S101 - a dict resolves to a dict
    return resolved


STREAMS_DESCRIPTION = (
    "Every change is an immutable event on NATS JetStream. Subjects carry ids only, never "
    "personal data. Writers publish with Nats-Expected-Last-Subject-Sequence (optimistic "
    "concurrency per subject), Nats-Msg-Id (the command id: a retry records once) and "
    "Prev-Hash (SHA-256 chain per subject). Old payload versions are upcast on read."
)
"""What every stream has in common: the description of the AsyncAPI document."""
STREAM_NOTES = {
    "JOURNAL": "Stream JOURNAL, subjects `jrn.{year}.{school}.{class}.{kind}.{id}`: one "
    "aggregate per subject (kind school | staff | pupil | class | lesson; class `school` for "
    "school-wide aggregates).",
    "ENROLLMENT": "Stream ENROLLMENT (school side), subjects `enr.{school}.{kind}.{id}`: kind "
    "pupil = the portal access to one pupil's diary (applications, their check and decision, "
    "links and their end); kind staff = a member of staff's portal UID.",
    "DIARY": "Stream DIARY (written by the exporter only, no personal data), subjects "
    "`dry.{year}.{school}.{kind}.{id}`: records (kind school | class | lesson | period-marks | "
    "staff, period-marks with id `<class>--<subject>`, staff = the directory of teachers by "
    "surname and initials, id = the school) of a batch, then the batch's manifest (kind "
    "batch), and access grants (kind grant, id = the portal UID).",
    "PORTAL": "Stream PORTAL (written by the diary, portal side, no names), subjects "
    "`prt.{school}.{kind}.{id}`: kind thread = one message thread (its start with the "
    "participants by portal UID and pupil pseudonym, its messages with their recipients, read "
    "positions); kind user = one portal user's own data (the label others see them by, the "
    "labels they give their children, how far they have seen the changes of each child's "
    "diary).",
}
"""What each stream holds and how its subjects are built."""
HEADERS = {
    "type": "object",
    "properties": {
        "Event-Type": {
            "type": "string",
            "description": "stable wire name, e.g. journal.MarkRecorded",
        },
        "Schema-Version": {"type": "string", "description": "payload version (integer)"},
        "Prev-Hash": {
            "type": "string",
            "description": "SHA-256 of the previous event on the subject",
        },
        "Correlation-Id": {"type": "string"},
        "Nats-Msg-Id": {"type": "string", "description": "the command id"},
        "Nats-Expected-Last-Subject-Sequence": {"type": "string"},
    },
    "required": ["Event-Type", "Schema-Version", "Prev-Hash", "Nats-Msg-Id"],
}
"""The headers every event is published with."""
