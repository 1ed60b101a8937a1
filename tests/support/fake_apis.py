"""The APIs both web apps' pages call, faked for the page tests: a base that takes the calls of
the app's port (the school's `Backends`, the portal's `Diary`) and hands each to the test's fake
as one `Call`, so that no fake repeats the port's signatures.

A test's fake answers only what its pages call, by overriding `answer_get`, `answer_download`
and `answer_send`; a call it does not answer fails the test (`NotImplementedError`, which the
app does not turn into a page), so a page that calls more than the test expects is seen.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from contracts.journal import Finding
from services.common.webapp.backends import ApiRefused, Download, Files
from services.journal.application.check_reads import listed_once

DIARY = "diary"
"""The portal's one API."""


@dataclass(frozen=True)
class Call:
    """One call a page made: a GET or a download (`method` "GET"), or a write with its body
    and its Idempotency-Key."""

    api: str
    method: str
    path: str
    token: str
    params: Mapping[str, str] | None = None
    json: Any = None
    files: Files | None = None
    data: Mapping[str, str] | None = None
    idempotency_key: str | None = None


class FakeAnswers:
    """What a fake answers; every call it does not override fails the test."""

    def answer_get(self, call: Call) -> Any:
        """The JSON answer of a GET."""
        raise NotImplementedError(f"this test's fake answers no GET {call.api} {call.path}")

    def answer_download(self, call: Call) -> Download:
        """The file of a download."""
        raise NotImplementedError(f"this test's fake has no file {call.api} {call.path}")

    def answer_send(self, call: Call) -> Any:
        """The JSON answer of a write."""
        raise NotImplementedError(f"this test's fake takes no {call.method} {call.path}")


class FakeBackends(FakeAnswers):
    """The school's `Backends` (`services.web.application.ports`): every call names its API."""

    async def get(
        self, api: str, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Any:
        return self.answer_get(Call(api, "GET", path, token, params))

    async def download(
        self, api: str, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        return self.answer_download(Call(api, "GET", path, token, params))

    async def send(self, api: str, method: str, path: str, token: str, **body: Any) -> Any:
        """`body`: the port's keywords (`json`, `files`, `data`, `idempotency_key`)."""
        return self.answer_send(Call(api, method, path, token, **body))


class FakeDiaryApi(FakeAnswers):
    """The portal's `Diary` (`services.portal.application.ports`): the diary's API alone."""

    async def get(self, path: str, token: str, params: Mapping[str, str] | None = None) -> Any:
        return self.answer_get(Call(DIARY, "GET", path, token, params))

    async def download(
        self, path: str, token: str, params: Mapping[str, str] | None = None
    ) -> Download:
        return self.answer_download(Call(DIARY, "GET", path, token, params))

    async def send(self, method: str, path: str, token: str, **body: Any) -> Any:
        """`body`: the port's keywords (`json`, `files`, `data`, `idempotency_key`)."""
        return self.answer_send(Call(DIARY, method, path, token, **body))


def stored(answers: Mapping[Any, Any], key: object, missing: ApiRefused) -> Any:
    """The answer kept under `key`, a copy (a page may change what it got); an exception kept
    there is raised, and `missing` when there is none."""
    answer = answers.get(key, missing)
    if isinstance(answer, Exception):
        raise answer
    return copy.deepcopy(answer)


def check_findings(at_opening: list[dict[str, Any]], now: list[dict[str, Any]]) -> list[Any]:
    """The `findings` of a check's JSON as the journal answers them (each once, flagged
    `at_opening` and `now`), from the findings at opening and now."""
    listed = listed_once(
        [Finding.model_validate(f) for f in at_opening], [Finding.model_validate(f) for f in now]
    )
    return [f.model_dump(mode="json") for f in listed]
