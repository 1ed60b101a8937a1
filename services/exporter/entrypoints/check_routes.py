"""`/exporter/v1/schools/{school}/years/{year}/check`: does the diary show what the journal says?"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from services.common.auth import AuthError, Principal, current_principal, require_school
from services.common.limits import long_running
from services.common.path_params import SchoolPath, YearPath
from services.exporter.application.agreement import REPORTED_DIFFERENCES, CheckReport, DiaryCheck
from services.exporter.entrypoints.deps import DepsDep

router = APIRouter(prefix="/exporter/v1/schools/{school}/years/{year}", tags=["diary check"])
CHECKERS = ("admin", "deputy", "head")


class DifferenceOut(BaseModel):
    """One disagreement between the journal and the diary."""

    kind: str
    record_id: str
    problem: str
    where: str
    journal: Any = None
    diary: Any = None


class CheckOut(BaseModel):
    """The check's report: counts, and the first differences."""

    school: str
    year: int
    checked_at: str
    agrees: bool
    journal_records: int
    diary_records: int
    total_differences: int
    by_problem: dict[str, int]
    differences: list[DifferenceOut]

    @classmethod
    def of(cls, report: CheckReport) -> CheckOut:
        """The API form of a report."""
        return cls(
            school=report.school,
            year=report.year,
            checked_at=report.checked_at.isoformat(),
            agrees=report.agrees,
            journal_records=report.journal_records,
            diary_records=report.diary_records,
            total_differences=report.total_differences,
            by_problem=dict(report.by_problem),
            differences=[
                DifferenceOut(
                    kind=d.kind,
                    record_id=d.record_id,
                    problem=d.problem,
                    where=d.where,
                    journal=d.journal,
                    diary=d.diary,
                )
                for d in report.differences
            ],
        )


async def checker_of(
    principal: Annotated[Principal, Depends(current_principal)], school: SchoolPath
) -> Principal:
    """The caller: the administrator, the deputy director or the head of the path's school."""
    require_school(principal, school)
    if not principal.has(*CHECKERS):
        raise AuthError("role_not_allowed", 403, f"the diary check is for {list(CHECKERS)}")
    return principal


def _check(request: Request) -> DiaryCheck:
    check: DiaryCheck = request.app.state.runtime.check
    return check


@router.get("/check", summary="Compare the journal with the diary and list every difference")
@long_running
async def diary_check(
    school: SchoolPath,
    year: YearPath,
    deps: DepsDep,
    check: Annotated[DiaryCheck, Depends(_check)],
    _checker: Annotated[Principal, Depends(checker_of)],
    limit: Annotated[int, Query(ge=0, le=10_000)] = REPORTED_DIFFERENCES,
) -> CheckOut:
    """Every class, lesson and class-and-subject of period marks of the journal,
    pseudonymised, against the diary's records."""
    return CheckOut.of(await check.run(school, year, deps.clock.now(), keep=limit))
