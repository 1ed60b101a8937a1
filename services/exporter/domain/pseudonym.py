"""Pupil pseudonyms: the keyed hash that replaces a pupil id on the portal side."""

from __future__ import annotations

import hashlib
import hmac

MIN_KEY_BYTES = 32
PSEUDONYM_HEX = 32


class Pseudonymiser:
    """`of(pupil_id)` = "p" + HMAC-SHA256(key, pupil_id) truncated to 32 hex digits.

    Stable for a key, so deltas and full exports name a pupil the same way. Results are cached:
    a school has a few thousand pupils and a replay asks for them millions of times.
    """

    __slots__ = ("_cache", "_key")

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            msg = f"the pseudonym key must be at least {MIN_KEY_BYTES} bytes long"
            raise ValueError(msg)
        self._key = key
        self._cache: dict[str, str] = {}

    def of(self, pupil_id: str) -> str:
        """The pupil's pseudonym."""
        known = self._cache.get(pupil_id)
        if known is None:
            mac = hmac.new(self._key, pupil_id.encode(), hashlib.sha256).hexdigest()
            known = self._cache[pupil_id] = "p" + mac[:PSEUDONYM_HEX]
        return known

    __call__ = of
