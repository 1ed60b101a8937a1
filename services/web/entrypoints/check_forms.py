"""What the monthly check's pages share: the journal's check API for the signed-in person, the
forms' idempotency keys (a resubmitted form records nothing twice) and fields, the grouping."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Final

from fastapi import Form, Request

from services.common.webapp.session import Session
from services.web.application.checks import CheckApi
from services.web.domain.checks import GroupBy
from services.web.entrypoints.pages import deps_of, school_year

_KEY: Final = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
FormText = Annotated[str, Form()]


def check_api(request: Request, session: Session) -> CheckApi:
    """The journal's check API for the signed-in person and the page's school year."""
    return CheckApi(deps_of(request).backends, session.token, session.school, school_year(request))


def new_key() -> str:
    """A fresh idempotency key for a form (a resubmitted form records nothing twice)."""
    return uuid.uuid4().hex


def sent_key(value: str) -> str | None:
    """The form's idempotency key if it is one the API accepts."""
    return value if _KEY.match(value) else None


def group_by(value: str | None) -> GroupBy:
    """`?by=class` groups by class; anything else by teacher."""
    return "class" if value == "class" else "teacher"
