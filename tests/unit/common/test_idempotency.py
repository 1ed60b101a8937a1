"""Idempotency keys: scoped command ids, and request fingerprints that a genuine retry
reproduces whatever its JSON key order or multipart boundary, bound in the key ledger (another
request under a bound key is refused) and kept with the stored event."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import Depends, FastAPI, File, Form, Header, Request, UploadFile
from pydantic import BaseModel

from contracts.envelope import HEADER_REQUEST_FINGERPRINT, Envelope
from contracts.journal import TopicSet
from services.common.eventstore import Version, decode_stored, encode, headers_for
from services.common.eventstore_memory import InMemoryEventStore
from services.common.http import install_error_handlers
from services.common.idempotency import (
    CommandIdentity,
    IdempotencyKey,
    IdempotencyKeyReused,
    check_same_request,
    command_identity,
    scoped_command_id,
)
from services.common.idempotency_ledger import InMemoryKeyLedger
from tests.support.stored_events import envelope_of

SCOPE = ("user-1", "POST /lessons/{lesson_id}/marks", "/lessons/l1/marks", "k-1")


def test_a_key_is_scoped_to_the_caller_the_operation_and_the_target():
    base = scoped_command_id(*SCOPE)
    others = {scoped_command_id(*SCOPE[:i], "other", *SCOPE[i + 1 :]) for i in range(len(SCOPE))}

    assert scoped_command_id(*SCOPE) == base
    assert len(base) == 32
    assert int(base, 16) >= 0
    assert len(others) == len(SCOPE)
    assert base not in others


def test_the_parts_of_a_scope_never_run_into_each_other():
    assert scoped_command_id("a:b", "c", "/t", "k") != scoped_command_id("a", "b:c", "/t", "k")


def test_another_request_under_a_recorded_key_is_refused():
    check_same_request("f1", "f1")
    with pytest.raises(IdempotencyKeyReused) as refused:
        check_same_request("f1", "f2")
    assert (refused.value.status, refused.value.reason) == (422, "idempotency_key_reused")


class MarkBody(BaseModel):
    value: int
    comment: str = ""


async def identity(
    request: Request, x_user: Annotated[str, Header()], idempotency_key: IdempotencyKey = None
) -> CommandIdentity:
    return await command_identity(request, x_user, idempotency_key)


Identity = Annotated[CommandIdentity, Depends(identity)]


def make_app(ledger: InMemoryKeyLedger | None) -> FastAPI:
    app = FastAPI()
    app.state.idempotency = ledger
    install_error_handlers(app, {})

    @app.post("/lessons/{lesson_id}/marks")
    async def mark(lesson_id: str, body: MarkBody, ids: Identity) -> dict[str, str]:
        return {"command_id": ids.command_id, "fingerprint": ids.fingerprint}

    @app.post("/messages")
    async def post(
        text: Annotated[str, Form()], files: Annotated[list[UploadFile], File()], ids: Identity
    ) -> dict[str, str | int]:
        size = 0
        for file in files:  # the route still reads the whole files
            size += len(await file.read())
        return {"command_id": ids.command_id, "fingerprint": ids.fingerprint, "size": size}

    return app


@pytest.fixture
def ledger() -> InMemoryKeyLedger:
    return InMemoryKeyLedger()


@pytest.fixture
async def http(ledger):
    transport = httpx.ASGITransport(app=make_app(ledger))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def send(http, path="/lessons/l1/marks", *, user="u1", key="k-1", **request):
    headers = {"X-User": user}
    if key:
        headers["Idempotency-Key"] = key
    if "content" in request:  # raw JSON bytes, to choose the key order
        headers["Content-Type"] = "application/json"
    return await http.post(path, headers=headers, **request)


async def ids_of(http, path="/lessons/l1/marks", **request) -> dict:
    answer = await send(http, path, **request)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def refused(http, path="/lessons/l1/marks", **request) -> None:
    """The ledger refuses the key: its first request had another fingerprint."""
    answer = await send(http, path, **request)
    assert answer.status_code == 422, answer.text
    assert answer.json()["reason"] == "idempotency_key_reused"


async def test_a_retried_json_body_gets_the_same_ids_whatever_its_key_order(http, ledger):
    first = await ids_of(http, content=b'{"value": 5, "comment": "ok"}')
    again = await ids_of(http, content=b'{"comment":"ok","value":5}')
    await refused(http, json={"value": 4, "comment": "ok"})

    assert again == first
    assert ledger.keys == {first["command_id"]: first["fingerprint"]}


async def test_a_key_stays_bound_to_the_first_request_it_came_with(http, ledger):
    first = await ids_of(http, json={"value": 5}, key="k-2")
    await refused(http, json={"value": 4}, key="k-2")
    await refused(http, json={"value": 4}, key="k-2")  # the refusal bound nothing new

    assert await ids_of(http, json={"value": 5}, key="k-2") == first
    assert ledger.keys[first["command_id"]] == first["fingerprint"]


async def test_an_app_without_a_key_ledger_takes_no_keys():
    transport = httpx.ASGITransport(app=make_app(None), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await send(client, json={"value": 5})).status_code == 500
        assert (await send(client, key=None, json={"value": 5})).status_code == 200


async def test_the_same_key_from_another_user_or_on_another_target_is_another_command(http):
    body = {"value": 5}
    first = await ids_of(http, json=body)
    other_user = await ids_of(http, user="u2", json=body)
    other_lesson = await ids_of(http, "/lessons/l2/marks", json=body)

    assert len({first["command_id"], other_user["command_id"], other_lesson["command_id"]}) == 3


async def test_the_query_is_part_of_the_request_in_any_order(http):
    first = await ids_of(http, "/lessons/l1/marks?a=1&b=2", json={"value": 5})
    again = await ids_of(http, "/lessons/l1/marks?b=2&a=1", json={"value": 5})
    await refused(http, "/lessons/l1/marks?a=1&b=3", json={"value": 5})

    assert again == first


async def test_a_retried_upload_gets_the_same_fingerprint_despite_a_new_boundary(http):
    def files(data: bytes) -> list:
        return [
            ("files", ("a.pdf", data, "application/pdf")),
            ("files", ("b.txt", b"b", "text/plain")),
        ]

    first = await ids_of(http, "/messages", data={"text": "hi"}, files=files(b"%PDF-1"))
    again = await ids_of(http, "/messages", data={"text": "hi"}, files=files(b"%PDF-1"))
    await refused(http, "/messages", data={"text": "hi"}, files=files(b"%PDF-2"))

    assert again == first
    assert first["size"] == len(b"%PDF-1") + 1


async def test_without_a_key_every_request_is_a_new_command(http):
    first = await ids_of(http, key=None, json={"value": 5})
    again = await ids_of(http, key=None, json={"value": 5})

    assert first["command_id"] != again["command_id"]
    assert first["fingerprint"] == again["fingerprint"] == ""


async def test_a_key_out_of_format_is_refused(http):
    for key in ("with space", "x" * 101, "a/b"):
        answer = await http.post(
            "/lessons/l1/marks", headers={"X-User": "u1", "Idempotency-Key": key}, json={"value": 5}
        )
        assert (answer.status_code, answer.json()["reason"]) == (400, "invalid_idempotency_key")


def envelope() -> Envelope:
    return envelope_of(TopicSet(topic="fractions"))


def test_the_fingerprint_travels_in_a_header_and_is_read_back():
    env = envelope()
    headers = headers_for(env, expected=Version(), msg_id="m1", fingerprint="f1")
    stored = decode_stored("jrn.s", 1, encode(env), headers, None)

    assert headers[HEADER_REQUEST_FINGERPRINT] == "f1"
    assert stored.fingerprint == "f1"
    assert HEADER_REQUEST_FINGERPRINT not in headers_for(env, expected=Version(), msg_id="m2")


async def test_a_duplicate_append_answers_the_first_requests_fingerprint():
    store = InMemoryEventStore()
    first = await store.append("s.a", envelope(), expected=Version(), msg_id="m1", fingerprint="f1")
    again = await store.append("s.b", envelope(), expected=Version(), msg_id="m1", fingerprint="f2")

    assert (first.duplicate, first.seq) == (False, 1)
    assert (again.duplicate, again.seq, again.fingerprint) == (True, 1, "f1")
    assert (await store.load("s.a")).events[0].fingerprint == "f1"
