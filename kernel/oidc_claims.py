"""Reading the claims of a validated ID token of the city's provider: the part both web apps
share (the school's pages map them to a member of staff, the portal's to a portal UID, each in
its own domain; `services.common.webapp.oidc_routes` runs the flow around them).

Providers differ in how they send a claim, so a claim is read leniently (roles as a list or as
one space-separated string, text stripped) and anything unexpected counts as missing. Pure, in
the kernel so that both apps' domains can use it: they may import nothing of `services.common`.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from typing import Final

MAX_TEXT: Final = 128
"""The longest text claim (an id, a school, a name) taken; a longer one is not an id."""


@dataclass(frozen=True, slots=True)
class ClaimsRefused:
    """Why the person may not sign in: a machine `reason` and a Russian `detail`."""

    reason: str
    detail: str


def claimed_roles(value: object, served: Set[str]) -> tuple[str, ...]:
    """The roles among the claimed ones that the app serves, sorted; a claim that is one string
    (some providers send "parent teacher") counts as a space-separated list."""
    if isinstance(value, str):
        claimed: list[object] = list(value.split())
    elif isinstance(value, list | tuple):
        claimed = list(value)
    else:
        return ()
    return tuple(sorted({role for role in claimed if isinstance(role, str)} & served))


def text_claim(value: object) -> str | None:
    """A non-blank string claim of reasonable length, stripped; anything else is missing."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text and len(text) <= MAX_TEXT else None
