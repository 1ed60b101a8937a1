"""The school side's key store: one key per person, destroyed to erase them (crypto-shredding).

Writers (the journal, enrollment) ask for a person's key when an event carries their data and
seal it (`seal_payload`); readers (every school-side projection, the audit, a command folding a
history) take a `KeyRing` of the keys a batch of payloads needs, in one query. The diary (the
portal side) is never given a key store, so a sealed payload there is refused, not read.

The store is its own PostgreSQL schema (`keystore`), in a database of its own in production,
backed up with the installation: see the README, "Personal data and erasure".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from contracts.personal import (
    PERSONAL,
    SEALED,
    Opener,
    PersonKind,
    keep_sealed,
    key_id,
    sealed_key,
)
from services.common.db import create_pool, migrate
from services.common.sealing import KeyRing, new_key, seal
from services.common.settings import KeyStoreSettings

if TYPE_CHECKING:
    from nats.aio.msg import Msg

    from contracts.base import Event
    from services.common.db import Pool
    from services.common.eventstore import StoredEvent

KEYSTORE_MIGRATIONS = Path(__file__).parent / "keystore_migrations"
_SEALED_MARK = f'"{SEALED}"'.encode()


class PersonErased(Exception):
    """New personal data for a person whose data was erased: refused, never sealed anew."""

    def __init__(self, key: str) -> None:
        super().__init__(f"the personal data of {key} was erased")
        self.key = key


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A key of the store, without the key: whose, and whether it is destroyed."""

    key_id: str
    kind: PersonKind
    person: str
    destroyed: bool


@dataclass(frozen=True, slots=True)
class Erasure:
    """A destroyed key: whose, when, by whom and why."""

    key_id: str
    kind: PersonKind
    person: str
    erased_at: dt.datetime
    erased_by: str
    reason: str


class KeySource(Protocol):
    """What a reader needs: an opener for the sealed payloads of some key ids."""

    async def ring(self, key_ids: Iterable[str]) -> Opener:
        """An opener for payloads sealed under `key_ids`."""
        ...


class _KeepSealed:
    """A key source for readers that keep payloads sealed (`contracts.personal.keep_sealed`)."""

    async def ring(self, key_ids: Iterable[str]) -> Opener:
        """The opener that does not open."""
        return keep_sealed


KEEP_SEALED: KeySource = _KeepSealed()
"""For the audit's log: it stores every payload as written and opens names only to show them."""


class KeyStore(Protocol):
    """Keys by person; `ring` for readers, `sealing_key` for writers, `erase` to destroy."""

    async def sealing_key(
        self, school: str, kind: PersonKind, person: str, *, pupil: str | None = None
    ) -> tuple[str, bytes]:
        """The person's key (made on first use), or `PersonErased`."""
        ...

    async def ring(self, key_ids: Iterable[str]) -> KeyRing:
        """The keys of `key_ids` that the store knows (None for a destroyed one)."""
        ...

    async def erase(
        self, school: str, kind: PersonKind, person: str, *, by: str, reason: str
    ) -> list[Erasure]:
        """Destroy the person's key (a pupil's: with their applicants' keys); the destroyed
        keys, including those destroyed before (erasing twice changes nothing)."""
        ...

    async def keys_of(self, school: str, kind: PersonKind, person: str) -> list[KeyInfo]:
        """The keys `erase` would destroy (the person's, a pupil's applicants'), by key id."""
        ...

    async def destroyed(self, school: str, kind: PersonKind) -> frozenset[str]:
        """The people of the kind whose own key is destroyed."""
        ...


async def seal_payload(keys: KeyStore, school: str, event: Event) -> dict[str, Any]:
    """An event's payload as it goes on the wire: personal fields sealed under the person's key."""
    payload = event.model_dump(mode="json")
    personal = PERSONAL.get(event.event_type)
    if personal is None:
        return payload
    pupil = payload.get("pupil_id") if personal.kind == "applicant" else None
    kid, key = await keys.sealing_key(
        school, personal.kind, str(payload[personal.person_field]), pupil=pupil
    )
    return seal(event.event_type, payload, kid, key)


async def ring_for_history(keys: KeyStore, events: Sequence[StoredEvent]) -> KeyRing:
    """The keys an aggregate's history needs to be folded (no query when none is sealed)."""
    wanted = keys_of_payloads(e.envelope.data for e in events)
    return await keys.ring(wanted) if wanted else KeyRing()


async def ring_for_messages(keys: KeySource | None, msgs: Sequence[Msg]) -> Opener | None:
    """The keys a batch of stream messages needs (no query when none is sealed); None for a
    reader without a key store, which then refuses sealed payloads."""
    if keys is None:
        return None
    wanted = keys_of_bodies(m.data for m in msgs)
    return await keys.ring(wanted) if wanted else None


def keys_of_payloads(payloads: Iterable[Mapping[str, Any]]) -> set[str]:
    """The key ids sealed payloads need."""
    return {k for p in payloads if (k := sealed_key(p)) is not None}


def keys_of_bodies(bodies: Iterable[bytes]) -> set[str]:
    """The key ids needed by raw message bodies (envelopes); only a body that mentions a sealed
    object is parsed, so a batch without one costs a substring search per message."""
    found: set[str] = set()
    for body in bodies:
        if _SEALED_MARK in body:
            try:
                data = json.loads(body).get("data", {})
            except (ValueError, AttributeError):
                continue  # the decoder names what is wrong with it
            if isinstance(data, dict) and (k := sealed_key(data)) is not None:
                found.add(k)
    return found


class PgKeyStore:
    """The key store in PostgreSQL."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    @classmethod
    async def open(cls, settings: KeyStoreSettings) -> PgKeyStore:
        """A store on its own small pool, its schema migrated."""
        pool = await create_pool(
            settings.dsn,
            settings.schema_name,
            max_size=4,
            connect_timeout=settings.connect_timeout_seconds,
        )
        await migrate(pool, settings.schema_name, KEYSTORE_MIGRATIONS)
        return cls(pool)

    async def close(self) -> None:
        """Close the pool."""
        await self._pool.close()

    @classmethod
    @contextlib.asynccontextmanager
    async def at(cls, dsn: str) -> AsyncIterator[PgKeyStore]:
        """The key store in `dsn`'s database (schema `keystore`), closed on exit: for tools that
        write or read events outside a service (loaders, benchmarks, tests)."""
        keys = await cls.open(KeyStoreSettings(dsn=dsn))
        try:
            yield keys
        finally:
            await keys.close()

    async def sealing_key(
        self, school: str, kind: PersonKind, person: str, *, pupil: str | None = None
    ) -> tuple[str, bytes]:
        """The person's key (made on first use), or `PersonErased`."""
        kid = key_id(school, kind, person)
        async with self._pool.acquire() as conn:
            if pupil is not None and await conn.fetchval(_ERASED, key_id(school, "pupil", pupil)):
                raise PersonErased(key_id(school, "pupil", pupil))  # their applicants go too
            row = await conn.fetchrow(_KEY_FOR_WRITING, kid, school, kind, person, pupil, new_key())
        if row is None or row["key"] is None:  # no row: erased and purged by hand
            raise PersonErased(kid)
        return kid, bytes(row["key"])

    async def ring(self, key_ids: Iterable[str]) -> KeyRing:
        """The keys of `key_ids` that the store knows (None for a destroyed one)."""
        wanted = sorted(set(key_ids))
        if not wanted:
            return KeyRing()
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_KEYS, wanted)
        return KeyRing({r["key_id"]: None if r["key"] is None else bytes(r["key"]) for r in rows})

    async def erase(
        self, school: str, kind: PersonKind, person: str, *, by: str, reason: str
    ) -> list[Erasure]:
        """Destroy the person's key (a pupil's: with their applicants' keys)."""
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute(_ERASE, school, kind, person, by, reason)
            rows = await conn.fetch(_ERASED_OF, school, kind, person)
        return [_erasure(r) for r in rows]

    async def keys_of(self, school: str, kind: PersonKind, person: str) -> list[KeyInfo]:
        """The keys `erase` would destroy (the person's, a pupil's applicants'), by key id."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_KEYS_OF, school, kind, person)
        return [KeyInfo(r["key_id"], r["kind"], r["person"], r["destroyed"]) for r in rows]

    async def destroyed(self, school: str, kind: PersonKind) -> frozenset[str]:
        """The people of the kind whose own key is destroyed."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_DESTROYED, school, kind)
        return frozenset(r["person"] for r in rows)

    async def erasures(self, school: str) -> list[Erasure]:
        """Every key destroyed in the school, oldest first."""
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_ERASURES, school)
        return [_erasure(r) for r in rows]


def _erasure(row: Any) -> Erasure:  # noqa: ANN401 - an asyncpg record
    return Erasure(
        row["key_id"], row["kind"], row["person"], row["erased_at"], row["erased_by"], row["reason"]
    )


# Insert-or-read in one statement: concurrent first uses of a key agree on one key.
_KEY_FOR_WRITING = """
WITH made AS (
    INSERT INTO person_keys (key_id, school, kind, person, pupil, key)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (key_id) DO NOTHING
    RETURNING key
)
SELECT key FROM made
UNION ALL
SELECT key FROM person_keys WHERE key_id = $1 AND NOT EXISTS (SELECT 1 FROM made)
"""
_KEYS = "SELECT key_id, key FROM person_keys WHERE key_id = ANY($1::text[])"
_ERASED = "SELECT erased_at IS NOT NULL FROM person_keys WHERE key_id = $1"
_WHOSE = "school = $1 AND ((kind = $2 AND person = $3) OR ($2 = 'pupil' AND pupil = $3))"
_ERASE = f"""
UPDATE person_keys SET key = NULL, erased_at = now(), erased_by = $4, erase_reason = $5
WHERE {_WHOSE} AND key IS NOT NULL
"""  # noqa: S608 - a constant condition, values are parameters
_KEYS_OF = f"""
SELECT key_id, kind, person, key IS NULL AS destroyed FROM person_keys WHERE {_WHOSE}
ORDER BY key_id
"""  # noqa: S608 - a constant condition, values are parameters
_DESTROYED = "SELECT person FROM person_keys WHERE school = $1 AND kind = $2 AND key IS NULL"
_ERASED_OF = f"""
SELECT key_id, kind, person, erased_at, erased_by, erase_reason AS reason
FROM person_keys WHERE {_WHOSE} AND erased_at IS NOT NULL ORDER BY key_id
"""  # noqa: S608 - a constant condition, values are parameters
_ERASURES = """
SELECT key_id, kind, person, erased_at, erased_by, erase_reason AS reason
FROM person_keys WHERE school = $1 AND erased_at IS NOT NULL ORDER BY erased_at, key_id
"""


class InMemoryKeyStore:
    """The same contract in memory, for service-layer tests."""

    def __init__(self) -> None:
        self._keys: dict[str, bytes | None] = {}
        self._owners: dict[str, tuple[str, PersonKind, str, str | None]] = {}
        self._erased: dict[str, Erasure] = {}

    async def sealing_key(
        self, school: str, kind: PersonKind, person: str, *, pupil: str | None = None
    ) -> tuple[str, bytes]:
        """The person's key (made on first use), or `PersonErased`."""
        kid = key_id(school, kind, person)
        if pupil is not None and self._keys.get(key_id(school, "pupil", pupil), b"") is None:
            raise PersonErased(key_id(school, "pupil", pupil))
        if kid not in self._keys:
            self._keys[kid] = new_key()
            self._owners[kid] = (school, kind, person, pupil)
        key = self._keys[kid]
        if key is None:
            raise PersonErased(kid)
        return kid, key

    async def ring(self, key_ids: Iterable[str]) -> KeyRing:
        """The keys of `key_ids` that the store knows (None for a destroyed one)."""
        return KeyRing({k: self._keys[k] for k in key_ids if k in self._keys})

    async def erase(
        self, school: str, kind: PersonKind, person: str, *, by: str, reason: str
    ) -> list[Erasure]:
        """Destroy the person's key (a pupil's: with their applicants' keys)."""
        now = dt.datetime.now(dt.UTC)
        mine = sorted(
            kid for kid, owner in self._owners.items() if _whose(owner, school, kind, person)
        )
        for kid in mine:
            if kid not in self._erased:
                _, k, p, _ = self._owners[kid]
                self._keys[kid] = None
                self._erased[kid] = Erasure(kid, k, p, now, by, reason)
        return [self._erased[kid] for kid in mine]

    async def keys_of(self, school: str, kind: PersonKind, person: str) -> list[KeyInfo]:
        """The keys `erase` would destroy (the person's, a pupil's applicants'), by key id."""
        return [
            KeyInfo(kid, owner[1], owner[2], self._keys[kid] is None)
            for kid, owner in sorted(self._owners.items())
            if _whose(owner, school, kind, person)
        ]

    async def destroyed(self, school: str, kind: PersonKind) -> frozenset[str]:
        """The people of the kind whose own key is destroyed."""
        return frozenset(
            p
            for kid, (s, k, p, _) in self._owners.items()
            if (s, k) == (school, kind) and self._keys[kid] is None
        )


def _whose(
    owner: tuple[str, PersonKind, str, str | None], school: str, kind: str, person: str
) -> bool:
    """Whether a key is the person's, or (erasing a pupil) one of their applicants'."""
    s, k, p, pupil = owner
    return s == school and ((k == kind and p == person) or (kind == "pupil" and pupil == person))
