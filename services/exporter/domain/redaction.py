"""The free texts of an exported document, passed through a redactor before they leave.

A teacher's free text may name a pupil («Акимовой Веронике — молодец»). The exporter hands
every exported free text to a redactor (`Redact`: the school side's name guard, which replaces
each mention of a pupil with a neutral mark and counts them) before the record is published,
and the diary check does the same to the journal's side so that both compare alike.

Free texts by record kind (everything else a record holds is ids, dates, codes and numbers):

- `lesson`: the topic, the homework text, the homework files' names, the marks' comments;
- `school`: the names of periods, scale values, kinds of work and subjects, of the schemes of
  periods and their periods, and of the days off (the administrator's configuration, passed
  through all the same);
- `class`: the label.

Not passed: the staff directory (`staff`: teachers' surnames and initials, public by law — a
teacher must not vanish from it because a pupil shares their surname and initials) and the
period marks (no text at all).

A replacement can make a very short text longer than its field allows: the result is cut to
the field's length, never refused (`kernel.redaction`), so that one comment cannot hold back a
school's export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Final

from contracts.text import COMMENT_LENGTH, NAME_LENGTH, TEXT_LENGTH
from kernel.redaction import Redact, redact_within
from services.exporter.domain.docs import Content, Doc

_TEXT: Final = TEXT_LENGTH  # contracts.diary.LessonText
_COMMENT: Final = COMMENT_LENGTH
_NAME: Final = NAME_LENGTH  # contracts.text.Name, FileName, a subject's name
_LABEL: Final = 8  # contracts.journal.ClassLabel

# kind -> (field -> its length), and (list field -> (item field -> its length)).
_FIELDS: Mapping[str, Mapping[str, int]] = {
    "lesson": {"topic": _TEXT, "homework": _TEXT},
    "class": {"label": _LABEL},
}
_ITEMS: Mapping[str, Mapping[str, tuple[str, int]]] = {
    "lesson": {"files": ("name", _NAME), "marks": ("comment", _COMMENT)},
    "school": {
        "periods": ("name", _NAME),
        "scale": ("label", _NAME),
        "work_kinds": ("name", _NAME),
        "subjects": ("name", _NAME),
        "schemes": ("name", _NAME),
        "days_off": ("name", _NAME),
    },
}
# kind -> (list field -> (list field of each item -> (its items' field -> its length))).
_NESTED: Mapping[str, Mapping[str, tuple[str, str, int]]] = {
    "school": {"schemes": ("periods", "name", _NAME)},
}


def redact_content(kind: str, content: Content, redact: Redact) -> tuple[Content, int]:
    """The content of a record of `kind` with its free texts redacted, and the count of
    replacements; the very same content when nothing was replaced."""
    replaced = 0
    changed: dict[str, Any] = {}
    for name, limit in _FIELDS.get(kind, {}).items():
        text, count = _one(content.get(name), limit, redact)
        if count:
            changed[name], replaced = text, replaced + count
    for name, (item_field, limit) in _ITEMS.get(kind, {}).items():
        items, count = _items(changed.get(name, content.get(name)), item_field, limit, redact)
        if count:
            changed[name], replaced = items, replaced + count
    for name, (inner, item_field, limit) in _NESTED.get(kind, {}).items():
        items, count = _nested(
            changed.get(name, content.get(name)), inner, (item_field, limit), redact
        )
        if count:
            changed[name], replaced = items, replaced + count
    if not replaced:
        return content, 0
    return {**content, **changed}, replaced


def redact_doc(doc: Doc, redact: Redact) -> tuple[Doc, int]:
    """The document with its free texts redacted (the same document when nothing was)."""
    content, replaced = redact_content(doc.kind, doc.content, redact)
    return (replace(doc, content=content), replaced) if replaced else (doc, 0)


def _one(value: object, limit: int, redact: Redact) -> tuple[object, int]:
    if not isinstance(value, str) or not value:
        return value, 0
    return redact_within(value, limit, redact)


def _items(value: object, field: str, limit: int, redact: Redact) -> tuple[object, int]:
    """The items of `value` with their `field` redacted."""

    def one(item: Mapping[str, object]) -> tuple[Mapping[str, object], int]:
        text, count = _one(item.get(field), limit, redact)
        return ({**item, field: text}, count) if count else (item, 0)

    return _each(value, one)


def _nested(
    value: object, inner: str, item_field: tuple[str, int], redact: Redact
) -> tuple[object, int]:
    """The items of `value` with the `item_field` of each item of their `inner` list redacted
    (a scheme's periods' names)."""

    def one(item: Mapping[str, object]) -> tuple[Mapping[str, object], int]:
        items, count = _items(item.get(inner), *item_field, redact)
        return ({**item, inner: items}, count) if count else (item, 0)

    return _each(value, one)


def _each(
    value: object, redact_item: Callable[[Mapping[str, object]], tuple[Mapping[str, object], int]]
) -> tuple[object, int]:
    """Each mapping of the list `value` through `redact_item`; `value` itself (and 0) when
    nothing was replaced, so an untouched document stays the same object."""
    if not isinstance(value, list | tuple):
        return value, 0
    replaced = 0
    result: list[object] = []
    for item in value:
        if isinstance(item, Mapping):
            item, count = redact_item(item)  # noqa: PLW2901
            replaced += count
        result.append(item)
    return (result, replaced) if replaced else (value, 0)
