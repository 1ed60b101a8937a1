"""What the administrator's forms share: reading a posted form, sending it once, and showing a
refusal beside the form it concerns.

A form posts to the web, which sends the API one command with the person's token and the
form's request id as the `Idempotency-Key` (a double click records once). Accepted: the browser
is sent back to the page (303) with a note of what was done. Refused (409, 422, 404…): the page
is shown again with the API's reason beside the form and its fields, the values kept, nothing
recorded. A 401 or 403 is not a form's matter: it goes to the sign-in or refusal page.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from services.common.webapp.session import Session
from services.web.application.ports import Api, ApiRefused
from services.web.domain import admin as words
from services.web.domain.admin import REFUSAL, field_errors
from services.web.entrypoints.pages import deps_of, school_year

REQUEST_ID: Final = "request_id"
_PAGE_MATTERS: Final = frozenset({401, 403})
Command = tuple[Api, str, str]
"""What a form sends: the API, the method and the path."""


@dataclass(frozen=True, slots=True)
class FormRefusal:
    """An API's refusal of one form: which form, why (in Russian and the API's words), the
    message of each field it concerns, and the values to show again (a form whose fields
    are rows of a list places `errors` itself)."""

    form: str
    status: int
    reason: str
    detail: str
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    errors: tuple[Mapping[str, Any], ...] = ()  # the API's validation errors, as it gave them


def refusal_of(form: str, error: ApiRefused, values: Mapping[str, str]) -> FormRefusal:
    """The refusal of `form` as the page shows it."""
    return FormRefusal(
        form=form,
        status=error.status,
        reason=error.reason,
        detail=error.detail,
        text=REFUSAL.get(error.reason, "Не записано."),
        fields=field_errors(error.errors),
        values=dict(values),
        errors=tuple(error.errors),
    )


def missing(form: str, values: Mapping[str, str], name: str) -> FormRefusal:
    """A form sent without the field naming what the API acts on (a part of its address, so
    the API cannot say it): refused here as the API would, with nothing sent."""
    return FormRefusal(
        form,
        422,
        "invalid_request",
        "",
        "Заполните поле.",
        {name: "обязательное поле"},
        dict(values),
    )


async def posted(request: Request) -> dict[str, str]:
    """The posted form's text fields, trimmed (the CSRF token and request id left out)."""
    form = await request.form()
    return {
        name: value.strip()
        for name, value in form.multi_items()
        if isinstance(value, str) and name not in {"csrf_token", REQUEST_ID}
    }


async def posted_list(request: Request, name: str) -> list[str]:
    """Every value of a repeated field (a multiple select)."""
    form = await request.form()
    return [v for v in form.getlist(name) if isinstance(v, str) and v]


async def request_key(request: Request) -> str | None:
    """The form's request id (made when the page was shown), for the `Idempotency-Key`."""
    value = (await request.form()).get(REQUEST_ID)
    return value if isinstance(value, str) and value else None


def new_request_id() -> str:
    """A request id for the forms of one rendering of a page."""
    return uuid.uuid4().hex


def present(values: Mapping[str, str], *names: str) -> dict[str, str]:
    """The named fields that were filled in (an empty optional field is not sent)."""
    return {name: values[name] for name in names if values.get(name)}


async def answer_of(
    form: str, values: Mapping[str, str], call: Awaitable[Any]
) -> tuple[Any, FormRefusal | None]:
    """Await the API call: its answer, or its refusal for the form (a 401 or 403 is the page's
    matter and propagates)."""
    try:
        return await call, None
    except ApiRefused as error:
        if error.status in _PAGE_MATTERS:
            raise
        return None, refusal_of(form, error, values)


async def send_form(
    request: Request,
    session: Session,
    form: str,
    values: Mapping[str, str],
    command: Command,
    body: Any = None,  # noqa: ANN401 - the command's JSON body
) -> tuple[Any, FormRefusal | None]:
    """Send the form's one command with the person's token and the form's request id as the
    `Idempotency-Key` (a double click records once): the API's answer, or its refusal."""
    api, method, path = command
    key = await request_key(request)
    call = deps_of(request).backends.send(
        api, method, path, session.token, json=body, idempotency_key=key
    )
    return await answer_of(form, values, call)


async def settled(
    request: Request,
    refusal: FormRefusal | None,
    page_again: Callable[[FormRefusal], Awaitable[Response]],
    path: str,
    **note: str,
) -> Response:
    """Accepted: back to the page at `path` with the `note` of what was done (`back_to`).
    Refused: the page again (`page_again`) with the refusal beside its form."""
    if refusal is not None:
        return await page_again(refusal)
    return back_to(request, path, **note)


def back_to(request: Request, path: str, **params: str) -> RedirectResponse:
    """Send the browser back to the page (303), with a note of what was done; a school year
    chosen in the address (`?year=`) is kept."""
    chosen = request.query_params.get("year", "")
    query = urlencode({k: v for k, v in {"year": chosen, **params}.items() if v})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


def seg(value: str) -> str:
    """A value as one segment of an API path (a typed id never reaches another route)."""
    return quote(value, safe="")


def journal_year(request: Request, session: Session) -> str:
    """The journal's path of the school year the page shows."""
    return f"/schools/{seg(session.school)}/years/{school_year(request)}"


def enrollment_school(session: Session) -> str:
    """The enrollment's path of the person's school."""
    return f"/enrollment/v1/schools/{seg(session.school)}"


def exporter_year(request: Request, session: Session) -> str:
    """The exporter's path of the school year the page shows."""
    return f"/exporter/v1/schools/{seg(session.school)}/years/{school_year(request)}"


def form_context(request: Request, refusal: FormRefusal | None) -> dict[str, Any]:
    """What every admin page's forms need: a fresh request id, the `?year=` to keep in their
    addresses, the refusal to show, the note of what was just done, and the school's words
    for the APIs' values."""
    chosen = request.query_params.get("year", "")
    return {
        REQUEST_ID: new_request_id(),
        "keep_year": f"?year={chosen}" if chosen.isdigit() else "",
        "refusal": refusal,
        "done": request.query_params.get("done", ""),
        "words": words,
    }


def status_of(refusal: FormRefusal | None) -> int:
    """The page's status: the refusal's when it shows one."""
    return refusal.status if refusal else 200
