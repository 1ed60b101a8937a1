"""The administrator's forms of the year's plan read into the journal's bodies, and the
journal's validation errors put back beside the row and field they concern.

A scheme's periods are rows of the form (`period_id.N`, `period_name.N`, `starts_on.N`,
`ends_on.N`); an empty row is not sent, so the body's i-th period is the form's `rows[i]`-th
row. Nothing here judges a value: what is typed is sent, and the journal's refusal names the
field (`["body", "periods", 1, "starts_on"]` → `starts_on.<row>`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from services.web.domain.admin import field_errors

PERIOD_ROWS: Final = 4
"""Rows of periods the scheme form offers: quarters need four, halves two, trimesters three."""
PERIOD_FIELDS: Final = {
    "period_id": "period_id",
    "name": "period_name",
    "starts_on": "starts_on",
    "ends_on": "ends_on",
}
"""A period's body field → the form's field of its row (the scheme's own name is `name`)."""


@dataclass(frozen=True, slots=True)
class SchemeForm:
    """A posted scheme form: the journal's body and the form's row of each period sent."""

    body: dict[str, Any]
    rows: tuple[int, ...]


def grades_of(texts: Iterable[str]) -> list[int]:
    """The grades ticked (the checkboxes' values), in order, each once."""
    return sorted({int(t) for t in texts if t.isdigit()})


def scheme_form(values: Mapping[str, str], grades: Iterable[str]) -> SchemeForm:
    """The body of `PUT …/config/period-schemes/{scheme_id}` for the posted form."""
    rows = tuple(
        n
        for n in range(PERIOD_ROWS)
        if any(values.get(f"{name}.{n}") for name in PERIOD_FIELDS.values())
    )
    periods = [
        {key: values.get(f"{name}.{n}", "") for key, name in PERIOD_FIELDS.items()} for n in rows
    ]
    body = {"name": values.get("name", ""), "grades": grades_of(grades), "periods": periods}
    return SchemeForm(body, rows)


def scheme_fields(errors: Sequence[Mapping[str, Any]], rows: Sequence[int]) -> dict[str, str]:
    """The journal's validation errors of a scheme by the form's field: a period's under its
    row's field, the others under their own."""
    return field_errors(_placed(error, "periods", rows) for error in errors)


def calendar_fields(errors: Sequence[Mapping[str, Any]], added: int) -> dict[str, str]:
    """The journal's validation errors of a calendar sent with one day off added (the body's
    `added`-th): the new day off's under the form's fields, any other under the whole form."""
    placed = []
    for error in errors:
        loc = [p for p in error.get("loc", ()) if p != "body"]
        if loc[:1] == ["days_off"] and len(loc) >= 3 and loc[1] == added:
            placed.append({**error, "loc": ["body", str(loc[2])]})
        else:
            placed.append({**error, "loc": ["body"]})
    return field_errors(placed)


def _placed(error: Mapping[str, Any], listed: str, rows: Sequence[int]) -> Mapping[str, Any]:
    """The error with its `loc` naming the form's field: `[listed, i, key]` → the field of
    `key` in the form's row `rows[i]`."""
    loc = [p for p in error.get("loc", ()) if p != "body"]
    if loc[:1] != [listed] or len(loc) < 3 or not isinstance(loc[1], int) or loc[1] >= len(rows):
        return error
    name = PERIOD_FIELDS.get(str(loc[2]), str(loc[2]))
    return {**error, "loc": ["body", f"{name}.{rows[loc[1]]}"]}


def assessment_body(values: Mapping[str, str], grades: Iterable[str]) -> dict[str, Any]:
    """The body of `PUT …/subjects/{subject_id}/assessment` for the posted form."""
    return {"grades": grades_of(grades), "assessment": values.get("assessment", "")}
