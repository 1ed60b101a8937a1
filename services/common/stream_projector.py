"""A service's projector on one whole stream, as every service wires its read models: the
stream's name, its subjects (`<prefix>.>`) as the filter, and the registry of its events."""

from __future__ import annotations

from nats.js import JetStreamContext

from contracts.registry import Registry
from contracts.streams import StreamSpec
from services.common.db import Pool
from services.common.keystore import KeySource
from services.common.projector import Projection, Projector


def stream_projector(
    js: JetStreamContext,
    pool: Pool,
    stream: StreamSpec,
    registry: Registry,
    projection: Projection,
    keys: KeySource | None = None,
) -> Projector:
    """`projection` fed with every event of `stream` (decoded by `registry`) into `pool`'s
    schema; `keys` opens sealed personal data (None: a stream that carries none)."""
    return Projector(
        js,
        pool,
        stream=stream.name,
        filter_subject=stream.subjects[0],
        registry=registry,
        projection=projection,
        keys=keys,
    )
