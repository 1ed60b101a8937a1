"""The secrets a launcher keeps in its state folder: generated on first use, 0600, then reused
by every run, so tokens, sessions, pseudonyms and signed anchors outlive a restart."""

from __future__ import annotations

import base64
import contextlib
import secrets
from collections.abc import Callable
from pathlib import Path

DEV_SECRET_FILE = "dev-secret"  # noqa: S105 - a file name, not a secret
SIGNING_KEY_FILE = "audit-signing-key"
SESSION_SECRET_FILE = "web-session-secret"  # noqa: S105 - a file name, not a secret
PORTAL_SESSION_SECRET_FILE = "portal-session-secret"  # noqa: S105 - a file name, not a secret
PSEUDONYM_KEY_FILE = "pseudonym-key"
SECRET_FILES = (
    DEV_SECRET_FILE,
    SIGNING_KEY_FILE,
    PSEUDONYM_KEY_FILE,
    SESSION_SECRET_FILE,
    PORTAL_SESSION_SECRET_FILE,
)
"""Every file this module writes into the state folder (`--reset` deletes exactly what the
launcher wrote, so each one must be named in `state.STATE_ENTRIES`)."""


def _secret_file(path: Path, make: Callable[[], str] = lambda: secrets.token_urlsafe(48)) -> str:
    """A random secret kept in `path` (0600): read when present, created on first use."""
    with contextlib.suppress(OSError):
        if len(secret := path.read_text().strip()) >= 32:
            return secret
    secret = make()
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return secret


def dev_secret(state: Path) -> str:
    """The development signing secret: read from `<state>/dev-secret`, created on first use."""
    return _secret_file(state / DEV_SECRET_FILE)


def session_secret(state: Path) -> str:
    """The web's session-cookie secret, `<state>/web-session-secret`: created once."""
    return _secret_file(state / SESSION_SECRET_FILE)


def portal_session_secret(state: Path) -> str:
    """The portal web's session-cookie secret, `<state>/portal-session-secret`: created once,
    and not the school web's (a cookie of one side never opens a page of the other)."""
    return _secret_file(state / PORTAL_SESSION_SECRET_FILE)


def signing_key(state: Path) -> str:
    """The audit's Ed25519 signing key (base64 of a 32-byte seed), `<state>/audit-signing-key`:
    created once; the anchors it signed stay verifiable with its public key."""
    return _secret_file(
        state / SIGNING_KEY_FILE, lambda: base64.b64encode(secrets.token_bytes(32)).decode()
    )


def pseudonym_key(state: Path) -> str:
    """The exporter's pseudonym key, `<state>/pseudonym-key`: created once and then never
    changed, since every pupil's pseudonym in the e-diary derives from it."""
    return _secret_file(state / PSEUDONYM_KEY_FILE)
