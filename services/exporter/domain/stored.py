"""The stored form of rows (the kernel's, and the exporter's own, kept as jsonb): a row is the
JSON array of its fields in order, read back as the same row.

Positional rather than keyed: a lesson holds a row per mark, and a batch loads and saves every
lesson it touches, so the form is kept small. Written by the JSON encoder itself (a row is a
tuple, so an array; `_plain` is asked only for what JSON lacks: dates and times as ISO text,
decimals as text, contract models by their JSON form). Read back field by field, each field's
conversion following from the row's annotations, worked out once per row type: rows within a
row by their own form, tuples back as tuples; every other field (text, numbers, flags, a
mapping of them) is JSON as it is.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, NamedTuple, TypeGuard, TypeVar

from pydantic import BaseModel

from contracts.text import STORED

Row = TypeVar("Row", bound=NamedTuple)
_Convert = Callable[[Any], Any]


def dumps(value: object) -> str:
    """`value` (rows, lists and mappings of them) as compact JSON text, keys sorted: one state,
    one text (and one digest), whatever order a mapping was filled in."""
    return json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, sort_keys=True, default=_plain
    )


def _plain(value: object) -> object:
    """What JSON lacks, in its JSON form."""
    if isinstance(value, dt.date):  # a datetime too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return dict(value)
    msg = f"not storable: {type(value).__name__}"
    raise TypeError(msg)


def load_row(kind: type[Row], values: Iterable[Any]) -> Row:
    """The row of type `kind` that `dump_row` stored as `values`.

    A row stored before its type gained fields (new fields come last, with defaults: the
    school's configuration gained the year's plan) reads back with those defaults."""
    fields = list(values)
    for at, load in _conversions(kind):
        if at >= len(fields):
            break
        value = fields[at]
        if value is not None:
            fields[at] = load(value)
    return kind(*fields)


@functools.cache
def _conversions(kind: type[NamedTuple]) -> tuple[tuple[int, _Convert], ...]:
    """(field index, conversion) of each field that JSON does not give back as it was."""
    hints = typing.get_type_hints(kind)
    found = ((at, _conversion(hints[name])) for at, name in enumerate(kind._fields))
    return tuple((at, pair) for at, pair in found if pair is not None)


_SCALARS: dict[object, _Convert] = {
    dt.datetime: dt.datetime.fromisoformat,
    dt.date: dt.date.fromisoformat,
    Decimal: Decimal,
}


def _conversion(annotation: Any) -> _Convert | None:  # noqa: ANN401 - a type
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        inner = [arg for arg in args if arg is not type(None)]
        return _conversion(inner[0]) if len(inner) == 1 else None
    if _is_row(annotation):
        return functools.partial(load_row, annotation)
    if typing.get_origin(annotation) is tuple:
        return _items(args[0])
    return _SCALARS.get(annotation)


def _items(item: object) -> _Convert:
    """A tuple of `item`s: contract models, rows, or plain values (a JSON array)."""
    if isinstance(item, type) and issubclass(item, BaseModel):
        return _models(item)
    if _is_row(item):
        return _rows(item)
    return tuple


def _is_row(annotation: object) -> TypeGuard[type[NamedTuple]]:
    return (
        isinstance(annotation, type)
        and issubclass(annotation, tuple)
        and hasattr(annotation, "_fields")
    )


def _rows(kind: type[NamedTuple]) -> _Convert:
    """A tuple of rows, each in its stored form."""

    def load(rows: list[Any]) -> tuple[NamedTuple, ...]:
        return tuple(load_row(kind, row) for row in rows)

    return load


def _models(model: type[BaseModel]) -> _Convert:
    """A tuple of contract models, validated as stored texts are (`contracts.text.STORED`:
    they were valid when folded). Rare (a lesson's homework files, a period mark's inputs, the
    school's configuration), so the validation costs little."""

    def load(items: list[Any]) -> tuple[BaseModel, ...]:
        return tuple(model.model_validate(item, context=STORED) for item in items)

    return load
