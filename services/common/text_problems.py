"""HTTP answers for text the contracts refuse (`contracts.text`): 422 `invalid_text`.

A request whose text holds NUL, a lone surrogate or a control character is refused before
anything is recorded, with its own reason, so a client can tell "remove the invisible
characters" from any other mistake in its request. The errors name the field (`loc`), the
class of the character and its position, never the value (it may be personal data).

Values that are not pydantic fields of a body (the name an upload came with) are checked with
`checked_text`, which refuses them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from contracts.text import INVALID_TEXT, FileName

FILE_NAME: TypeAdapter[str] = TypeAdapter(FileName)
"""The name of an uploaded file, checked like every text."""

_TEXT_DETAIL = (
    "a text of the request holds a character it may not (NUL, a lone surrogate or a control "
    "character other than tab and newline); nothing was recorded"
)


def reason_and_detail(errors: Sequence[Mapping[str, Any]]) -> tuple[str, str]:
    """The problem's reason and detail for these validation errors: `invalid_text` when any
    of them is a refused character, else `invalid_request`."""
    if any(error.get("type") == INVALID_TEXT for error in errors):
        return INVALID_TEXT, _TEXT_DETAIL
    return "invalid_request", f"the request does not match the API ({len(errors)} error(s))"


def checked_text(adapter: TypeAdapter[str], value: str, loc: tuple[str | int, ...]) -> str:
    """`value` validated by `adapter` (normalised), or a `RequestValidationError` at `loc`
    (answered like a body field's error)."""
    try:
        return adapter.validate_python(value)
    except ValidationError as error:
        errors = [
            {**item, "loc": (*loc, *item["loc"])}
            for item in error.errors(include_url=False, include_input=False)
        ]
        raise RequestValidationError(errors) from None
