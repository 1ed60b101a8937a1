"""What the published JSON Schemas say of personal data (`contracts.personal`): an event's
schema as the message really carries it, with its personal fields sealed and its texts that
name a pupil sealed beside their redacted form."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from contracts.personal import NAMED, PERSONAL, SEALED

NAMED_IN: Final = ("journal.",)
"""The event types (by prefix) whose free texts are sealed when they name a pupil: the
journal's, where teachers type."""

SEALED_SCHEMA: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "type": "object",
        "description": "the personal fields, encrypted under one person's key (crypto-shredding)",
        "properties": {
            "key": {"type": "string", "description": "the key's id: <school>/<kind>/<person>"},
            "box": {
                "type": "string",
                "description": "base64 of a 12-byte nonce and the AES-256-GCM ciphertext of the "
                "personal fields as a JSON object (associated data: `<event_type>|<key>`)",
            },
        },
        "required": ["key", "box"],
        "additionalProperties": False,
    }
)


NAMED_SCHEMA: Final[Mapping[str, Any]] = MappingProxyType(
    {
        "type": "array",
        "description": "the free texts that name a pupil, as typed, each sealed under the key of "
        "every pupil it names; in its field the text reads with each mention replaced by "
        "«[ученик]»",
        "items": {
            "type": "object",
            "properties": {
                "at": {
                    "type": "array",
                    "items": {"type": ["string", "integer"]},
                    "description": "where the text is in the payload: field names, list indices",
                },
                "keys": {
                    "type": "array",
                    "items": {"type": "string"},
                    "minItems": 1,
                    "description": "the named pupils' key ids, innermost layer first",
                },
                "box": {
                    "type": "string",
                    "description": "base64 of the text sealed under each key in turn (each "
                    "layer a 12-byte nonce and the AES-256-GCM ciphertext; associated data "
                    "`<event_type>|<the steps of at joined by '/'>|<key>`)",
                },
            },
            "required": ["at", "keys", "box"],
            "additionalProperties": False,
        },
    }
)


def may_name_pupils(event_type: str, has_free_texts: bool) -> bool:
    """Whether the event's payload may carry `NAMED` texts."""
    return has_free_texts and event_type.startswith(NAMED_IN)


def wire_schema(
    event_type: str, schema: dict[str, Any], *, has_free_texts: bool = False
) -> dict[str, Any]:
    """An event model's JSON Schema as the message really carries it: personal fields sealed,
    and (`has_free_texts`) the texts that name a pupil sealed beside their redacted form."""
    if may_name_pupils(event_type, has_free_texts):
        schema = {**schema, "properties": {**schema["properties"], NAMED: dict(NAMED_SCHEMA)}}
    personal = PERSONAL.get(event_type)
    if personal is None:
        return schema
    properties = {k: v for k, v in schema["properties"].items() if k not in personal.fields}
    properties[SEALED] = dict(SEALED_SCHEMA)
    required = [k for k in schema.get("required", []) if k not in personal.fields]
    return {**schema, "properties": properties, "required": [*required, SEALED]}
