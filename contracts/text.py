"""One text type for every free-text field of the contracts and of the request bodies.

A topic, a comment or a name that PostgreSQL cannot store used to be accepted, appended to its
stream and then refused by every projection (dead letters: the fact silently missing from every
view). `TextRules` is the one place that decides what a text may hold:

- refused: NUL, lone surrogates (U+D800-U+DFFF: not characters, not encodable in UTF-8) and the
  C0/C1 control characters other than tab and newline (U+0000-U+0008, U+000B-U+001F,
  U+007F-U+009F). A carriage return is refused too: a line ends with a newline, and a
  stray CR is invisible in every view;
- the refusal is a pydantic error of its own type, `invalid_text`, naming the class of the
  character and its position, never the value (it may be personal data);
- what is accepted is normalised to NFC (one form for "é", however it was typed), then stripped
  where the field strips, then its length checked: the length a field refuses is that of what
  it stores.

Compatibility: adding the rules to existing fields keeps every `schema_version`. An event read
back from a stream is validated under `STORED` (see `Registry`): there only the characters
PostgreSQL cannot store are refused, the value is kept as written (no normalisation) and the
lengths are those of before, so every event already stored stays valid, except those holding
NUL or a lone surrogate, the very events that could never be stored in a projection. Those are
repaired before validation (`services.common.text_repair`: U+FFFD in place, and recorded).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic_core import PydanticCustomError, PydanticKnownError, core_schema

if TYPE_CHECKING:
    from pydantic.json_schema import JsonSchemaValue

INVALID_TEXT: Final = "invalid_text"
"""The pydantic error type of a refused character (the HTTP APIs answer it as a reason)."""

UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
"""What PostgreSQL `text` and `jsonb` cannot hold: NUL and lone surrogates."""

_REFUSED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")

PRINTABLE: Final = r"^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$"
"""A pattern for short codes and ids that are not words (mark values, actor and correlation ids):
the same characters refused as in a text, checked inside pydantic-core (no Python call per value,
which counts on the envelope of every event read back); pydantic refuses lone surrogates in any
string itself. Not normalised (a code is compared as it was configured), and strict under
`STORED` too: a code is chosen from a scale or issued by a program, never typed freely."""

STORED: Final[Mapping[str, str]] = MappingProxyType({"text": "stored"})
"""Validation context for data read back from a stream (or built from it): see the module.
Recognised by identity (it is checked for every text read back): pass this very object."""


def character_class(char: str) -> str:
    """How a refused character is named in an error (never the character itself)."""
    if char == "\x00":
        return "NUL"
    if "\ud800" <= char <= "\udfff":
        return "a lone surrogate"
    if char == "\r":
        return "a carriage return"
    return "a control character"


def refusal(value: str, pattern: re.Pattern[str] = _REFUSED) -> PydanticCustomError | None:
    """The `invalid_text` error for the first character `pattern` refuses in `value`."""
    found = pattern.search(value)
    if found is None:
        return None
    return PydanticCustomError(
        INVALID_TEXT,
        "text may not contain {character} (U+{code}), found at position {position}",
        {
            "character": character_class(found.group()),
            "code": f"{ord(found.group()):04X}",
            "position": found.start(),
        },
    )


@dataclass(frozen=True, slots=True)
class TextRules:
    """`Annotated[str, TextRules(...)]`: a text field (see the module). `strip` trims white space
    at both ends; lengths count what is stored (after normalising and trimming). `words`: a
    text someone writes in their own words (a topic, a comment, a reason, a file's name), which
    may name a pupil (`contracts.free_texts`); not the name of a thing (a school, a subject, a
    period, a position, a label) or a code."""

    max_length: int
    min_length: int = 0
    strip: bool = False
    words: bool = True

    def __get_pydantic_core_schema__(
        self, _source: object, _handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Characters checked first (pydantic's own string check would refuse a lone surrogate
        as `string_unicode`), then a strict string (no bytes), then normalised and measured."""
        measured = core_schema.with_info_after_validator_function(
            self.finish, core_schema.str_schema(strict=True)
        )
        return core_schema.with_info_before_validator_function(refuse, measured)

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The string's schema with its lengths and the refused characters."""
        document = handler(schema)
        document["maxLength"] = self.max_length
        if self.min_length:
            document["minLength"] = self.min_length
        document["pattern"] = PRINTABLE
        return document

    def finish(self, value: str, info: ValidationInfo) -> str:
        """A new value in NFC (a stored one as written), trimmed, its length checked."""
        if info.context is not STORED and not value.isascii():
            value = unicodedata.normalize("NFC", value)
        if self.strip:
            value = value.strip()
        if len(value) < self.min_length:
            raise PydanticKnownError("string_too_short", {"min_length": self.min_length})
        if len(value) > self.max_length:
            raise PydanticKnownError("string_too_long", {"max_length": self.max_length})
        return value


def refuse(value: object, info: ValidationInfo) -> object:
    """Raise `invalid_text` for a refused character of a string (see the module); a value read
    under `STORED` is refused only for what PostgreSQL cannot store."""
    if isinstance(value, str):
        error = refusal(value, UNSTORABLE if info.context is STORED else _REFUSED)
        if error is not None:
            raise error
    return value


# The bounded texts the contracts and request bodies use (a field may bound its own), and their
# lengths, for whoever must keep a text within its field (a redaction that made it longer).
TEXT_LENGTH: Final = 2000
NAME_LENGTH: Final = 200
COMMENT_LENGTH: Final = 500
FILE_NAME_LENGTH: Final = 200
Text = Annotated[str, TextRules(max_length=TEXT_LENGTH, min_length=1, strip=True)]
"""A free text in words: topic, homework, reason, remark (trimmed, not empty)."""
Name = Annotated[str, TextRules(max_length=NAME_LENGTH, min_length=1, strip=True, words=False)]
"""A person's or a thing's name, a title, a label (trimmed, not empty)."""
Comment = Annotated[str, TextRules(max_length=COMMENT_LENGTH)]
"""A short optional remark beside a value (a mark's comment, evidence of an absence)."""
FileName = Annotated[str, TextRules(max_length=FILE_NAME_LENGTH, min_length=1, strip=True)]
"""The name of an uploaded file, as its sender called it."""
