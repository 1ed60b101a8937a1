"""«Мой класс», its calls to the APIs: the journal's grids of every subject of the class, the
lessons with absences, the absence reason, and the enrollment's diary access per pupil.

Every call is made with the person's own token, so the journal and the enrollment decide
what the page may show (DESIGN.md §6). A class has a dozen subjects and, over a month, a
hundred or more lessons with an absence; the calls run concurrently, at most `CONCURRENCY`
at a time, so that the page stays fast without flooding an API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from services.web.application.journal_year import JournalYear
from services.web.application.ports import ApiRefused

T = TypeVar("T")
K = TypeVar("K")
CONCURRENCY: Final = 8
_FORBIDDEN: Final = 403
_NOT_FOUND: Final = 404


async def bounded(
    keys: Iterable[K], call: Callable[[K], Awaitable[T]], limit: int = CONCURRENCY
) -> dict[K, T]:
    """`call(key)` for every key, at most `limit` at once; the answers by key. The first
    failure propagates (the others are cancelled by `gather`'s caller leaving)."""
    gate = asyncio.Semaphore(limit)

    async def one(key: K) -> T:
        async with gate:
            return await call(key)

    listed = list(keys)
    answers = await asyncio.gather(*(one(key) for key in listed))
    return dict(zip(listed, answers, strict=True))


@dataclass(frozen=True, slots=True)
class ClassApi(JournalYear):
    """The routes «Мой класс» calls, for one person in one school year."""

    async def members(self, class_id: str) -> list[dict[str, Any]]:
        """The class's pupils over the year (one entry per interval of membership)."""
        answer = await self.journal(f"/classes/{class_id}/members")
        members: list[dict[str, Any]] = answer.get("members", [])
        return members

    async def grids(
        self, class_id: str, subject_ids: Iterable[str], first: dt.date, last: dt.date
    ) -> dict[str, dict[str, Any]]:
        """The class journal of each subject over the range."""
        params = {"from": first.isoformat(), "to": last.isoformat()}

        async def grid(subject_id: str) -> dict[str, Any]:
            path = f"/classes/{class_id}/subjects/{subject_id}/grid"
            answer: dict[str, Any] = await self.journal(path, params)
            return answer

        return await bounded(subject_ids, grid)

    async def lessons(self, class_id: str, lesson_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Everything recorded for each lesson (its absences with reasons and who)."""

        async def lesson(lesson_id: str) -> dict[str, Any]:
            answer: dict[str, Any] = await self.lesson(class_id, lesson_id)
            return answer

        return await bounded(lesson_ids, lesson)

    async def lesson(self, class_id: str, lesson_id: str) -> dict[str, Any]:
        """Everything recorded for one lesson."""
        answer: dict[str, Any] = await self.journal(f"/classes/{class_id}/lessons/{lesson_id}")
        return answer

    async def set_reason(
        self, class_id: str, lesson_id: str, pupil_id: str, body: Mapping[str, str | None]
    ) -> None:
        """Give (or change) the reason of an absence; the journal decides who may."""
        path = f"{self.base}/classes/{class_id}/lessons/{lesson_id}/absences/{pupil_id}/reason"
        await self.backends.send("journal", "PUT", path, self.token, json=dict(body))

    async def diary_access(
        self, pupil_ids: list[str], on: dt.date
    ) -> tuple[dict[str, dict[str, Any]], ApiRefused | None]:
        """Who can read each pupil's diary on the day (the enrollment's answer per pupil), or
        the enrollment's refusal: asked for the first pupil alone, so that a person it refuses
        costs one call, then for the others together."""
        if not pupil_ids:
            return {}, None
        try:
            first = await self._access(pupil_ids[0], on)
        except ApiRefused as refused:
            if refused.status == _FORBIDDEN:
                return {}, refused
            raise
        rest = await bounded(pupil_ids[1:], lambda pupil_id: self._access(pupil_id, on))
        return {pupil_ids[0]: first, **rest}, None

    async def _access(self, pupil_id: str, on: dt.date) -> dict[str, Any]:
        """The enrollment's answer; `{"unknown": True}` for a pupil it does not know (yet)."""
        path = f"/enrollment/v1/schools/{self.school}/pupils/{pupil_id}/access"
        try:
            answer: dict[str, Any] = await self.backends.get(
                "enrollment", path, self.token, params={"on": on.isoformat()}
            )
        except ApiRefused as refused:
            if refused.status != _NOT_FOUND:
                raise
            return {"unknown": True}
        return answer
