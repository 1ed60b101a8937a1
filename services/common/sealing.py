"""Sealing and opening the personal fields of an event payload (AES-256-GCM, one key a person).

See `contracts.personal` for what is sealed and how it travels. The associated data binds a
box to its event type and key, so a box copied into another event or under another key id does
not open. Pure functions and a key ring; the keys come from `services.common.keystore`.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.personal import PERSONAL, SEALED

KEY_BYTES = 32
_NONCE_BYTES = 12


class MissingKey(ValueError):
    """A payload is sealed under a key the key store does not know (a key store restored from
    an older backup, or pointed at the wrong database): never read as erased."""


class UnopenableBox(ValueError):
    """A box that does not open under its key (altered, or moved to another event)."""


def new_key() -> bytes:
    """A fresh random key."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def _aad(event_type: str, key_id: str) -> bytes:
    return f"{event_type}|{key_id}".encode()


def seal(event_type: str, payload: dict[str, Any], key_id: str, key: bytes) -> dict[str, Any]:
    """`payload` (JSON-ready) with its personal fields replaced by one sealed box."""
    personal = PERSONAL[event_type]
    clear = {f: payload[f] for f in personal.fields if f in payload}
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = json.dumps(clear, ensure_ascii=False, separators=(",", ":")).encode()
    box = nonce + AESGCM(key).encrypt(nonce, plaintext, _aad(event_type, key_id))
    kept = {k: v for k, v in payload.items() if k not in personal.fields}
    return {**kept, SEALED: {"key": key_id, "box": base64.b64encode(box).decode()}}


class KeyRing:
    """The keys a reader holds for some payloads: key id -> key, or None once destroyed.

    Called as an opener (`contracts.personal.Opener`): the personal fields come back from the
    box, or read as erased when the person's key was destroyed. A key id the ring was not given
    raises `MissingKey`, so a lost key store is an error, never a silent erasure.
    """

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[str, bytes | None] | None = None) -> None:
        self._keys = dict(keys or {})

    def __call__(self, event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` with its `sealed` object replaced by the personal fields it holds."""
        sealed = payload[SEALED]
        key_id = sealed["key"]
        if key_id not in self._keys:
            raise MissingKey(f"no key {key_id!r} in the key store")
        key = self._keys[key_id]
        kept = {k: v for k, v in payload.items() if k != SEALED}
        if key is None:
            return {**kept, **PERSONAL[event_type].erased}
        box = base64.b64decode(sealed["box"])
        try:
            plaintext = AESGCM(key).decrypt(
                box[:_NONCE_BYTES], box[_NONCE_BYTES:], _aad(event_type, key_id)
            )
        except InvalidTag:
            raise UnopenableBox(f"the box of {event_type} does not open under {key_id!r}") from None
        return {**kept, **json.loads(plaintext)}

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def merged(self, other: KeyRing) -> KeyRing:
        """Both rings' keys (the other's win)."""
        return KeyRing({**self._keys, **other._keys})
