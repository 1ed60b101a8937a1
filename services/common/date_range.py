"""`DateRange`: the `from` and `to` query parameters of a route that shows a range of days (both
included), refused with 422 `invalid_range` when `to` comes before `from`: one rule for the
journal's pages and files and the audit's views and reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from services.common.dates import IsoDate
from services.common.http import ApiError


@dataclass(frozen=True, slots=True)
class Dates:
    """The first and the last day of a range (both included)."""

    first: dt.date
    last: dt.date


def _dates(
    date_from: Annotated[IsoDate, Query(alias="from", description="the first day")],
    date_to: Annotated[IsoDate, Query(alias="to", description="the last day, included")],
) -> Dates:
    if date_to < date_from:
        raise ApiError(422, "invalid_range", "'to' is before 'from'")
    return Dates(date_from, date_to)


DateRange = Annotated[Dates, Depends(_dates)]
"""A route's `from`/`to` range, checked."""
