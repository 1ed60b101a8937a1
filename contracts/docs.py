"""Generated documentation of the contracts: one JSON Schema per message (type and version).

Pure: returns documents; `deploy/gen_docs.py` writes them under `contracts/schemas/` and a test
fails when the checked-in files are stale.
"""

from __future__ import annotations

from typing import Any

from contracts.envelope import Envelope
from contracts.journal import JOURNAL_EVENTS


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for the envelope and every event at its current version."""
    documents: dict[str, dict[str, Any]] = {"envelope.json": Envelope.model_json_schema()}
    for model in JOURNAL_EVENTS:
        schema = model.model_json_schema()
        schema["x-event-type"] = model.event_type
        schema["x-schema-version"] = model.schema_version
        documents[f"{model.event_type}.v{model.schema_version}.json"] = schema
    return documents
