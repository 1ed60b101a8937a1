"""The ledger of idempotency keys: the request each key was first sent with, for 48 hours.

The services recognise a retry by scanning the history of the aggregate the command goes to
(`services.common.idempotency`). That fails when the body, not the path, chooses the aggregate
(a new lesson by its date and slot, an application for the pupil named in the body, a new
thread): the same key sent with another body reaches an aggregate that never saw it, and only
JetStream's duplicate window (10 minutes) would notice. The ledger closes that gap in one place,
for every route: a JetStream Key-Value bucket (`IDEMPOTENCY_KEYS`, history 1, file storage,
entries expiring after `NatsSettings.idempotency_key_hours`, 48 h by default) maps the scoped
command id (hex, a valid KV key) to the fingerprint of the first request.

`bind` runs for every keyed command before the command itself: `create` binds a new key (it
fails when the key exists); an existing key is read and compared: the same fingerprint goes on
(the history scan then answers the retry, as before), another is refused with 422
`idempotency_key_reused`. So a key is bound to the first request it came with even when that
request is then refused (a malformed body, a domain rule, a conflict): a corrected request
needs a new key. Two concurrent copies of one request both pass here and JetStream's duplicate
window (the `Nats-Msg-Id`) keeps one, as before.

A NATS failure propagates (`services.common.outage` answers 503): the bucket is opened on the
service's JetStream context, whose request timeout bounds every call like the others on the
HTTP path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError

from contracts.streams import IDEMPOTENCY_KEYS_BUCKET
from services.common.idempotency import check_same_request
from services.common.jetstream import open_key_value

if TYPE_CHECKING:
    from nats.js import JetStreamContext
    from nats.js.kv import KeyValue

    from services.common.settings import NatsSettings

_ATTEMPTS = 2
"""A key read back may have expired since `create` failed: then it is free, bind it again."""
SECONDS_PER_HOUR = 3600


class JetStreamKeyLedger:
    """The ledger on a Key-Value bucket (`open_key_ledger` opens the shared one)."""

    def __init__(self, kv: KeyValue) -> None:
        self._kv = kv

    async def bind(self, command_id: str, fingerprint: str) -> None:
        """Bind `command_id` to `fingerprint` unless it is bound already; refuse it (422
        `idempotency_key_reused`) when it is bound to another request.

        A plain loop rather than tenacity's: it runs for every keyed request, and building the
        retry machinery cost more than the bucket's round trip (5% of a mark's CPU)."""
        for _ in range(_ATTEMPTS):
            try:
                await self._bind_once(command_id, fingerprint)
            except KeyNotFoundError:
                continue
            return
        # expired twice over: nothing to compare

    async def _bind_once(self, command_id: str, fingerprint: str) -> None:
        """One try; `KeyNotFoundError` when the key expired halfway (nats-py's own read-back
        after a failed `create`, or our `get`): it is free again."""
        try:
            await self._kv.create(command_id, fingerprint.encode())
        except KeyWrongLastSequenceError:
            entry = await self._kv.get(command_id)  # bound before: compare
            check_same_request((entry.value or b"").decode(), fingerprint)


class InMemoryKeyLedger:
    """The ledger in a dict, never expiring: for tests and apps without NATS."""

    def __init__(self) -> None:
        self.keys: dict[str, str] = {}

    async def bind(self, command_id: str, fingerprint: str) -> None:
        """As `JetStreamKeyLedger.bind`."""
        check_same_request(self.keys.setdefault(command_id, fingerprint), fingerprint)


async def open_key_ledger(js: JetStreamContext, settings: NatsSettings) -> JetStreamKeyLedger:
    """The shared ledger, its bucket created (or its max age set) from `settings` on the way.

    Every service that takes keys opens it at start: `js` must be the service's context with
    the short request timeout (`services.common.jetstream.jetstream`)."""
    max_age = settings.idempotency_key_hours * SECONDS_PER_HOUR
    kv = await open_key_value(
        js, IDEMPOTENCY_KEYS_BUCKET, max_age_seconds=max_age, replicas=settings.replicas
    )
    return JetStreamKeyLedger(kv)
