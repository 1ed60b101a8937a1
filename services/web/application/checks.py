"""The journal's monthly check API as the check and remark pages call it, with the person's own
token (so the journal's access rules apply unchanged), and the short wait for its views.

The journal records a command at once but shows it in its read views a moment later (they are
projections of the event stream). A page that redirects back after an action would often show
the state before it; so the action waits, briefly and boundedly, until the view shows what was
recorded, and otherwise goes back anyway (the page says the change may take a moment).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from services.web.application.journal_year import JournalYear
from services.web.application.ports import ApiRefused

T = TypeVar("T")
SETTLE_SECONDS: Final = 5.0
_POLL_SECONDS: Final = 0.2
_NOT_YET: Final = 404


@dataclass(frozen=True, slots=True)
class CheckApi(JournalYear):
    """The check routes of the journal for one person in one school year."""

    async def checks(self) -> list[dict[str, Any]]:
        """The checks of the year, the latest first."""
        answer: list[dict[str, Any]] = await self.journal("/checks")
        return answer

    async def check(self, check_id: str) -> dict[str, Any]:
        """A check: findings at opening and now, remarks with their status."""
        answer: dict[str, Any] = await self.journal(f"/checks/{check_id}")
        return answer

    async def class_members(self, class_id: str) -> dict[str, Any]:
        """A class's pupils (their names for the findings about absences)."""
        answer: dict[str, Any] = await self.journal(f"/classes/{class_id}/members")
        return answer

    async def teacher_remarks(self, teacher_id: str) -> list[dict[str, Any]]:
        """The remarks addressed to a teacher this year."""
        answer: list[dict[str, Any]] = await self.journal(f"/teachers/{teacher_id}/remarks")
        return answer

    async def open(self, month: str, scope: str, target_id: str | None, key: str | None) -> str:
        """Open the check of a month; answers its id."""
        body = {"month": month, "scope": scope, "target_id": target_id}
        answer = await self._post("/checks", body, key)
        return str(answer["check_id"])

    async def issue(self, check_id: str, body: dict[str, Any], key: str | None) -> str:
        """Issue a remark; answers its id."""
        answer = await self._post(f"/checks/{check_id}/remarks", body, key)
        return str(answer["remark_id"])

    async def act(
        self, check_id: str, path: str, body: dict[str, Any] | None, key: str | None
    ) -> None:
        """A plain action on the check (`close`) or a remark (`remarks/{id}/confirm` …)."""
        await self._post(f"/checks/{check_id}/{path}", body, key)

    async def _post(
        self,
        path: str,
        body: dict[str, Any] | None,
        key: str | None,
    ) -> Any:  # noqa: ANN401 - the API's JSON answer
        return await self.backends.send(
            "journal", "POST", self.base + path, self.token, json=body, idempotency_key=key
        )


async def pupil_names(api: CheckApi, class_ids: Iterable[str]) -> dict[str, str]:
    """The names of the pupils of the classes (findings about absences name pupils by id); a
    class the person may not read leaves its pupils shown by id."""

    async def members(class_id: str) -> list[dict[str, Any]]:
        try:
            answer = await api.class_members(class_id)
        except ApiRefused:
            return []
        found: list[dict[str, Any]] = answer.get("members", [])
        return found

    lists = await asyncio.gather(*(members(c) for c in sorted(class_ids)))
    return {m["pupil_id"]: m["full_name"] for found in lists for m in found if m.get("full_name")}


async def settle(
    read: Callable[[], Awaitable[T]],
    shown: Callable[[T], bool],
    seconds: float = SETTLE_SECONDS,
) -> T | None:
    """Read until `shown` holds (a view caught up), for at most `seconds`; None if it did not.

    A 404 while waiting is the view not having the new thing yet; any other refusal is real.
    """
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = await read()
        except ApiRefused as refused:
            if refused.status != _NOT_YET:
                raise
        else:
            if shown(value):
                return value
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(_POLL_SECONDS)
