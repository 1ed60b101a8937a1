"""What erasing people needs to read from the journal view: its erasures and the roster of
every year (`ErasureViews`, implemented over PostgreSQL by
`services.journal.adapters.erasure_view.PgErasureViews`). Whose keys exist and which are
destroyed, the key store answers itself (`services.common.keystore.KeyStore.keys_of`).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from services.journal.application.read_models import ReadModel
from services.journal.domain.erasure import ErasedKind
from services.journal.domain.retention import PupilRecord


class ErasureInfo(ReadModel):
    """One recorded erasure, as the journal view keeps it (`PersonErased`)."""

    kind: ErasedKind
    person: str
    year: int
    applications: list[str]
    reason: str
    erased_at: dt.datetime
    erased_by: str
    erased_by_role: str
    seq: int


class ErasureStatus(ErasureInfo):
    """A recorded erasure and whether the person's key is destroyed yet (False while an
    interrupted erasure is unfinished: erasing the person again finishes it)."""

    keys_destroyed: bool


@dataclass(frozen=True, slots=True)
class RetentionInputs:
    """What the retention rule reads of a school: every pupil with their memberships over the
    years, and the last day of every opened school year."""

    pupils: list[PupilRecord] = field(default_factory=list)
    year_ends: dict[int, dt.date | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LessonTexts:
    """The free texts the journal view holds of one lesson (its own, its marks', its absences'),
    for an erasure to look for the pupil's name in."""

    year: int
    class_id: str
    lesson_id: str
    texts: tuple[str, ...]


class ErasureViews(Protocol):
    """Queries over the journal view for erasures and the retention rule."""

    async def known(self, school: str, kind: ErasedKind, person: str) -> bool:
        """Whether the roster of any school year of the school has the person."""
        ...

    async def erasures(self, school: str) -> list[ErasureInfo]:
        """Every erasure recorded in the school, oldest first."""
        ...

    async def retention_inputs(self, school: str) -> RetentionInputs:
        """The school's pupils of every year with their memberships, and its years' ends."""
        ...

    async def schools(self) -> list[str]:
        """Every school the view knows."""
        ...

    async def pupil_name(self, school: str, pupil: str) -> str | None:
        """The pupil's full name in their latest school year (None: not in any roster)."""
        ...

    async def lesson_texts(self, school: str) -> list[LessonTexts]:
        """Every lesson of every year of the school that has some free text."""
        ...

    def lease(self, name: str) -> AbstractAsyncContextManager[bool]:
        """Hold the named lease for the block if no other process does (yields whether it
        is held: a scheduled job runs once at a time however many replicas run it)."""
        ...


class NoErasureViews:
    """Stands in for `ErasureViews` where nothing erases (handler tests, tools): any query
    fails loudly instead of answering nothing."""

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - stands in for any query
        msg = f"erasure views are not available here ({name})"
        raise LookupError(msg)
