"""Reading what a page of either web app gives its forms, for the page tests: the CSRF token in
the page's `<meta name="csrf-token">` (every form posts it back as `csrf_token`, a script as
`X-CSRF-Token`) and a hidden field's value (a form's request id or key)."""

from __future__ import annotations

import re


def csrf_of(page: str) -> str:
    """The page's CSRF token."""
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found, "the page has no CSRF token"
    return found[1]


def field_of(page: str, name: str) -> str | None:
    """The value of the page's first field `name` (a hidden request id, a form's key), if any."""
    found = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    return found[1] if found else None
