"""Names of the periods of assessment as a page says them («1 четверть», «год»).

The diary's answers name a period by its id. The school's own name is used when an answer
carries one; otherwise the id is read by the usual convention of school ids: `q1`…`q4` are
quarters (четверти), `t1`…`t3` trimesters, `h1`, `h2` half-years, and `year`, `exam`, `final`
the marks set after the terms. An id of any other form is shown as it is.
"""

from __future__ import annotations

import re
from typing import Final

AFTER_TERMS: Final = {"year": "год", "exam": "экзамен", "final": "итоговая"}
_NUMBERED: Final = {"q": "четверть", "t": "триместр", "h": "полугодие"}
_ID: Final = re.compile(r"^([qth])([0-9]{1,2})$")
WHOLE_YEAR: Final = "year"
"""The period id that asks for the whole year (and its mark)."""


def period_name(period_id: str, known: str | None = None) -> str:
    """«1 четверть», «год», or the school's own name `known` when the answer gave it."""
    if known:
        return known
    if period_id in AFTER_TERMS:
        return AFTER_TERMS[period_id]
    match = _ID.match(period_id)
    if match is None:
        return period_id
    return f"{int(match.group(2))} {_NUMBERED[match.group(1)]}"
