"""Generated documentation of the contracts: one JSON Schema per message (type and version).

Pure: returns documents; `deploy/gen_docs.py` writes them under `contracts/schemas/` and a test
fails when the checked-in files are stale.
"""

from __future__ import annotations

from typing import Any

from contracts.audit import AUDIT_EVENTS
from contracts.base import Event
from contracts.diary import DIARY_EVENTS
from contracts.enrollment import ENROLLMENT_EVENTS
from contracts.envelope import Envelope
from contracts.journal import JOURNAL_EVENTS
from contracts.personal import wire_schema
from contracts.portal import PORTAL_EVENTS

ALL_EVENTS = JOURNAL_EVENTS + ENROLLMENT_EVENTS + DIARY_EVENTS + PORTAL_EVENTS + AUDIT_EVENTS


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for the envelope and every event at its current version."""
    documents: dict[str, dict[str, Any]] = {"envelope.json": Envelope.model_json_schema()}
    for model in ALL_EVENTS:
        schema = wire_schema(model.event_type, model.model_json_schema())
        schema["x-event-type"] = model.event_type
        schema["x-schema-version"] = model.schema_version
        documents[f"{model.event_type}.v{model.schema_version}.json"] = schema
    return documents


def asyncapi() -> dict[str, Any]:
    """An AsyncAPI 2.6 document of the streams: channels, headers and every message's payload."""
    messages = {
        model.__name__: {
            "name": model.event_type,
            "title": model.__name__,
            "summary": (model.__doc__ or "").strip().splitlines()[0],
            "headers": {"$ref": "#/components/schemas/Headers"},
            "payload": {"$ref": f"#/components/schemas/{model.__name__}"},
            "x-schema-version": model.schema_version,
        }
        for model in ALL_EVENTS
    }
    schemas: dict[str, Any] = {"Headers": _HEADERS, "Envelope": Envelope.model_json_schema()}
    for model in ALL_EVENTS:
        schemas[model.__name__] = wire_schema(
            model.event_type, model.model_json_schema(ref_template="#/components/schemas/{model}")
        )
    return {
        "asyncapi": "2.6.0",
        "info": {
            "title": "School journal streams",
            "version": "1.0.0",
            "description": _DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "channels": {
            "jrn.{year}.{school}.{class}.{kind}.{id}": _channel(
                "Stream JOURNAL: one aggregate per subject; the body is an Envelope whose "
                "`data` is the payload named by the Event-Type header.",
                _PARAMETERS,
                JOURNAL_EVENTS,
            ),
            "enr.{school}.{kind}.{id}": _channel(
                "Stream ENROLLMENT (school side): kind pupil = the portal access to one pupil's "
                "diary (applications, their check and decision, links and their end); kind "
                "staff = a member of staff's portal UID.",
                _ENROLLMENT_PARAMETERS,
                ENROLLMENT_EVENTS,
            ),
            "dry.{year}.{school}.{kind}.{id}": _channel(
                "Stream DIARY (written by the exporter only, no personal data): records "
                "(kind school | class | lesson | period-marks | staff, period-marks with id "
                "`<class>--<subject>`, staff = the directory of teachers by surname and "
                "initials, id = the school) of a batch, then the batch's manifest (kind batch), "
                "and "
                "access grants (kind grant, id = the portal UID).",
                _DIARY_PARAMETERS,
                DIARY_EVENTS,
            ),
            "prt.{school}.{kind}.{id}": _channel(
                "Stream PORTAL (written by the diary, portal side, no names): kind thread = "
                "one message thread (its start with the participants by portal UID and pupil "
                "pseudonym, its messages with their recipients, read positions); kind user = "
                "one portal user's own data (the label others see them by, the labels they give "
                "their children, how far they have seen the changes of each child's diary).",
                _PORTAL_PARAMETERS,
                PORTAL_EVENTS,
            ),
            "aud.{school}.anchor.{day}": _channel(
                "Stream AUDIT (written by the audit service): one signed DailyAnchor per "
                "school, audited stream and local day (Europe/Moscow); `day` is "
                "`<stream-lowercase>-<yyyymmdd>`. Published once: Nats-Msg-Id is the subject "
                "and the expected last subject sequence is 0.",
                _AUDIT_PARAMETERS,
                AUDIT_EVENTS,
            ),
        },
        "components": {"messages": messages, "schemas": _hoist_defs(schemas)},
    }


def _channel(
    description: str, parameters: dict[str, Any], models: tuple[type[Event], ...]
) -> dict[str, Any]:
    """One channel of the document, carrying `models`."""
    return {
        "description": description,
        "parameters": parameters,
        "subscribe": {
            "message": {"oneOf": [{"$ref": f"#/components/messages/{m.__name__}"} for m in models]}
        },
    }


def _hoist_defs(schemas: dict[str, Any]) -> dict[str, Any]:
    """Move every model's nested `$defs` up to components, where its `$ref`s point."""
    hoisted: dict[str, Any] = {}
    for name, schema in schemas.items():
        hoisted.update(schema.pop("$defs", {}))
        hoisted[name] = schema
    return hoisted


_DESCRIPTION = (
    "Every change is an immutable event on NATS JetStream. Subjects carry ids only, never "
    "personal data. Writers publish with Nats-Expected-Last-Subject-Sequence (optimistic "
    "concurrency per subject), Nats-Msg-Id (the command id: a retry records once) and "
    "Prev-Hash (SHA-256 chain per subject). Old payload versions are upcast on read."
)
_TOKEN = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}
_PARAMETERS = {
    "year": {"description": "first calendar year of the school year", "schema": _TOKEN},
    "school": {"description": "school id", "schema": _TOKEN},
    "class": {"description": "class id, or `school` for school-wide aggregates", "schema": _TOKEN},
    "kind": {"description": "school | staff | pupil | class | lesson", "schema": _TOKEN},
    "id": {"description": "aggregate id", "schema": _TOKEN},
}
_ENROLLMENT_PARAMETERS = {
    "school": _PARAMETERS["school"],
    "kind": {"description": "pupil | staff", "schema": _TOKEN},
    "id": {"description": "pupil id or staff id", "schema": _TOKEN},
}
_DIARY_PARAMETERS = {
    "year": _PARAMETERS["year"],
    "school": _PARAMETERS["school"],
    "kind": {
        "description": "school | class | lesson | period-marks | staff | batch | grant",
        "schema": _TOKEN,
    },
    "id": {"description": "record, batch or grant id", "schema": _TOKEN},
}
_PORTAL_PARAMETERS = {
    "school": _PARAMETERS["school"],
    "kind": {"description": "thread or user", "schema": _TOKEN},
    "id": {"description": "thread id, or the portal UID", "schema": _TOKEN},
}
_AUDIT_PARAMETERS = {
    "school": _PARAMETERS["school"],
    "day": {"description": "audited stream and day, e.g. journal-20260901", "schema": _TOKEN},
}
_HEADERS = {
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
