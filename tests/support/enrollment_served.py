"""The enrollment on real servers, as its integration tests drive it: a mother's application,
the projectors of its two read models (the roster copy of JOURNAL and the view of
ENROLLMENT), and their tables read back in a stable order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from services.enrollment.adapters.enrollment_projection import EnrollmentProjection
from services.enrollment.adapters.roster_projection import RosterProjection
from tests.support.projectors import enrollment_projector, journal_projector

if TYPE_CHECKING:
    from nats.js import JetStreamContext

    from services.common.db import Pool
    from services.common.projector import Projector

MOTHER: dict[str, Any] = {
    "pupil_id": "p01",
    "uid": 1001,
    "relation": "parent",
    "applicant_name": "Иванова Мария Петровна",
    "kinship": "mother",
    "contact": "+7 900 000-00-00",
}
"""The body of an application by the mother of p01, a pupil of the small test school."""


def roster_projector(
    js: JetStreamContext, pool: Pool, *, applications: str | None = None, **options: Any
) -> Projector:
    """The roster copy of JOURNAL (blanking erased people's applications in the schema
    `applications` when given); `options` are the projector's (keys, batch size, class)."""
    return journal_projector(js, pool, RosterProjection(applications), **options)


def view_projector(js: JetStreamContext, pool: Pool, **options: Any) -> Projector:
    """The enrollment's read model of ENROLLMENT; `options` are the projector's."""
    return enrollment_projector(js, pool, EnrollmentProjection(), **options)


async def rows(
    pool: Pool, tables: Mapping[str, str], schema: str | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of each table (name -> its ORDER BY), in `schema` or the pool's own."""
    prefix = f'"{schema}".' if schema else ""
    return {
        name: [tuple(r) for r in await pool.fetch(f"SELECT * FROM {prefix}{name} ORDER BY {order}")]
        for name, order in tables.items()
    }
