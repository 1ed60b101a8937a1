"""Sealing and opening the personal data of an event payload (AES-256-GCM, one key a person):
its personal fields, and its free texts that name a pupil.

See `contracts.personal` for what is sealed and how it travels. The associated data binds a
box to its event type and key (a text's box to its place in the payload too), so a box copied
into an event of another type, another field or under another key id does not open. Pure
functions and a key ring; the keys come from `services.common.keystore`.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contracts.free_texts import Path, replaced
from contracts.personal import NAMED, PERSONAL, SEALED

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


def _text_aad(event_type: str, path: Path, key_id: str) -> bytes:
    # A path's steps are field names, dict keys (tokens) and indices: none holds a "/".
    return f"{event_type}|{'/'.join(map(str, path))}|{key_id}".encode()


def seal_text(
    event_type: str, path: Path, text: str, keys: Sequence[tuple[str, bytes]]
) -> dict[str, Any]:
    """One `NAMED` entry: the text at `path` as typed, sealed under each (key id, key) in turn,
    so that it opens only while every one of those keys exists."""
    box = text.encode()
    for key_id, key in keys:
        nonce = os.urandom(_NONCE_BYTES)
        box = nonce + AESGCM(key).encrypt(nonce, box, _text_aad(event_type, path, key_id))
    return {
        "at": list(path),
        "keys": [key_id for key_id, _ in keys],
        "box": base64.b64encode(box).decode(),
    }


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
        """`payload` with its `sealed` object replaced by the personal fields it holds, and its
        texts that name a pupil as typed (as they read in their fields once a key is gone)."""
        if NAMED in payload:
            payload = self._texts(event_type, payload)
        if SEALED not in payload:
            return payload
        sealed = payload[SEALED]
        key_id = sealed["key"]
        key = self._key(key_id)
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

    def _key(self, key_id: str) -> bytes | None:
        """The key (None: destroyed); `MissingKey` when the ring was not given it."""
        if key_id not in self._keys:
            raise MissingKey(f"no key {key_id!r} in the key store")
        return self._keys[key_id]

    def _texts(self, event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
        """`payload` without its `NAMED` list, each text in it opened in its place."""
        opened = {k: v for k, v in payload.items() if k != NAMED}
        for text in payload[NAMED]:
            path, key_ids = tuple(text["at"]), text["keys"]
            keys = [key for key in map(self._key, key_ids) if key is not None]
            if len(keys) < len(key_ids):
                continue  # a named pupil was erased: the text reads as it does in its field
            box = base64.b64decode(text["box"])
            for key_id, key in zip(reversed(key_ids), reversed(keys), strict=True):
                try:
                    box = AESGCM(key).decrypt(
                        box[:_NONCE_BYTES], box[_NONCE_BYTES:], _text_aad(event_type, path, key_id)
                    )
                except InvalidTag:
                    msg = f"a text of {event_type} does not open under {key_id!r}"
                    raise UnopenableBox(msg) from None
            opened = replaced(opened, path, box.decode())
        return opened

    def __contains__(self, key_id: object) -> bool:
        return key_id in self._keys

    def merged(self, other: KeyRing) -> KeyRing:
        """Both rings' keys (the other's win)."""
        return KeyRing({**self._keys, **other._keys})
