"""The family's pages refused: another child's page, a revoked grant, a diary outage, an address
that names nothing, and signed out.

The diary is a fake standing in for its HTTP API (`family_world`); the app, its session, CSRF
check, templates and error pages are the real ones.
"""

from __future__ import annotations

import pytest

from services.portal.application.ports import ApiRefused
from tests.support.portal import signed_in_client
from tests.unit.portal.family.family_world import (
    BASE,
    MINE,
    OTHER,
    TODAY,
)


@pytest.mark.parametrize(
    "path",
    [
        f"/children/{OTHER}/week/2026-09-14",
        f"/children/{OTHER}/day/2026-09-14",
        f"/children/{OTHER}/subjects/math",
        f"/children/{OTHER}/news",
    ],
)
async def test_another_child_s_page_is_the_diary_s_refusal(parent, path):
    page = await parent.get(path)

    assert page.status_code == 403
    assert "У вас нет доступа к этой странице." in page.text
    assert "no_grant" in page.text
    assert "Маша" not in page.text
    assert "Математика" not in page.text


async def test_a_revoked_grant_refuses_the_next_page_load(parent, diary):
    diary.gets[f"{BASE}/pupils/{MINE}/weeks/2026-09-14"] = ApiRefused(
        403, "no_grant", "you have no live grant for this pupil"
    )

    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 403
    assert "Маша" not in page.text


async def test_a_diary_outage_is_the_503_page(parent, diary):
    diary.down = True

    page = await parent.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 503
    assert page.headers["retry-after"]
    assert "Дневник временно недоступен" in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/children/pupil-1/week/2026-09-14",
        f"/children/{MINE}/week/2026-13-01",
        f"/children/{MINE}/subjects/math%2F..",
        f"/children/{MINE}/subjects/math?period=q1%2F..",
    ],
)
async def test_an_address_that_names_nothing_is_not_found_without_asking(parent, diary, path):
    page = await parent.get(path)

    assert page.status_code == 404
    assert diary.asked == []


async def test_signed_out_the_week_asks_to_sign_in(diary):
    async with signed_in_client(diary, 100001, "parent", TODAY) as http:
        http.cookies.clear()
        page = await http.get(f"/children/{MINE}/week/2026-09-14")

    assert page.status_code == 303
    assert page.headers["location"].startswith("/signin?next=")
