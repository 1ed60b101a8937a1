"""Erasing people: the administrator erases a pupil's or a member of staff's personal data; the
administrator and the head read the erasures and the retention rule's dry run.

The routes are per school, not per school year: a person's records span years, and every
year's are erased. The erasure is recorded on the current school year (by the school's date).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response, status

from contracts.base import Token
from contracts.envelope import Actor
from services.common.auth import AuthError, Principal, PrincipalDep
from services.common.http import correlation_id
from services.common.idempotency import IdempotencyKey, command_identity
from services.common.limits import long_running
from services.common.path_params import SchoolPath
from services.common.webapp.school_year import school_year_of
from services.journal.application.erasure import erase_person, erasure_list
from services.journal.application.handling import Meta
from services.journal.application.retention import due_for
from services.journal.domain.retention import RetentionRule
from services.journal.entrypoints.deps import DepsDep, check_school, reading
from services.journal.entrypoints.erasure_dto import (
    DueList,
    DueOut,
    ErasureBody,
    ErasureList,
    ErasureOut,
)

router = APIRouter(prefix="/journal/v1/schools/{school}", tags=["personal data"])

ErasureReader = Annotated[Principal, Depends(reading("admin", "head"))]
"""The administrator (responsible for personal data) and the head read the erasures."""


async def _erasing(
    principal: PrincipalDep,
    school: SchoolPath,
    request: Request,
    deps: DepsDep,
    idempotency_key: IdempotencyKey = None,
) -> Meta:
    """The command's metadata: the administrator only; the school year is today's."""
    check_school(principal, school)
    if not principal.has("admin"):
        raise AuthError("role_not_allowed", 403, "erasing personal data is for the administrator")
    identity = await command_identity(request, principal.user_id, idempotency_key)
    return Meta(
        command_id=identity.command_id,
        fingerprint=identity.fingerprint,
        correlation_id=correlation_id(),
        actor=Actor(id=principal.user_id, role="admin"),
        school=school,
        year=school_year_of(deps.clock.today()),
    )


EraserMeta = Annotated[Meta, Depends(_erasing)]


@router.post(
    "/people/{kind}/{person}/erasure",
    summary="Erase a pupil's or a member of staff's personal data (irreversible)",
    description="For a pupil, first replaces every mention of their name in the school's lesson "
    "texts (topics, homework, file names, comments, reasons, evidence) with «[ученик]» "
    "(`journal.LessonTextsRedacted` on each lesson that named them). Then records "
    "`journal.PersonErased` (who, why) and destroys the person's key and, "
    "for a pupil, their applicants' keys: every name and birth date of theirs in every stream "
    "and view reads «[удалено]» from then on; marks, lessons and absences stay. 201 when this "
    "request recorded the erasure; 200 for a retry with the same Idempotency-Key (the same "
    "answer, `event.duplicate`) and for a person erased before (`already_erased`: the earlier "
    "erasure, nothing recorded). 404 `person_not_found` when neither the key store nor any "
    "year's roster knows the person. The administrator only.",
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"description": "erased before (a retry, or `already_erased`)", "model": ErasureOut}
    },
)
@long_running  # every lesson text of the school, of every year, is searched for the name
async def erase(
    kind: Literal["pupil", "staff"],
    person: Token,
    body: ErasureBody,
    meta: EraserMeta,
    deps: DepsDep,
    response: Response,
) -> ErasureOut:
    done = await erase_person(deps, meta, kind, person, body.reason)
    if done.recorded is None or done.recorded.duplicate:
        response.status_code = status.HTTP_200_OK
    return ErasureOut.of(done)


@router.get(
    "/erasures",
    summary="Every erasure of the school: who, when, by whom, why",
    description="Oldest first. `keys_destroyed` is false while an interrupted erasure has not "
    "destroyed the keys yet (erasing the person again finishes it). The administrator and the "
    "head.",
)
async def erasures(school: SchoolPath, _reader: ErasureReader, deps: DepsDep) -> ErasureList:
    return ErasureList(school=school, erasures=await erasure_list(deps, school))


@router.get(
    "/erasures/due",
    summary="The retention rule's dry run: whose personal data it erases today, and why",
    description="Nothing is erased. The rule is the school's (`JOURNAL_RETENTION__LEAVER_YEARS`) "
    "unless `leaver_years` asks what another rule would erase; with neither, the list is "
    "empty. The administrator and the head.",
)
async def due(
    school: SchoolPath,
    _reader: ErasureReader,
    deps: DepsDep,
    leaver_years: Annotated[int | None, Query(ge=0, le=100)] = None,
) -> DueList:
    rule = RetentionRule(leaver_years) if leaver_years is not None else deps.retention
    found = [] if rule is None else await due_for(deps, school, rule)
    return DueList(
        school=school,
        today=deps.clock.today(),
        leaver_years=None if rule is None else rule.leaver_years,
        configured=rule is not None and rule == deps.retention,
        due=[DueOut.of(d) for d in found],
    )
