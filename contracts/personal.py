"""Personal data in events: which fields are a person's, and how they travel (sealed).

A pupil's and a parent's name, a birth date, a member of staff's name: kept forever in immutable
events, they could never be destroyed when their purpose ends (152-ФЗ). So they never travel in
the clear. On the wire an event of one of the types below carries, instead of its personal
fields, one object

    "sealed": {"key": "<school>/<kind>/<person>", "box": "<base64: nonce | AES-256-GCM ciphertext>"}

whose plaintext is the JSON object of those fields, encrypted under a key of that one person
(crypto-shredding). The keys live in the school side's key store (`services.common.keystore`);
destroying a person's key erases every copy of their data in every stream at once, without
rewriting a message: hash chains and signed anchors still verify.

The models keep their plaintext fields: a reader opens the payload before validating it
(`Registry.decode(..., opener=...)`). Once the key is destroyed the fields read as `ERASED`
(texts) or None (other values), so every projection rebuilt from sequence 1 shows «[удалено]».

Events written before sealing (schema_version 1 of these types) carry their fields in the
clear; they read as before and cannot be erased by destroying a key.

**Texts that name a pupil.** A teacher may type a pupil's name in any free text of the journal
(«Акимовой Веронике — молодец» as a mark's comment, a topic, a reason). Such a text travels
with every mention replaced by «[ученик]» in its field, and its words as typed in a box under
the key of each pupil it names (`contracts.free_texts` says which fields are texts; the name
guard, `services.common.name_guard`, what a mention is):

    "named": [{"at": ["marks", 0, "comment"], "keys": ["<school>/pupil/<id>", ...], "box": "…"}]

A reader with the keys reads the text as typed; a reader without keys, or once any of those
pupils' keys is destroyed, reads the text with the mentions replaced, so an erasure takes the
name out of every earlier event too. A text that names nobody the guard knows travels as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol

SEALED: Final = "sealed"
"""The payload field that replaces a sealed event's personal fields on the wire."""

NAMED: Final = "named"
"""The payload field that carries the texts naming a pupil, sealed (see the module)."""

ERASED: Final = "[удалено]"
"""What a personal text reads as once its person's key is destroyed."""

PersonKind = Literal["pupil", "staff", "applicant"]
"""Whose data a key protects: a pupil, a member of staff, or the applicant of one application
(a parent's name and contact, one key per application so erasing one child's applications
leaves a parent's other children alone)."""


@dataclass(frozen=True, slots=True)
class PersonalFields:
    """The personal fields of one event type, and whose they are."""

    kind: PersonKind
    person_field: str
    """The payload field holding the person's id (for an applicant: the application's)."""
    fields: tuple[str, ...]
    erased: Mapping[str, Any]
    """What each field reads as once the key is gone."""


PERSONAL: Final[Mapping[str, PersonalFields]] = MappingProxyType(
    {
        "journal.PupilRegistered": PersonalFields(
            "pupil",
            "pupil_id",
            ("full_name", "birth_date"),
            {"full_name": ERASED, "birth_date": None},
        ),
        "journal.StaffMemberRegistered": PersonalFields(
            "staff", "staff_id", ("full_name",), {"full_name": ERASED}
        ),
        "enrollment.ApplicationSubmitted": PersonalFields(
            "applicant",
            "application_id",
            ("applicant_name", "contact"),
            {"applicant_name": ERASED, "contact": None},
        ),
    }
)


def key_id(school: str, kind: PersonKind, person: str) -> str:
    """The key store's id of a person's key (ids are tokens: no personal data in it)."""
    return f"{school}/{kind}/{person}"


def sealed_key(payload: Mapping[str, Any]) -> str | None:
    """The key id a payload is sealed under, or None when it is not sealed."""
    sealed = payload.get(SEALED)
    if isinstance(sealed, Mapping):
        key = sealed.get("key")
        return key if isinstance(key, str) else None
    return None


class Opener(Protocol):
    """Turns a sealed payload back into the model's fields (see `services.common.sealing`)."""

    def __call__(self, event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` with its `sealed` object replaced by the personal fields it holds."""
        ...


class SealedWithoutKeys(ValueError):
    """A sealed payload was read by a reader given no keys (e.g. on the portal side)."""


_MARKS: Final = (f'"{SEALED}"'.encode(), f'"{NAMED}"'.encode())


def may_be_sealed(body: bytes) -> bool:
    """Whether a message body may hold sealed data (its field names appear in it): only such a
    body is worth parsing for keys, and it never validates as a model in one pass."""
    return _MARKS[0] in body or _MARKS[1] in body


def holds_sealed(payload: Mapping[str, Any]) -> bool:
    """Whether a payload carries sealed data: personal fields or texts that name a pupil."""
    return SEALED in payload or NAMED in payload


def named_keys(payload: Mapping[str, Any]) -> set[str]:
    """The key ids a payload's `NAMED` texts are sealed under."""
    named = payload.get(NAMED)
    if not isinstance(named, list):
        return set()
    return {
        k
        for text in named
        if isinstance(text, Mapping) and isinstance(keys := text.get("keys"), list)
        for k in keys
        if isinstance(k, str)
    }


def without_named(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as a reader without keys reads it: each text that names a pupil as it reads
    in its field (mentions replaced)."""
    return {k: v for k, v in payload.items() if k != NAMED} if NAMED in payload else payload


def keep_sealed(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An opener that does not open: the personal fields read as erased and the texts naming a
    pupil with the mentions replaced, so a reader that keeps payloads as they were written (the
    audit's log) validates an event without its keys and puts the sealed object back with
    `resealed`."""
    payload = without_named(payload)
    if SEALED not in payload:
        return payload
    kept = {k: v for k, v in payload.items() if k != SEALED}
    return {**kept, **PERSONAL[event_type].erased}


def resealed(event_type: str, payload: dict[str, Any], sealed: Mapping[str, Any]) -> dict[str, Any]:
    """A payload read with `keep_sealed` as it was written: its personal fields sealed again."""
    personal = PERSONAL[event_type]
    kept = {k: v for k, v in payload.items() if k not in personal.fields}
    return {**kept, SEALED: dict(sealed)}
