"""Dates in paths and query strings are YYYY-MM-DD and nothing else (`?date=0` is a 422)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import httpx
import pytest
from fastapi import FastAPI, Query
from pydantic import TypeAdapter

from services.common.dates import IsoDate
from services.common.http import install_error_handlers


def build_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, {})

    @app.get("/days/{day}")
    async def by_path(day: IsoDate) -> dict[str, str]:
        return {"day": day.isoformat()}

    @app.get("/day")
    async def by_query(
        day: Annotated[IsoDate | None, Query(alias="date")] = None,
    ) -> dict[str, str]:
        return {"day": day.isoformat() if day else ""}

    return app


async def get(path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_an_iso_date_is_accepted_in_the_path_and_the_query():
    assert (await get("/days/2026-09-07")).json() == {"day": "2026-09-07"}
    assert (await get("/day?date=2026-09-07")).json() == {"day": "2026-09-07"}
    assert (await get("/day")).json() == {"day": ""}


@pytest.mark.parametrize(
    "value",
    ["0", "1700000000", "20260907", "2026-9-7", "2026-09-07T00:00:00", "2026-02-30", " 2026-09-07"],
)
async def test_anything_else_is_a_422(value: str):
    by_query = await get(f"/day?date={value}")
    by_path = await get(f"/days/{value}")

    assert by_query.status_code == by_path.status_code == 422
    assert by_query.json()["reason"] == "invalid_request"
    assert len(value) < 5 or value not in by_query.text  # the input is not echoed


def test_python_dates_still_validate():
    assert TypeAdapter(IsoDate).validate_python(dt.date(2026, 9, 7)) == dt.date(2026, 9, 7)
