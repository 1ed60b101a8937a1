"""`IsoDate`: the one type of every date in a path or query string, accepted as YYYY-MM-DD only.

pydantic's lax date parsing reads a number as a Unix timestamp, so `?date=0` became
1970-01-01 and `?date=1700000000` some day in 2023: a typo answered with the wrong day's data
instead of a 422. `IsoDate` refuses anything but the ISO calendar form before pydantic parses it
(which still checks the calendar: 2026-02-30 is refused too). The OpenAPI schema stays
`string, format: date`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Final

from pydantic import BeforeValidator

_ISO_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value: object) -> object:
    """The value when it is a date or a YYYY-MM-DD string; ValueError (a 422) otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("expected a date written as YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_only)]
"""A calendar date written YYYY-MM-DD (use it for path and query parameters)."""
