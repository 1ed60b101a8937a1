"""Shared HTTP pieces: problem+json errors, correlation ids, health, readiness and metrics."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable

import httpx
import pytest
import structlog
from fastapi import FastAPI
from pydantic import BaseModel
from structlog.testing import capture_logs

from services.common.auth import AuthError
from services.common.eventstore import ConcurrencyConflict
from services.common.http import (
    PROBLEM_MEDIA_TYPE,
    CorrelationIdMiddleware,
    correlation_id,
    health_router,
    install_error_handlers,
    problem,
    snake_case,
)


class NotFound(Exception):
    pass


class Forbidden(Exception):
    pass


class Conflict(Exception):
    pass


class Invalid(Exception):
    pass


class MarkNotOnScale(Invalid):
    pass


class LessonNotFound(NotFound):
    pass


class MarkIn(BaseModel):
    value: int
    comment: str


DOMAIN = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422}
RAISED: dict[str, Exception] = {
    "lesson": LessonNotFound("no lesson l-1"),
    "forbidden": Forbidden("not your lesson"),
    "conflict": Conflict("lesson already held"),
    "scale": MarkNotOnScale("7 is not on the 2..5 scale"),
    "occ": ConcurrencyConflict("jrn.lesson.l-1", 4),
    "auth": AuthError("role_not_allowed", 403, "teachers only"),
}

Check = Callable[[], Awaitable[dict[str, bool | str]]]


async def all_ready() -> dict[str, bool | str]:
    return {"nats": True, "postgres": True}


def build_app(checks: Check = all_ready, *, middleware: bool = True, **health: float) -> FastAPI:
    app = FastAPI()
    if middleware:
        app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, DOMAIN)
    app.include_router(health_router(checks, **health))

    @app.get("/raise/{name}")
    async def raise_it(name: str) -> None:
        raise RAISED[name]

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals of Ivanov")

    @app.post("/lessons/{lesson_id}/marks")
    async def record(lesson_id: str, mark: MarkIn) -> dict[str, str]:
        structlog.get_logger().info("mark_recorded", lesson_id=lesson_id)
        return {"correlation_id": correlation_id()}

    return app


async def call(app: FastAPI, method: str, path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.request(method, path, **kwargs)  # type: ignore[arg-type]


def assert_problem(response: httpx.Response, status: int, reason: str) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_MEDIA_TYPE
    body = response.json()
    assert body["type"] == f"urn:problem:{reason}"
    assert body["status"] == status
    assert body["reason"] == reason
    assert isinstance(body["title"], str)
    assert isinstance(body["detail"], str)
    return body


# --- problem+json ---------------------------------------------------------------------------


def test_problem_has_the_rfc_9457_shape():
    response = problem(409, "lesson_locked", "the lesson is locked", lesson_id="l-1")

    assert response.media_type == PROBLEM_MEDIA_TYPE
    assert response.body == (
        b'{"type":"urn:problem:lesson_locked","title":"Lesson locked","status":409,'
        b'"reason":"lesson_locked","detail":"the lesson is locked","lesson_id":"l-1"}'
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("MarkNotOnScale", "mark_not_on_scale"),
        ("NotFound", "not_found"),
        ("HTTPError", "http_error"),
        ("Invalid", "invalid"),
    ],
)
def test_error_class_names_become_snake_case_reasons(name: str, expected: str):
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("name", "status", "reason", "detail"),
    [
        ("lesson", 404, "lesson_not_found", "no lesson l-1"),
        ("forbidden", 403, "forbidden", "not your lesson"),
        ("conflict", 409, "conflict", "lesson already held"),
        ("scale", 422, "mark_not_on_scale", "7 is not on the 2..5 scale"),
        ("occ", 409, "concurrency_conflict", "jrn.lesson.l-1 moved past sequence 4"),
        ("auth", 403, "role_not_allowed", "teachers only"),
    ],
)
async def test_errors_map_to_problems_with_status_and_reason(
    name: str, status: int, reason: str, detail: str
):
    response = await call(build_app(), "GET", f"/raise/{name}")

    assert assert_problem(response, status, reason)["detail"] == detail


async def test_invalid_body_is_422_invalid_request_without_echoing_the_input():
    body = {"value": "five", "comment": 42}

    response = await call(build_app(), "POST", "/lessons/l-1/marks", json=body)

    problem_body = assert_problem(response, 422, "invalid_request")
    errors = problem_body["errors"]
    assert isinstance(errors, list)
    assert {tuple(error["loc"]) for error in errors} == {("body", "value"), ("body", "comment")}
    assert all("input" not in error for error in errors)
    assert "five" not in response.text


async def test_unknown_route_is_a_404_problem():
    response = await call(build_app(), "GET", "/nowhere")

    assert_problem(response, 404, "not_found")


async def test_wrong_method_is_a_405_problem_keeping_the_allow_header():
    response = await call(build_app(), "DELETE", "/healthz")

    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"


async def test_uncaught_exception_is_500_without_internals_and_logged_with_traceback():
    with capture_logs() as logs:
        response = await call(build_app(), "GET", "/boom")

    assert_problem(response, 500, "internal_error")
    assert "Ivanov" not in response.text
    assert "Traceback" not in response.text
    assert response.headers["x-correlation-id"]
    failures = [log for log in logs if log["log_level"] == "error"]
    assert len(failures) == 1
    assert isinstance(failures[0]["exc_info"], RuntimeError)
    assert failures[0]["status"] == 500


async def test_uncaught_exception_without_the_middleware_is_still_a_500_problem():
    with capture_logs() as logs:
        response = await call(build_app(middleware=False), "GET", "/boom")

    assert_problem(response, 500, "internal_error")
    assert "Ivanov" not in response.text
    assert [log["event"] for log in logs] == ["unhandled_exception"]


# --- correlation ids and the canonical log line ----------------------------------------------


async def test_correlation_id_is_echoed_bound_and_readable_in_handlers():
    headers = {"X-Correlation-Id": "req-42"}

    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        response = await call(
            build_app(),
            "POST",
            "/lessons/l-1/marks",
            json={"value": 5, "comment": ""},
            headers=headers,
        )

    assert response.headers["x-correlation-id"] == "req-42"
    assert response.json() == {"correlation_id": "req-42"}
    assert [log["correlation_id"] for log in logs] == ["req-42", "req-42"]
    recorded, canonical = logs
    assert recorded["event"] == "mark_recorded"
    assert canonical["event"] == "http_request"
    assert canonical["method"] == "POST"
    assert canonical["route"] == "/lessons/{lesson_id}/marks"
    assert canonical["status"] == 200
    assert canonical["duration_ms"] >= 0


async def test_missing_or_unsafe_correlation_id_is_replaced_by_a_fresh_one():
    plain = await call(build_app(), "GET", "/healthz")
    unsafe = await call(build_app(), "GET", "/healthz", headers={"X-Correlation-Id": "a b\x7f"})

    assert re.fullmatch(r"[0-9a-f]{32}", plain.headers["x-correlation-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-correlation-id"])
    assert plain.headers["x-correlation-id"] != unsafe.headers["x-correlation-id"]


async def test_each_request_starts_with_a_clean_log_context():
    structlog.contextvars.bind_contextvars(user="left-over")

    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        await call(build_app(), "GET", "/raise/lesson")

    assert "user" not in logs[0]
    assert logs[0]["status"] == 404


# --- health, readiness and metrics -----------------------------------------------------------


async def test_healthz_says_ok():
    response = await call(build_app(), "GET", "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_200_when_every_check_passes():
    response = await call(build_app(), "GET", "/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {"nats": True, "postgres": True}}


async def test_readyz_is_503_with_the_results_when_a_check_fails():
    async def postgres_down() -> dict[str, bool | str]:
        return {"nats": True, "postgres": "connection refused", "projector": False}

    response = await call(build_app(postgres_down), "GET", "/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "nats": True,
        "postgres": "connection refused",
        "projector": False,
    }


async def test_readyz_is_503_when_the_checks_raise_or_hang():
    async def broken() -> dict[str, bool | str]:
        raise OSError("unreachable")

    async def hanging() -> dict[str, bool | str]:
        await asyncio.sleep(10)
        return {}

    raised = await call(build_app(broken), "GET", "/readyz")
    hung = await call(build_app(hanging, timeout_seconds=0.05), "GET", "/readyz")

    assert raised.status_code == 503
    assert raised.json()["status"] == "not_ready"
    assert hung.status_code == 503
    assert "timed out" in hung.json()["checks"]["readiness"]


async def test_metrics_expose_the_http_latency_histogram_after_a_request():
    app = build_app()
    await call(app, "GET", "/raise/scale")

    response = await call(app, "GET", "/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'http_request_duration_seconds_count{method="GET",route="/raise/{name}",status="422"}'
        in response.text
    )
