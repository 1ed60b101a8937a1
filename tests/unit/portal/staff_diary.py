"""A fake diary for the page tests of the teacher's and the messages' pages: GET answers by
path, writes recorded and answered (or refused, or down), files by path.

It stands in for the diary's HTTP API (`services.portal.application.ports.Diary`); the app, its
session, CSRF check, templates and error pages are the real ones. The answers the tests give it
are checked against the diary's own response models (`diary_shaped`), so that a fake answer
cannot drift from what the diary sends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from services.portal.application.ports import ApiRefused, ApiUnavailable, Download
from tests.support.fake_apis import Call, FakeDiaryApi, stored

T = TypeVar("T")

YEAR_PATH = "/schools/s1/years/2026"
MESSAGES = "/schools/s1/messages"


def diary_shaped(model: type[BaseModel], answer: T) -> T:
    """`answer`, once the diary's response `model` takes it (its JSON is what the pages read)."""
    model.model_validate(answer)
    return answer


@dataclass(frozen=True)
class Sent:
    """One write the portal sent."""

    method: str
    path: str
    json: Any
    data: Mapping[str, str] | None
    files: Any
    key: str | None


@dataclass
class FakeDiary(FakeDiaryApi):
    """Answers `gets` by path (an `ApiRefused` there is raised); `answer` makes a write's answer;
    `refusal` refuses every write; `down` is an outage of everything."""

    gets: dict[str, Any] = field(default_factory=dict)
    files: dict[str, Download] = field(default_factory=dict)
    asked: list[tuple[str, Mapping[str, str] | None]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    answer: Callable[[Sent], Any] = lambda _sent: {}
    refusal: ApiRefused | None = None
    down: bool = False

    def answer_get(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("diary", "down")
        self.asked.append((call.path, call.params))
        return stored(self.gets, call.path, ApiRefused(404, "not_found", call.path))

    def answer_download(self, call: Call) -> Download:
        return stored(self.files, call.path, ApiRefused(404, "attachment_not_found", call.path))

    def answer_send(self, call: Call) -> Any:
        if self.down:
            raise ApiUnavailable("diary", "down")
        sent = Sent(call.method, call.path, call.json, call.data, call.files, call.idempotency_key)
        self.sent.append(sent)
        if self.refusal is not None:
            raise self.refusal
        return self.answer(sent)
