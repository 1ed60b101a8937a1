"""Every string of every contract model refuses what PostgreSQL cannot store.

Walks every pydantic model reachable from the `contracts` package (each module imported, its
models and the models their fields name), down every field annotation (unions, containers,
dict keys and values, `Annotated`, nested models), and checks each string position on its own.
A plain `str` field added later fails here: give it a pattern or a `contracts.text` type.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import types
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

import contracts
from contracts.text import TextRules

_CONTAINERS = (list, tuple, set, frozenset, dict)


def _contract_modules() -> list[types.ModuleType]:
    names = [info.name for info in pkgutil.walk_packages(contracts.__path__, "contracts.")]
    return [contracts, *(importlib.import_module(name) for name in sorted(names))]


def _models_of(module: types.ModuleType) -> Iterator[type[BaseModel]]:
    for _, value in inspect.getmembers(module, inspect.isclass):
        if issubclass(value, BaseModel) and value is not BaseModel:
            yield value


def _all_subclasses(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for sub in model.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def _field_annotation(field: Any) -> Any:
    """A model field's full annotation: pydantic keeps `Annotated` metadata apart."""
    if field.metadata:
        return Annotated[(field.annotation, *field.metadata)]
    return field.annotation


def _positions(annotation: Any, where: str, found: list[tuple[str, Any]], models: list) -> None:
    """Append `(where, annotation)` for each string position; queue the models met."""
    origin = get_origin(annotation)
    if annotation is str:
        found.append((where, annotation))
    elif origin is Annotated:
        base = get_args(annotation)[0]
        if base is str:
            found.append((where, annotation))
        else:
            _positions(base, where, found, models)
    elif origin is Literal or (inspect.isclass(annotation) and issubclass(annotation, enum.Enum)):
        return
    elif origin in (Union, types.UnionType):
        for index, arg in enumerate(get_args(annotation)):
            _positions(arg, f"{where}|{index}", found, models)
    elif origin in _CONTAINERS or (origin is not None and _is_collection(origin)):
        _container(annotation, origin, where, found, models)
    elif inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        models.append(annotation)


def _is_collection(origin: Any) -> bool:
    return inspect.isclass(origin) and issubclass(origin, (Mapping, list, tuple, set, frozenset))


def _container(annotation: Any, origin: Any, where: str, found: list, models: list) -> None:
    args = [arg for arg in get_args(annotation) if arg is not Ellipsis]
    if inspect.isclass(origin) and issubclass(origin, Mapping) and len(args) == 2:
        _positions(args[0], f"{where}{{key}}", found, models)
        _positions(args[1], f"{where}{{value}}", found, models)
        return
    for arg in args:
        _positions(arg, f"{where}[]", found, models)


def string_positions() -> list[tuple[str, Any]]:
    """`("Model.field...", annotation)` for every string position of every contract model."""
    queue: list[type[BaseModel]] = []
    for module in _contract_modules():
        for model in _models_of(module):
            queue.extend([model, *_all_subclasses(model)])
    seen: set[type[BaseModel]] = set()
    found: list[tuple[str, Any]] = []
    while queue:
        model = queue.pop()
        if model in seen or not model.__module__.startswith("contracts"):
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            where = f"{model.__module__}.{model.__name__}.{name}"
            _positions(_field_annotation(field), where, found, queue)
    return sorted(found, key=lambda item: item[0])


POSITIONS = string_positions()


def _text_rules(annotation: Any) -> TextRules | None:
    if get_origin(annotation) is not Annotated:
        return None
    return next((m for m in annotation.__metadata__ if isinstance(m, TextRules)), None)


def test_the_walk_finds_the_fields_we_know():
    names = {where for where, _ in POSITIONS}

    assert "contracts.journal.lessons.TopicSet.topic" in names
    assert "contracts.journal.lessons.MarkEntry.comment|0" in names
    assert "contracts.envelope.Envelope.data{key}" in names
    assert "contracts.enrollment.ApplicationSubmitted.applicant_name" in names
    assert "contracts.portal.Message.text" in names
    assert len(POSITIONS) > 100


@pytest.mark.parametrize(("where", "annotation"), POSITIONS, ids=[w for w, _ in POSITIONS])
def test_every_string_refuses_what_postgresql_cannot_store(where, annotation):
    adapter = TypeAdapter(annotation)

    for unstorable in ("a\x00b", "a\ud800b"):
        with pytest.raises(ValidationError):
            adapter.validate_python(unstorable)


TEXTS = [(w, a) for w, a in POSITIONS if _text_rules(a) is not None]


@pytest.mark.parametrize(("where", "annotation"), TEXTS, ids=[w for w, _ in TEXTS])
def test_every_text_refuses_control_characters_and_comes_back_in_nfc(where, annotation):
    adapter = TypeAdapter(annotation)
    rules = _text_rules(annotation)
    assert rules is not None
    padding = "x" * max(0, rules.min_length - 1)

    with pytest.raises(ValidationError) as refused:
        adapter.validate_python("\x07" + padding)
    assert refused.value.errors()[0]["type"] == "invalid_text"
    assert adapter.validate_python("e\u0301" + padding) == "\u00e9" + padding
    assert unicodedata.is_normalized("NFC", adapter.validate_python("e\u0301" + padding))
