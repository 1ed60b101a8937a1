"""Every service's OpenAPI document tells the truth: each error status an operation can answer
is documented as problem+json with the one `Problem` schema, routes that answer other than JSON
say in what, the Idempotency-Key's format is declared, and operation ids are short and unique."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from fastapi import FastAPI, params
from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from deploy.gen_docs import service_apps
from services.common.problems import PROBLEM_MEDIA_TYPE
from services.common.routes import flat_routes

APPS = service_apps()
PROBLEM = {"schema": {"$ref": "#/components/schemas/Problem"}}


def api_routes(app: FastAPI) -> list[APIRoute]:
    routes = flat_routes(app.routes)
    return [r for r in routes if isinstance(r, APIRoute) and r.include_in_schema]


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items()]


@pytest.fixture(params=sorted(APPS))
def app_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_every_error_is_problem_json_and_fastapis_own_body_is_gone(app_name: str):
    document = APPS[app_name].openapi()

    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, method, op in operations(document):
        errors = {s: r for s, r in op["responses"].items() if int(s) >= 400}
        assert all(r["content"] == {PROBLEM_MEDIA_TYPE: PROBLEM} for r in errors.values()), path
        if path not in {"/healthz", "/metrics"}:
            assert "503" in errors, (method, path)
        if op.get("security"):
            assert {"401", "403"} <= set(errors), (method, path)
        if op.get("parameters") or op.get("requestBody"):
            assert "422" in errors, (method, path)


def test_operation_ids_are_the_route_functions_names(app_name: str):
    app = APPS[app_name]
    ids = [op["operationId"] for _, _, op in operations(app.openapi())]

    assert len(ids) == len(set(ids))
    named = {r.name for r in api_routes(app)}
    assert set(ids) == named


def test_a_route_answering_other_than_json_says_in_what(app_name: str):
    app = APPS[app_name]
    document = app.openapi()
    for route in api_routes(app):
        answers = route.response_class
        if isinstance(answers, DefaultPlaceholder) or issubclass(answers, JSONResponse):
            continue  # FastAPI's default JSON or a JSON class: documented by the model
        for method in route.methods:
            responses = document["paths"][route.path_format][method.lower()]["responses"]
            declared = {t for s, r in responses.items() if s.startswith("2") for t in r["content"]}
            assert declared, (method, route.path)
            assert declared != {"application/json"}, (method, route.path)


def test_the_idempotency_key_says_its_format_and_its_400():
    seen = 0
    for document in (app.openapi() for app in APPS.values()):
        for _, _, op in operations(document):
            keys = [p for p in op.get("parameters", []) if p["name"] == "idempotency-key"]
            if keys:
                seen += 1
                assert keys[0]["schema"]["pattern"] == "^[A-Za-z0-9._:-]{1,100}$"
                assert "400" in op["responses"]
    assert seen > 0


def test_a_routes_own_words_for_an_error_stay():
    paths = APPS["audit"].openapi()["paths"]
    as_of = next(ops["get"] for path, ops in paths.items() if path.endswith("/lessons/{lesson_id}"))

    assert as_of["responses"]["404"]["description"] == (
        "nothing under that key had been recorded by the moment"
    )
    assert as_of["responses"]["404"]["content"] == {PROBLEM_MEDIA_TYPE: PROBLEM}


def request_bodies(app: FastAPI) -> dict[str, type[BaseModel]]:
    """ "METHOD path" -> the JSON body's model, of every route that takes one (an optional body
    too; not a form's)."""
    bodies: dict[str, type[BaseModel]] = {}
    for route in api_routes(app):
        field = route.body_field
        if field is None or isinstance(field.field_info, params.Form):
            continue
        annotation = field.field_info.annotation
        body = next((a for a in (annotation, *get_args(annotation)) if isinstance(a, type)), None)
        if body is not None and issubclass(body, BaseModel):
            for method in sorted(route.methods):
                bodies[f"{method} {route.path}"] = body
    return bodies


def examples_of(model: type[BaseModel]) -> list[Any]:
    examples: list[Any] = model.model_json_schema().get("examples", [])
    return examples


def test_every_example_of_a_request_body_is_a_body_the_route_accepts(app_name: str):
    models = set(request_bodies(APPS[app_name]).values())

    for model in models:
        for example in examples_of(model):
            model.model_validate(example)  # raises when the example is not a valid body
    assert any(examples_of(model) for model in models), f"{app_name} shows no example"


def test_a_lesson_is_recorded_from_the_examples_alone():
    bodies = request_bodies(APPS["journal"])
    lesson_writes = {
        route: model
        for route, model in bodies.items()
        if "/lessons/{lesson_id}" in route and not route.startswith("GET")
    }

    missing = sorted(route for route, model in lesson_writes.items() if not examples_of(model))
    assert len(lesson_writes) >= 10
    assert not missing, missing
