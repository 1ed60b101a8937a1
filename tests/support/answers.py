"""Assertions on the answers every service gives the same way: retried commands (Idempotency-Key)
and refused text (`contracts.text`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


def assert_same_answer(first: httpx.Response, again: httpx.Response) -> None:
    """The retry's answer is the first one's, but for saying it is a retry."""
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert {**again.json(), "duplicate": False} == first.json()


def assert_key_reused(response: httpx.Response) -> None:
    """The key was sent before with another request: 422 `idempotency_key_reused`."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["reason"] == "idempotency_key_reused"


def assert_text_refused(response: httpx.Response, loc: list[object], *, secret: str) -> None:
    """422 `invalid_text` naming exactly the field at `loc`, without echoing `secret` (the
    refused value, or a part of it: it may be personal data)."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["reason"] == "invalid_text"
    assert [error["loc"] for error in problem["errors"]] == [loc]
    assert {error["type"] for error in problem["errors"]} == {"invalid_text"}
    assert secret not in response.text
