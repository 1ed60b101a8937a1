"""The key store in memory (`services.common.keystore.KeyStore`): for service-layer tests
and for building the services' declarations without a database (the AsyncAPI document)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from contracts.personal import PersonKind, key_id
from services.common.keystore import Erasure, KeyInfo, PersonErased
from services.common.sealing import KeyRing, new_key


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

    async def sealing_keys(
        self, school: str, kind: PersonKind, people: Sequence[str]
    ) -> list[tuple[str, bytes]]:
        """`sealing_key` of each person, in order; or `PersonErased`."""
        return [await self.sealing_key(school, kind, person) for person in people]

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
