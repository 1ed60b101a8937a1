"""Connecting to NATS and provisioning streams idempotently from `contracts.streams`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nats
from nats.js import api
from nats.js.errors import BucketNotFoundError, NotFoundError

from contracts.streams import BUCKETS, StreamSpec, stream_config

if TYPE_CHECKING:
    from nats.aio.client import Client
    from nats.js import JetStreamContext
    from nats.js.object_store import ObjectStore

# Fields we set; the server fills in the rest, so only these are compared on start-up.
_MANAGED = (
    "subjects",
    "storage",
    "retention",
    "discard",
    "deny_delete",
    "deny_purge",
    "allow_direct",
    "duplicate_window",
)


async def connect(url: str, *, name: str) -> Client:
    """A NATS connection that keeps reconnecting rather than giving up."""
    return await nats.connect(
        url, name=name, max_reconnect_attempts=-1, reconnect_time_wait=0.5, connect_timeout=5
    )


def _as_nats_config(spec: StreamSpec) -> api.StreamConfig:
    fields: dict[str, Any] = dict(stream_config(spec))
    fields["storage"] = api.StorageType(fields["storage"])
    fields["retention"] = api.RetentionPolicy(fields["retention"])
    fields["discard"] = api.DiscardPolicy(fields["discard"])
    return api.StreamConfig(**fields)


async def ensure_stream(js: JetStreamContext, spec: StreamSpec) -> api.StreamInfo:
    """Create the stream, or bring the fields we manage back to the configuration in code."""
    wanted = _as_nats_config(spec)
    try:
        info = await js.stream_info(spec.name)
    except NotFoundError:
        return await js.add_stream(wanted)
    current = info.config
    if any(getattr(current, f) != getattr(wanted, f) for f in _MANAGED):
        return await js.update_stream(wanted)
    return info


async def open_bucket(js: JetStreamContext, bucket: str) -> ObjectStore:
    """The Object Store bucket, created on first use (file storage, never expiring)."""
    try:
        return await js.object_store(bucket)
    except BucketNotFoundError:
        config = api.ObjectStoreConfig(
            description=BUCKETS.get(bucket, ""), storage=api.StorageType.FILE
        )
        return await js.create_object_store(bucket, config=config)
