"""The school side's key store: one key per person, destroyed to erase them (crypto-shredding).

Writers (the journal, enrollment) ask for a person's key when an event carries their data and
seal it (`seal_payload`; the journal also seals each text that names a pupil,
`services.common.named_sealing`); readers (every school-side projection, the audit, a command
folding a history) take a `KeyRing` of the keys a batch of payloads needs, in one query. The
diary (the portal side) is never given a key store, so a sealed payload there is refused, not
read.

Here: what a store is (`KeyStore`, `KeySource`) and how writers and readers use one. The store
is its own PostgreSQL schema (`keystore`, `services.common.keystore_pg`), in a database of its
own in production, backed up with the installation: see the README, "Personal data and
erasure"; `services.common.keystore_memory` keeps the same contract in memory.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from contracts.personal import (
    NAMED,
    PERSONAL,
    Opener,
    PersonKind,
    keep_sealed,
    may_be_sealed,
    named_keys,
    sealed_key,
)
from services.common.sealing import KeyRing, seal

if TYPE_CHECKING:
    from nats.aio.msg import Msg

    from contracts.base import Event
    from services.common.eventstore import StoredEvent


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

    async def sealing_keys(
        self, school: str, kind: PersonKind, people: Sequence[str]
    ) -> list[tuple[str, bytes]]:
        """`sealing_key` of each person (no applicants), in order, in one round trip; or
        `PersonErased` for the first whose data was erased."""
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
    """The key ids sealed payloads need (their personal fields' and named texts')."""
    found: set[str] = set()
    for payload in payloads:
        found |= _keys_of(payload)
    return found


def _keys_of(payload: Mapping[str, Any]) -> set[str]:
    key = sealed_key(payload)
    named = named_keys(payload) if NAMED in payload else set()
    return named if key is None else {key, *named}


def keys_of_bodies(bodies: Iterable[bytes]) -> set[str]:
    """The key ids needed by raw message bodies (envelopes); only a body that mentions a sealed
    object is parsed, so a batch without one costs a substring search per message."""
    found: set[str] = set()
    for body in bodies:
        if may_be_sealed(body):
            try:
                data = json.loads(body).get("data", {})
            except (ValueError, AttributeError):
                continue  # the decoder names what is wrong with it
            if isinstance(data, dict):
                found |= _keys_of(data)
    return found
