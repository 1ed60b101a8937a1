"""The key store in PostgreSQL (`services.common.keystore.KeyStore`): its own schema
(`keystore`, migrations in `keystore_migrations`), in a database of its own in production."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contracts.personal import PersonKind, key_id
from services.common.db import create_pool, migrate
from services.common.keystore import Erasure, KeyInfo, PersonErased
from services.common.sealing import KeyRing, new_key
from services.common.settings import KeyStoreSettings

if TYPE_CHECKING:
    from services.common.db import Pool

KEYSTORE_MIGRATIONS = Path(__file__).parent / "keystore_migrations"


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
            if row is None:
                # A concurrent first use inserted the key after this statement's snapshot was
                # taken (ON CONFLICT waited for it to commit): a new statement sees it.
                row = await conn.fetchrow(_KEY, kid)
        if row is None or row["key"] is None:  # no row: erased and purged by hand
            raise PersonErased(kid)
        return kid, bytes(row["key"])

    async def sealing_keys(
        self, school: str, kind: PersonKind, people: Sequence[str]
    ) -> list[tuple[str, bytes]]:
        """`sealing_key` of each person (no applicants), in order, on one connection: read in
        one statement (a registered person has a key), the missing ones made and read again."""
        kids = [key_id(school, kind, person) for person in people]
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_KEYS, kids)
            if len(rows) < len(kids):
                fresh = [new_key() for _ in kids]
                await conn.execute(_MAKE_KEYS, kids, school, kind, list(people), fresh)
                rows = await conn.fetch(_KEYS, kids)
        found = {r["key_id"]: r["key"] for r in rows}
        for kid in kids:
            if found.get(kid) is None:  # destroyed, or (no row) erased and purged by hand
                raise PersonErased(kid)
        return [(kid, bytes(found[kid])) for kid in kids]

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
_MAKE_KEYS = """
INSERT INTO person_keys (key_id, school, kind, person, key)
SELECT * FROM (SELECT unnest($1::text[]), $2, $3, unnest($4::text[]), unnest($5::bytea[])) AS made
ON CONFLICT (key_id) DO NOTHING
"""
_KEYS = "SELECT key_id, key FROM person_keys WHERE key_id = ANY($1::text[])"
_KEY = "SELECT key FROM person_keys WHERE key_id = $1"
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
