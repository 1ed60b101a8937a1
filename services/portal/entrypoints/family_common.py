"""What the family's pages share: checking the ids of a page's address before they go into
the diary's paths, and reading the signed-in person's children from the diary's profile.

Every read uses the person's own token: the diary decides what they may see, and its refusal
(another child's pseudonym, a revoked grant) becomes the refusal page.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Final

from fastapi import Request

from services.common.webapp.backends import ApiRefused
from services.common.webapp.session import Session
from services.portal.domain.children import Child, child_named, children_of
from services.portal.entrypoints.pages import deps_of, year_path

_PSEUDONYM: Final = re.compile(r"^p[0-9a-f]{32}$")
_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def not_found(what: str) -> ApiRefused:
    """The refusal of an address that names nothing (the refusal page, 404)."""
    return ApiRefused(404, "not_found", what)


def checked_pupil(pupil: str) -> str:
    """A pupil's pseudonym from the address (anything else: «not found»)."""
    if not _PSEUDONYM.match(pupil):
        raise not_found("no such pupil")
    return pupil


def checked_id(value: str) -> str:
    """A subject's, a file's or a period's id from the address."""
    if not _ID.match(value):
        raise not_found("no such page")
    return value


def checked_date(text: str) -> dt.date:
    """A date of the address (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise not_found(f"no date {text!r}") from None


async def profile(request: Request, session: Session) -> dict[str, Any]:
    """The diary's profile of the signed-in person (their children, labels and markers)."""
    answer: dict[str, Any] = await deps_of(request).diary.get(
        f"{year_path(request)}/me/profile", session.token
    )
    return answer


async def with_profile(
    request: Request, session: Session, path: str, params: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], Any]:
    """The person's profile (their children, classes and the school's periods) and the diary's
    answer at `path`, both asked at once (`path` first)."""
    answer, own = await asyncio.gather(
        deps_of(request).diary.get(path, session.token, params), profile(request, session)
    )
    return own, answer


async def my_children(request: Request, session: Session) -> list[Child]:
    """The signed-in person's children, named as the pages name them."""
    return children_of(await profile(request, session))


async def some_children(request: Request, session: Session) -> list[Child]:
    """The signed-in person's children; a person with none is refused (pages about one's
    children have nothing to show until the school approves an application)."""
    children = await my_children(request, session)
    if not children:
        raise ApiRefused(
            403,
            "no_children",
            "Нет ни одного дневника: доступ открывается, когда школа одобрит заявление.",
        )
    return children


def the_child(children: list[Child], pupil: str) -> Child:
    """The child of the address among the person's; a pupil they do not have is refused here
    too (the diary would refuse it anyway: this only spares a call)."""
    found = child_named(children, pupil)
    if found is None:
        raise ApiRefused(403, "no_grant", "you have no live grant for this pupil")
    return found
