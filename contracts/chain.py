"""The per-aggregate hash chain: each event names the SHA-256 of the previous one on its subject."""

from __future__ import annotations

import hashlib

GENESIS_HASH = "0" * 64


def event_hash(prev_hash: str, subject: str, event_type: str, body: bytes) -> str:
    """Hash of one event, binding it to its predecessor, its subject and its type."""
    digest = hashlib.sha256()
    digest.update(f"{prev_hash}\n{subject}\n{event_type}\n".encode())
    digest.update(body)
    return digest.hexdigest()
