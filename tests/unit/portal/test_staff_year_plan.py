"""A teacher UID's grid and class day follow the class's plan: its periods (the grid's answer
lists them), a pass/fail subject without an average column, the day off of a class's day."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.support.portal import signed_in_client
from tests.unit.portal.staff_diary import YEAR_PATH, FakeDiary
from tests.unit.portal.test_staff_pages import (
    DAY,
    GRID,
    GRID_ANSWER,
    PROFILE,
    TEACHER_PROFILE,
    TODAY,
    empty_day,
    mark,
)

HALVES = [
    {"period_id": "h1", "name": "1 полугодие", "starts_on": "2026-09-01", "ends_on": "2026-12-28"},
    {"period_id": "h2", "name": "2 полугодие", "starts_on": "2027-01-09", "ends_on": "2027-05-26"},
]
PASS_FAIL_GRID = {
    **GRID_ANSWER,
    "period_id": "h1",
    "starts_on": "2026-09-01",
    "assessment": "pass_fail",
    "periods": HALVES,
    "pupils": [
        {
            **GRID_ANSWER["pupils"][0],  # type: ignore[index]
            "average": None,
            "marks": [
                {
                    "lesson_id": "l1",
                    "date": "2026-12-01",
                    "mark": mark("зач", "test", "1", label="зачтено"),
                }
            ],
        }
    ],
}


@pytest.fixture
def diary() -> FakeDiary:
    day = {**empty_day(TODAY.replace(day=1)), "day_off": None}
    return FakeDiary(gets={PROFILE: TEACHER_PROFILE, GRID: PASS_FAIL_GRID, DAY: day})


@pytest_asyncio.fixture
async def client(diary: FakeDiary) -> AsyncIterator:
    async with signed_in_client(diary, 200001, "teacher", TODAY) as http:
        yield http


async def test_the_grid_offers_the_classs_periods_and_has_no_average_for_pass_fail(client):
    page = await client.get("/classes/5a/subjects/math")

    assert page.status_code == 200
    options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', page.text)
    assert options == [
        ("h1", " selected", "1 полугодие"),
        ("h2", "", "2 полугодие"),
        ("year", "", "весь год"),
    ]
    assert '<span class="mk" title="Контрольная работа, вес 1">зачтено</span>' in page.text
    assert "Средний взвешенный балл" not in page.text
    assert "«зачтено / не зачтено»" in page.text


async def test_a_class_day_off_is_named(client, diary):
    holiday = {"date": "2026-12-01", "name": "День школы", "kind": "holiday"}
    diary.gets[f"{YEAR_PATH}/classes/5a/days/2026-12-01"] = {
        **empty_day(TODAY.replace(day=1)),
        "day_off": holiday,
    }
    page = await client.get("/classes/5a/days/2026-12-01")

    assert page.status_code == 200
    assert "Праздничный день: День школы" in page.text
    assert "В этот день уроков нет" not in page.text
