"""Where an event's free texts are: every field typed as a text in someone's own words
(`contracts.text.TextRules` with `words`: not the name of a school, a subject, a period or a
position, which a pupil's name could only match by chance), found from the model's own
annotations, however deep (a mark's comment in a list of entries, a file's name in an
attachment), with the length its field allows.

A teacher may type a pupil's name in any of them; the journal seals such a text under the
pupil's key (`contracts.personal`, "Texts that name a pupil"), so the walk is the one place
that says which values of a payload are free text. Ids, dates, codes and numbers are never
texts here: their types carry no `TextRules`.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

from contracts.text import TextRules

Path = tuple[str | int, ...]
"""Where a value is in a payload: field names and list indices (dict keys are field names)."""


@dataclass(frozen=True, slots=True)
class FreeText:
    """One free text of a payload: where it is, the text and the longest its field allows."""

    path: Path
    text: str
    max_length: int


def free_texts(model: type[BaseModel], payload: Mapping[str, Any]) -> Iterator[FreeText]:
    """Every non-empty free text of `payload` (a JSON-ready dump of `model`), in field order."""
    yield from _in_model(model, payload, ())


def has_free_texts(model: type[BaseModel], without: Collection[str] = ()) -> bool:
    """Whether the model has a field that may hold a free text, besides the fields `without`."""
    return any(name not in without for name, _ in _fields(model))


def _in_model(model: type[BaseModel], value: Mapping[str, Any], path: Path) -> Iterator[FreeText]:
    for name, annotation in _fields(model):
        if name in value:
            yield from _walk(annotation, value[name], (*path, name))


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any], ...]:
    """The model's fields that may hold a text, with their annotations (metadata included)."""
    found = []
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        if _may_hold_text(annotation):
            found.append((name, annotation))
    return tuple(found)


def _may_hold_text(annotation: Any) -> bool:  # noqa: ANN401 - any annotation
    if _rules(annotation) is not None:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return bool(_fields(annotation))
    return any(_may_hold_text(arg) for arg in get_args(_bare(annotation)))


def _walk(annotation: Any, value: Any, path: Path) -> Iterator[FreeText]:  # noqa: ANN401
    rules = _rules(annotation)
    if rules is not None:
        if isinstance(value, str) and value:
            yield FreeText(path, value, rules.max_length)
        return
    bare = _bare(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        if isinstance(value, Mapping):
            yield from _in_model(bare, value, path)
        return
    yield from _in_container(bare, value, path)


def _in_container(bare: Any, value: Any, path: Path) -> Iterator[FreeText]:  # noqa: ANN401
    """A union (the value says which member), a list or a dict of what may hold texts."""
    origin, args = get_origin(bare), get_args(bare)
    if origin in (Union, types.UnionType):
        member = next((a for a in args if a is not type(None) and _fits(a, value)), None)
        if member is not None:
            yield from _walk(member, value, path)
    elif origin in (list, tuple) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(args[0], item, (*path, index))
    elif origin is dict and isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(args[1], item, (*path, key))


def _bare(annotation: Any) -> Any:  # noqa: ANN401
    """The annotation without its `Annotated` metadata."""
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _rules(annotation: Any) -> TextRules | None:  # noqa: ANN401
    """The rules of a text in someone's own words (`TextRules.words`), or None."""
    if get_origin(annotation) is Annotated:
        found = (m for m in annotation.__metadata__ if isinstance(m, TextRules) and m.words)
        return next(found, None)
    return None


def _fits(annotation: Any, value: Any) -> bool:  # noqa: ANN401
    """Whether a JSON value may be of the (non-None) annotation."""
    bare = _bare(annotation)
    if _rules(annotation) is not None or bare is str:
        return isinstance(value, str)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return isinstance(value, Mapping)
    origin = get_origin(bare)
    if origin in (list, tuple):
        return isinstance(value, list)
    if origin is dict:
        return isinstance(value, Mapping)
    return False


def at(payload: Any, path: Path) -> Any:  # noqa: ANN401 - a JSON value
    """The value at `path` (KeyError/IndexError/TypeError when there is none)."""
    for step in path:
        payload = payload[step]
    return payload


def replaced(payload: Any, path: Path, value: str) -> Any:  # noqa: ANN401 - a JSON value
    """A copy of `payload` with the value at `path` replaced (the containers on the way copied,
    the rest shared)."""
    head, *rest = path
    inner = value if not rest else replaced(payload[head], tuple(rest), value)
    if isinstance(payload, list):
        copy = list(payload)
        copy[int(head)] = inner
        return copy
    return {**payload, head: inner}
