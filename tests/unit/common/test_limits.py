"""Request bodies over the limit are refused with 413 before anything reads them; upload routes
keep their own larger limit; the pool wait inside a request is the short one, and only a
long-running route sends a timed-out NATS call again."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
from fastapi import APIRouter, FastAPI, File, UploadFile
from pydantic import BaseModel
from starlette.types import Message

from services.common.db import ACQUIRE_TIMEOUT, BACKGROUND_ACQUIRE_SECONDS
from services.common.http import CorrelationIdMiddleware, install_error_handlers
from services.common.limits import RequestLimits, RequestLimitsMiddleware, long_running, upload
from services.common.patience import PATIENT
from services.common.settings import MIB

LIMITS = RequestLimits(body_bytes=MIB, upload_bytes=3 * MIB, dependency_seconds=0.7)


class Mark(BaseModel):
    value: int
    comment: str


def build_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestLimitsMiddleware, routes=lambda: app.router.routes, limits=LIMITS)
    app.add_middleware(CorrelationIdMiddleware)
    install_error_handlers(app, {})

    @app.post("/marks")
    async def record(mark: Mark) -> dict[str, int]:
        return {"length": len(mark.comment)}

    files = APIRouter(prefix="/lessons/{lesson_id}")  # included, as the services' routers are

    @files.post("/files")
    @upload("file_too_large")
    async def attach(lesson_id: str, file: UploadFile = File()) -> dict[str, int]:
        return {"size": len(await file.read())}

    app.include_router(files)

    @app.get("/acquire-timeout")
    async def acquire_timeout() -> dict[str, float | bool]:
        return {"seconds": ACQUIRE_TIMEOUT.get(), "patient": PATIENT.get()}

    @app.post("/rollover")
    @long_running
    async def rollover() -> dict[str, float | bool]:
        return {"seconds": ACQUIRE_TIMEOUT.get(), "patient": PATIENT.get()}

    return app


def json_body(size: int) -> bytes:
    return json.dumps({"value": 5, "comment": "x" * size}).encode()


async def test_a_declared_2_mib_json_body_is_413_before_a_byte_is_read():
    app = build_app()
    body = json_body(2 * MIB)
    reads: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        message: Message = {"type": "http.request", "body": body, "more_body": False}
        reads.append(message)
        return message

    async def send(message: Message) -> None:
        sent.append(message)

    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/marks",
        "raw_path": b"/marks",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "server": ("test", 80),
        "client": ("127.0.0.1", 1),
        "app": app,
    }
    await app(scope, receive, send)

    assert reads == []  # refused on the declared length alone
    assert sent[0]["status"] == 413
    problem = json.loads(sent[1]["body"])
    assert problem["reason"] == "body_too_large"


async def test_a_streamed_body_is_cut_when_it_passes_the_limit():
    chunk = b"x" * (256 * 1024)
    pulled: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"value": 5, "comment": "'
        for index in range(16):  # 4 MiB if it were all read
            pulled.append(index)
            yield chunk
        yield b'"}'

    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/marks", content=chunks(), headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert response.json()["reason"] == "body_too_large"
    assert len(pulled) < 16  # the rest was never read


async def test_a_body_within_the_limit_is_served():
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post(
            "/marks", content=json_body(1000), headers={"content-type": "application/json"}
        )

    assert response.status_code == 200
    assert response.json() == {"length": 1000}


async def test_an_upload_route_keeps_its_own_larger_limit():
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        fits = await client.post("/lessons/l1/files", files={"file": ("a.pdf", b"x" * (2 * MIB))})
        too_big = await client.post(
            "/lessons/l1/files", files={"file": ("a.pdf", b"x" * (4 * MIB))}
        )

    assert fits.status_code == 200
    assert fits.json() == {"size": 2 * MIB}
    assert too_big.status_code == 413
    assert too_big.json()["reason"] == "file_too_large"  # the route's own word for it


async def test_a_request_waits_briefly_and_answers_the_first_nats_timeout():
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/acquire-timeout")

    assert response.json() == {"seconds": 0.7, "patient": False}
    assert ACQUIRE_TIMEOUT.get() == BACKGROUND_ACQUIRE_SECONDS
    assert PATIENT.get() is True  # background work outside the request stays patient


async def test_a_long_running_route_waits_and_resends_as_batch_work_does():
    # its own side-by-side commands are what it queues behind, not an outage
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.post("/rollover")

    assert response.json() == {"seconds": BACKGROUND_ACQUIRE_SECONDS, "patient": True}
