"""Projectors of the journal's and the enrollment's streams, wired as the services wire them,
for tests that drive a projection by hand (drain, close, rebuild)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from contracts.registry import ENROLLMENT_REGISTRY, JOURNAL_REGISTRY
from contracts.streams import ENROLLMENT, JOURNAL
from services.common.projector import Projector

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from services.common.db import Pool
    from services.common.projector import Projection


def journal_projector(
    js: JetStreamContext,
    pool: Pool,
    projection: Projection,
    *,
    cls: type[Projector] = Projector,
    **options: Any,
) -> Projector:
    """`projection` fed from every subject of the JOURNAL stream into `pool`'s schema;
    `options` are the projector's own (batch size, fetch timeout, keys)."""
    return cls(
        js,
        pool,
        stream=JOURNAL.name,
        filter_subject=JOURNAL.subjects[0],
        registry=JOURNAL_REGISTRY,
        projection=projection,
        **options,
    )


def enrollment_projector(
    js: JetStreamContext,
    pool: Pool,
    projection: Projection,
    *,
    cls: type[Projector] = Projector,
    **options: Any,
) -> Projector:
    """`projection` fed from every subject of the ENROLLMENT stream into `pool`'s schema."""
    return cls(
        js,
        pool,
        stream=ENROLLMENT.name,
        filter_subject=ENROLLMENT.subjects[0],
        registry=ENROLLMENT_REGISTRY,
        projection=projection,
        **options,
    )
