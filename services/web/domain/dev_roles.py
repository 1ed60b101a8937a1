"""Which role the development sign-in page proposes for a member of staff (a convenience of the
demo: in production the identity provider says who holds which role)."""

from __future__ import annotations


def proposed_role(position: str) -> str:
    """`head` for the director, `deputy` for a deputy director, `admin` for the journal's
    administrator, `teacher` for everyone else (the APIs decide what they may touch)."""
    words = position.casefold()
    if "заместитель директора" in words:
        return "deputy"
    if "администратор" in words:
        return "admin"
    if words.strip() == "директор":
        return "head"
    return "teacher"
