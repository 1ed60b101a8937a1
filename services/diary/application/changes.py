"""«Что нового»: a pupil's changes since a parent's last visit, as the caller may see them.

Who sees what is decided exactly as for the pupil's week (`views.pupil_access`: the caller's
live grants, the pupil's memberships); the read narrows to it, the domain shapes the page.
"""

from __future__ import annotations

from services.diary.application.ports import ChangeReads, DiaryReads
from services.diary.application.views import Scope, pupil_access
from services.diary.domain import changes as c


async def pupil_changes(
    reads: DiaryReads,
    changes: ChangeReads,
    scope: Scope,
    pupil: str,
    after: int = 0,
    limit: int = c.DEFAULT_LIMIT,
) -> c.PupilChanges:
    """The pupil's changes after `after`, newest first, at most `limit`; `Denied` without a
    live grant for the pupil."""
    visibility, memberships = await pupil_access(reads, scope, pupil)
    query = c.ChangeQuery(pupil, tuple(memberships), visibility, after, limit)
    page = await changes.pupil_changes(scope.school, scope.year, query)
    config = await reads.school_config(scope.school, scope.year)
    return c.pupil_changes(query, page, config)
