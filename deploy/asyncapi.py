"""The AsyncAPI document of the streams, from FastStream's generator over the real subscribers.

Each service's live subscriptions are declared on a broker of its own exactly as the running
service declares them (its projectors' `declare_live`, the exporter's enrollment notices), built
by the services' own factories on a NATS client that never connects; FastStream's generator then
reads the channels, their bindings and the payload schemas (the contracts', through
`contracts.docs.stream_message_schema`) off those subscribers.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, cast

from faststream.specification import AsyncAPI
from nats.aio.client import Client

from contracts.docs import STREAMS_DESCRIPTION
from contracts.envelope import HEADER_CORRELATION_ID
from services.audit.bootstrap import projectors_for as audit_projectors
from services.common.broker import ServiceBroker
from services.common.keystore_memory import InMemoryKeyStore
from services.diary.bootstrap import messages_projector_for
from services.diary.bootstrap import projector_for as diary_projector
from services.enrollment.bootstrap import projectors_for as enrollment_projectors
from services.exporter.adapters.enrollment_notices import declare_enrollment_notices
from services.journal.bootstrap import projector_for as journal_projector

if TYPE_CHECKING:
    from services.common.db import Pool
    from services.common.projector import Projector

ASYNCAPI_VERSION = "2.6.0"
"""The specification version of the document (FastStream also writes 3.0.0)."""
DOCUMENT_VERSION = "2.0.0"
"""This document's own version: 2 since it is generated from the subscribers."""
_NO_POOL = cast("Pool", object())
"""The projectors' pool: a declaration never queries it (nor anything else)."""


def asyncapi() -> dict[str, Any]:
    """The AsyncAPI document of every service's live subscriptions (no I/O)."""
    js = Client().jetstream()
    keys = InMemoryKeyStore()
    exporter = ServiceBroker()
    declare_enrollment_notices(exporter, asyncio.Event())
    brokers = (
        _broker_of(journal_projector(js, _NO_POOL, keys)),
        _broker_of(*enrollment_projectors(js, _NO_POOL, _NO_POOL, keys, view_schema="view")),
        _broker_of(diary_projector(js, _NO_POOL), messages_projector_for(js, _NO_POOL)),
        _broker_of(*audit_projectors(js, _NO_POOL)),
        exporter,
    )
    document = AsyncAPI(
        *brokers,
        title="School journal streams",
        version=DOCUMENT_VERSION,
        description=STREAMS_DESCRIPTION,
        schema_version=ASYNCAPI_VERSION,
    )
    jsonable: dict[str, Any] = document.to_specification().to_jsonable()
    return _our_correlation_header(jsonable)


def _our_correlation_header(document: dict[str, Any]) -> dict[str, Any]:
    """The messages' correlation id where our events carry it: FastStream names its own header
    (`correlation_id`), which our publishers never set."""
    location = {"location": f"$message.header#/{HEADER_CORRELATION_ID}"}
    for message in document.get("components", {}).get("messages", {}).values():
        if "correlationId" in message:
            message["correlationId"] = location
    return document


def _broker_of(*projectors: Projector) -> ServiceBroker:
    """A broker (never connected) with the live subscriptions of one service's projectors."""
    broker = ServiceBroker()
    for projector in projectors:
        projector.declare_live(broker)
    return broker
