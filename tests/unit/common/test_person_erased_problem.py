"""New personal data of an erased person (`services.common.keystore.PersonErased`, raised when
it would be sealed again) is a 409 `person_erased` problem in the journal and in enrollment."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from services.common.keystore import PersonErased

PLACEHOLDERS = ("nats://127.0.0.1:1", "postgresql://u@127.0.0.1:1/db", "s", "x" * 32)


def journal() -> FastAPI:
    from services.journal.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import journal_settings  # noqa: PLC0415

    return create_app(journal_settings(*PLACEHOLDERS))


def enrollment() -> FastAPI:
    from services.enrollment.entrypoints.http import create_app  # noqa: PLC0415
    from tests.support.running import enrollment_settings  # noqa: PLC0415

    return create_app(enrollment_settings(*PLACEHOLDERS))


@pytest.mark.parametrize("build", [journal, enrollment])
async def test_an_erased_persons_new_data_is_a_409_person_erased(build) -> None:
    app = build()
    handler = app.exception_handlers[PersonErased]
    request = Request({"type": "http", "method": "PUT", "path": "/", "headers": []})

    answer = await handler(request, PersonErased("s1/pupil/p1"))

    assert answer.status_code == 409
    body = json.loads(answer.body)
    assert body["reason"] == "person_erased"
    assert answer.media_type == "application/problem+json"
