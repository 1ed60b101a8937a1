"""The lesson page's warning after a save whose text for the diary names a pupil.

The journal saves what the teacher typed and answers a warning (reason
`pupil_name_in_diary_text`) for each text that goes to the diary and names a pupil of the
school: the diary will show «[ученик]» in place of the name. The page says so after the save,
with a link to each field concerned, so the teacher can rephrase.

Places are the page's own keys: `topic`, `hw_text`, `files` (a homework file's name) and
`marks` (a mark's comment: the page has no field for it, the API has).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

REASON: Final = "pupil_name_in_diary_text"
WARNING: Final = "В тексте для дневника есть имя ученика: в дневник оно уйдёт как «[ученик]»."


@dataclass(frozen=True, slots=True)
class Place:
    """Where a text that names a pupil is: the page's key, the id of its field (None: not on
    the page) and what the warning calls it."""

    key: str
    field_id: str | None
    label: str


PLACES: Final = (
    Place("topic", "topic", "тема урока"),
    Place("hw_text", "hw_text", "домашнее задание"),
    Place("files", "hw_files", "имя файла задания"),
    Place("marks", None, "комментарий к оценке"),
)
_BY_KEY: Final = {place.key: place for place in PLACES}
# The journal's fields (the whole-class save's and the single routes') -> the page's keys.
_KEYS: Final = {"topic": "topic", "homework.text": "hw_text", "text": "hw_text", "name": "files"}


def named_keys(answer: Any) -> list[str]:  # noqa: ANN401 - a JSON answer of the journal
    """The page's keys of the texts an answer of the journal warns about, in its order."""
    warnings = answer.get("warnings") if isinstance(answer, dict) else None
    keys: list[str] = []
    for warning in warnings if isinstance(warnings, list) else ():
        if not isinstance(warning, dict) or warning.get("reason") != REASON:
            continue
        field = str(warning.get("field", ""))
        key = _KEYS.get(field, "marks" if "comment" in field else None)
        if key is not None and key not in keys:
            keys.append(key)
    return keys


def places(keys: Iterable[str]) -> list[Place]:
    """The places of these keys, in the page's order (unknown keys are left out)."""
    wanted = set(keys)
    return [place for place in PLACES if place.key in wanted]


def parse_keys(text: str) -> list[str]:
    """Keys as the page's address carries them after a save without script (`named=a,b`)."""
    return [place.key for place in places(text.split(","))]
