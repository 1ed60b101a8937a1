"""The journal's routes of one school year as a page calls them: with the person's own token
(so the journal's access rules apply unchanged), under `/schools/<school>/years/<year>`. The
monthly check's calls (`checks.CheckApi`) and «Мой класс»'s (`class_overview.ClassApi`) build
on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.web.application.ports import Backends


@dataclass(frozen=True, slots=True)
class JournalYear:
    """The journal's routes of one school year, for one person."""

    backends: Backends
    token: str
    school: str
    year: int

    @property
    def base(self) -> str:
        """The year's path: `/schools/<school>/years/<year>`."""
        return f"/schools/{self.school}/years/{self.year}"

    async def roster(self) -> dict[str, Any]:
        """The year's reference data: staff, classes with their class teachers, subjects."""
        answer: dict[str, Any] = await self.journal("/roster")
        return answer

    async def journal(self, path: str, params: Mapping[str, str] | None = None) -> Any:  # noqa: ANN401 - the API's JSON answer
        """The JSON of a GET of the year's `path`."""
        return await self.backends.get("journal", self.base + path, self.token, params=params)
