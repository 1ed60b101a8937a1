"""422 `invalid_text` at the HTTP edge: body fields and values checked outside a body."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from pydantic import BaseModel

from contracts.text import Comment, Text
from services.common.http import install_error_handlers
from services.common.text_problems import FILE_NAME, checked_text


class TopicIn(BaseModel):
    topic: Text
    comment: Comment | None = None
    count: int = 0


def build_app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, {})

    @app.post("/topic")
    async def topic(body: TopicIn) -> dict[str, str]:
        return {"topic": body.topic}

    @app.post("/upload")
    async def upload(name: str) -> dict[str, str]:
        return {"name": checked_text(FILE_NAME, name, ("query", "name"))}

    return app


async def post(path: str, **kwargs: object) -> httpx.Response:
    transport = httpx.ASGITransport(app=build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post(path, **kwargs)


async def test_a_refused_character_answers_invalid_text_naming_the_field_not_the_value():
    response = await post("/topic", json={"topic": "secret\u0000", "count": "x"})

    assert response.status_code == 422
    problem = response.json()
    assert problem["reason"] == "invalid_text"
    by_field = {tuple(error["loc"]): error for error in problem["errors"]}
    assert set(by_field) == {("body", "topic"), ("body", "count")}  # every error is listed
    assert by_field["body", "topic"]["ctx"] == {
        "character": "NUL",
        "code": "0000",
        "position": "6",
    }
    assert "secret" not in response.text


async def test_other_mistakes_stay_invalid_request():
    response = await post("/topic", json={"topic": "   "})

    assert (response.status_code, response.json()["reason"]) == (422, "invalid_request")


async def test_a_value_outside_the_body_is_refused_the_same_way_and_normalised():
    refused = await post("/upload", params={"name": "secret\x1b.pdf"})
    accepted = await post("/upload", params={"name": " e\u0301.pdf "})

    assert refused.status_code == 422
    assert refused.json()["reason"] == "invalid_text"
    assert [error["loc"] for error in refused.json()["errors"]] == [["query", "name"]]
    assert accepted.json() == {"name": "\u00e9.pdf"}
