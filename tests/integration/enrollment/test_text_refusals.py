"""Text the contracts refuse over the enrollment's HTTP API: 422 `invalid_text`, nothing
recorded, the value never echoed."""

from __future__ import annotations

import pytest

from contracts.streams import ENROLLMENT
from tests.support.answers import assert_text_refused
from tests.support.enrollment_served import MOTHER

pytestmark = pytest.mark.integration

BASE = "/enrollment/v1/schools/s1"


async def appended(js) -> int:
    return int((await js.stream_info(ENROLLMENT.name)).state.messages)


@pytest.mark.parametrize("name", ["Иванова\u0000 Мария", "Иванова\r\nМария", "\u0085Иванова"])
async def test_an_applicant_name_with_a_refused_character_records_nothing(app, js, name):
    admin = app.headers("adm1", "admin")

    response = await app.http.post(
        f"{BASE}/applications", json={**MOTHER, "applicant_name": name}, headers=admin
    )

    assert_text_refused(response, ["body", "applicant_name"], secret="Иванова")
    assert await appended(js) == 0


async def test_a_decomposed_name_is_recorded_in_nfc(app, js):
    admin = app.headers("adm1", "admin")

    response = await app.http.post(
        f"{BASE}/applications",
        json={**MOTHER, "applicant_name": "Иванова Мари\u0438\u0306"},
        headers=admin,
    )

    assert response.status_code == 201, response.text
    assert response.json()["applicant_name"] == "Иванова Мари\u0439"
    assert await appended(js) == 1
