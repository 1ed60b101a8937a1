"""Connecting to NATS and provisioning streams idempotently from `contracts.streams`."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, cast

import nats.errors
import structlog
from nats.aio.client import Client
from nats.js import api
from nats.js.errors import BucketNotFoundError, NotFoundError

from contracts.streams import BUCKETS, KEY_VALUE_BUCKETS, StreamSpec, stream_config
from services.common.nats_headers import is_plain, plain_headers
from services.common.patience import WAITS_FOR_RECONNECT
from services.common.settings import NatsSettings

if TYPE_CHECKING:
    from nats.aio.msg import Msg
    from nats.js import JetStreamContext
    from nats.js.kv import KeyValue
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


_log = structlog.get_logger(__name__)


class ServiceConnection(Client):
    """A connection on which an HTTP request does not wait for a lost server.

    While the connection is being re-established, nats-py buffers a request and waits for its
    answer until the JetStream timeout: every request of a web page meeting an outage would
    hang for that long before its 503 (and longer when the event loop is busy). A caller that
    does not wait for the reconnection (`services.common.patience.WAITS_FOR_RECONNECT`: the
    HTTP path) is refused at once instead; background work still buffers and waits.

    Message headers are parsed without nats-py's step per character
    (`services.common.nats_headers`), to the same dictionaries: a replay reads hundreds of
    thousands of them.
    """

    async def _process_headers(self, headers: bytes | None) -> dict[str, str] | None:
        if is_plain(headers):
            return plain_headers(cast("bytes", headers))
        parsed: dict[str, str] | None = await super()._process_headers(headers)
        return parsed

    async def request(
        self,
        subject: str,
        payload: bytes = b"",
        timeout: float = 0.5,  # noqa: ASYNC109 - nats-py's signature
        old_style: bool = False,
        headers: dict[str, Any] | None = None,
    ) -> Msg:
        if not self.is_connected and not self.is_closed and not WAITS_FOR_RECONNECT.get():
            raise nats.errors.ConnectionReconnectingError
        return await super().request(
            subject, payload, timeout=timeout, old_style=old_style, headers=headers
        )


async def connect(
    url: str,
    *,
    name: str,
    settings: NatsSettings | None = None,
    connection: Client | None = None,
) -> Client:
    """A NATS connection that keeps reconnecting (forever, with a short pause) rather than
    giving up, buffers at most `pending_bytes` meanwhile (a publish beyond fails at once; an
    HTTP request's call fails at once, see `ServiceConnection`), and logs a lost connection in
    one line per event instead of nats-py's traceback per attempt.

    `connection` is the client to connect (a `ServiceConnection` unless given: a benchmark's
    baseline connects nats-py's own `Client`)."""
    config = settings or NatsSettings(url=url)
    connection = ServiceConnection() if connection is None else connection

    async def disconnected() -> None:
        # A connection closed on purpose (drained at the end of a command) is no warning; a
        # lost one is (nats-py calls this in both cases; only a lost one is not closed yet).
        if connection.is_closed:
            _log.info("nats.closed", connection=name)
        else:
            _log.warning("nats.disconnected", connection=name)

    async def reconnected() -> None:
        _log.info("nats.reconnected", connection=name)

    async def failed(error: Exception) -> None:
        _log.warning("nats.error", connection=name, error=f"{type(error).__name__}: {error}")

    await connection.connect(
        servers_of(url),
        name=name,
        max_reconnect_attempts=-1,
        # nats-py annotates it as int, but sleeps for it as given: half a second is meant.
        reconnect_time_wait=config.reconnect_wait_seconds,  # type: ignore[arg-type]
        connect_timeout=5,
        pending_size=config.pending_bytes,
        error_cb=failed,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
    )
    return connection


def servers_of(url: str) -> list[str]:
    """The servers of a URL setting: one, or a cluster's several separated by commas."""
    return [server.strip() for server in url.split(",") if server.strip()]


async def close(nc: Client) -> None:
    """Drain the connection (in-flight work finishes); when the server is gone, just close it,
    so a service stopping during an outage still stops cleanly."""
    try:
        await nc.drain()
    except (nats.errors.Error, TimeoutError) as error:
        _log.warning("nats.closed_without_drain", error=f"{type(error).__name__}: {error}")
        with contextlib.suppress(nats.errors.Error, OSError):  # the socket may be gone already
            await nc.close()


def jetstream(nc: Client, settings: NatsSettings) -> JetStreamContext:
    """JetStream whose calls wait at most `request_timeout_seconds` for their answer."""
    return nc.jetstream(timeout=settings.request_timeout_seconds)


def _as_nats_config(spec: StreamSpec, replicas: int) -> api.StreamConfig:
    fields: dict[str, Any] = dict(stream_config(spec, replicas=replicas))
    fields["storage"] = api.StorageType(fields["storage"])
    fields["retention"] = api.RetentionPolicy(fields["retention"])
    fields["discard"] = api.DiscardPolicy(fields["discard"])
    return api.StreamConfig(**fields)


async def ensure_stream(
    js: JetStreamContext, spec: StreamSpec, *, replicas: int = 1
) -> api.StreamInfo:
    """Create the stream with `replicas` copies, or bring the fields we manage back to the
    configuration in code. Replicas are only ever raised: a service started with a stale
    setting must not take copies away from a cluster's stream."""
    try:
        info = await js.stream_info(spec.name)
    except NotFoundError:
        return await js.add_stream(_as_nats_config(spec, replicas))
    current = info.config
    wanted = _as_nats_config(spec, max(replicas, current.num_replicas or 1))
    if wanted.num_replicas != current.num_replicas or any(
        getattr(current, f) != getattr(wanted, f) for f in _MANAGED
    ):
        return await js.update_stream(wanted)
    return info


async def _at_least(js: JetStreamContext, stream: str, replicas: int) -> None:
    """Raise a bucket's stream to `replicas` copies if it has fewer."""
    info = await js.stream_info(stream)
    if (info.config.num_replicas or 1) < replicas:
        info.config.num_replicas = replicas
        await js.update_stream(info.config)


async def open_bucket(js: JetStreamContext, bucket: str, *, replicas: int = 1) -> ObjectStore:
    """The Object Store bucket, created on first use (file storage, never expiring, `replicas`
    copies; an existing bucket with fewer is raised to it)."""
    try:
        store = await js.object_store(bucket)
    except BucketNotFoundError:
        config = api.ObjectStoreConfig(
            description=BUCKETS.get(bucket, ""), storage=api.StorageType.FILE, replicas=replicas
        )
        return await js.create_object_store(bucket, config=config)
    await _at_least(js, f"OBJ_{bucket}", replicas)
    return store


async def open_key_value(
    js: JetStreamContext, bucket: str, *, max_age_seconds: float, replicas: int = 1
) -> KeyValue:
    """The Key-Value bucket, created on first use: one value per key (history 1), file storage,
    every value dropped `max_age_seconds` after it was written, `replicas` copies. An existing
    bucket gets the max age given, since the setting may change between deployments, and at
    least the replicas (the rest is left alone)."""
    try:
        info = await js.stream_info(f"KV_{bucket}")
    except NotFoundError:
        config = api.KeyValueConfig(
            bucket=bucket,
            description=KEY_VALUE_BUCKETS.get(bucket, ""),
            history=1,
            ttl=max_age_seconds,
            storage=api.StorageType.FILE,
            direct=True,
            replicas=replicas,
        )
        return await js.create_key_value(config)
    if (
        round(info.config.max_age or 0.0, 3) != round(max_age_seconds, 3)
        or (info.config.num_replicas or 1) < replicas
    ):
        info.config.max_age = max_age_seconds
        info.config.num_replicas = max(replicas, info.config.num_replicas or 1)
        await js.update_stream(info.config)
    return await js.key_value(bucket)
