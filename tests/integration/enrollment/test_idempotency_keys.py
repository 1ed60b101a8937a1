"""Idempotency keys on the enrollment's applications: a retry records once and answers what
the first request recorded, also after JetStream's duplicate window; the same key with another
body is refused, also for another pupil after the window (the key ledger); another
administrator's key is theirs."""

from __future__ import annotations

import pytest

from contracts.streams import ENROLLMENT
from tests.support.answers import assert_key_reused, assert_same_answer
from tests.support.enrollment_served import MOTHER
from tests.support.waiting import outlive_duplicate_window, shorten_duplicate_window

pytestmark = pytest.mark.integration

URL = "/enrollment/v1/schools/s1/applications"
FATHER = {**MOTHER, "pupil_id": "p02", "uid": 1002, "kinship": "father"}


async def stored(js) -> int:
    return (await js.stream_info(ENROLLMENT.name)).state.messages


async def submit(app, key: str, body=None, *, admin: str = "adm1"):
    headers = {**app.headers(admin, "admin"), "Idempotency-Key": key}
    return await app.http.post(URL, json=body or MOTHER, headers=headers)


async def test_a_retry_records_once_and_answers_what_the_first_request_left(app, js):
    first = await submit(app, "form-1")
    application_id = first.json()["application_id"]
    check = {"checked_by": "t-math"}
    checked = await app.http.post(
        f"{URL}/{application_id}/passport-check", json=check, headers=app.headers("adm1", "admin")
    )
    assert checked.status_code == 200, checked.text

    assert_same_answer(first, await submit(app, "form-1"))  # still "submitted", as answered then
    assert await stored(js) == 2


async def test_the_same_key_with_another_body_is_refused_and_records_nothing(app, js):
    await submit(app, "form-2")

    assert_key_reused(await submit(app, "form-2", {**MOTHER, "contact": "+7 900 111-11-11"}))
    assert_key_reused(
        await submit(app, "form-2", FATHER)
    )  # another pupil: caught by the key ledger
    assert await stored(js) == 1


async def test_another_administrators_key_is_theirs(app, js):
    first = await submit(app, "form-3")
    other = await submit(app, "form-3", FATHER, admin="adm2")

    assert (first.status_code, other.status_code) == (201, 201), other.text
    assert other.json()["duplicate"] is False
    assert other.json()["application_id"] != first.json()["application_id"]
    assert await stored(js) == 2


async def test_a_retry_after_the_duplicate_window_still_answers_the_first_record(app, js):
    await shorten_duplicate_window(js, ENROLLMENT.name)
    first = await submit(app, "form-4")
    await outlive_duplicate_window()

    assert_same_answer(first, await submit(app, "form-4"))
    assert_key_reused(await submit(app, "form-4", {**MOTHER, "kinship": "guardian"}))
    assert await stored(js) == 1


async def test_a_key_is_refused_for_another_pupil_after_the_duplicate_window(app, js):
    """The body names the pupil, so another pupil is another application: after JetStream's
    window only the key ledger still knows the key was used."""
    await shorten_duplicate_window(js, ENROLLMENT.name)
    first = await submit(app, "form-5")
    await outlive_duplicate_window()

    assert_key_reused(await submit(app, "form-5", FATHER))
    assert_key_reused(await submit(app, "form-5", {**MOTHER, "pupil_id": "p03"}))
    assert_same_answer(first, await submit(app, "form-5"))
    assert await stored(js) == 1
