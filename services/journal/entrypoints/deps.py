"""FastAPI dependencies of the journal: the service's Deps and the acting user of a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Request

from contracts.envelope import Actor
from contracts.roles import Role
from services.common.acting import acting_role, issued
from services.common.auth import AuthError, Principal, PrincipalDep
from services.common.http import app_deps
from services.common.idempotency import IdempotencyKey
from services.common.path_params import SchoolPath, YearPath
from services.journal.application.handling import Meta
from services.journal.application.ports import Deps

DepsDep = Annotated[Deps, Depends(app_deps)]


def check_school(principal: Principal, school: str) -> None:
    """A token of one school never acts on another."""
    if principal.school != school:
        raise AuthError("wrong_school", 403, f"the token is for school {principal.school!r}")


READ_ALL: tuple[Role, ...] = ("head", "deputy", "admin")
"""Roles that read the whole journal."""


def reading(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency giving the caller when the token is of the path's school and holds one of
    `roles`: refused before anything else of the request is looked at or looked up."""

    async def reader(principal: PrincipalDep, school: SchoolPath) -> Principal:
        check_school(principal, school)
        acting_role(principal, roles)
        return principal

    return reader


JournalReader = Annotated[Principal, Depends(reading(*READ_ALL, "teacher"))]
"""Staff who read the journal (a teacher only what they teach: checked by each view)."""
WholeJournalReader = Annotated[Principal, Depends(reading(*READ_ALL))]
"""The head, the deputy and the administrator: what spans the school (every pupil, a class's
bound year)."""
FactsReader = Annotated[Principal, Depends(reading(*READ_ALL, "system"))]
"""Who reads every record at once: the diary check (the exporter's service token)."""


async def check_class_subject(
    deps: Deps, principal: Principal, school: str, year: int, class_id: str, subject_id: str
) -> None:
    """Who reads a class's journal of a subject (its grid, lessons, period marks, paperwork):
    the readers of everything, a teacher of the subject in the class, the class teacher."""
    if principal.has(*READ_ALL):
        return
    if principal.has("teacher") and (
        await deps.views.teaches(school, year, principal.user_id, class_id, subject_id)
        or await deps.views.class_teacher_of(school, year, class_id) == principal.user_id
    ):
        return
    raise AuthError("not_your_class", 403, "you do not teach this subject in this class")


async def check_whole_class(
    deps: Deps, principal: Principal, school: str, year: int, class_id: str
) -> None:
    """Who reads a class's journal in every subject at once: the readers of everything and the
    class teacher."""
    if principal.has(*READ_ALL):
        return
    if principal.has("teacher") and (
        await deps.views.class_teacher_of(school, year, class_id) == principal.user_id
    ):
        return
    raise AuthError("not_your_class", 403, "you are not the class teacher of this class")


def acting(*roles: Role) -> Callable[..., Awaitable[Meta]]:
    """A dependency giving the command metadata when the user holds one of `roles`; its
    command id is scoped to the caller and the request path (`services.common.idempotency`)."""

    async def meta(
        principal: PrincipalDep,
        school: SchoolPath,
        year: YearPath,
        request: Request,
        idempotency_key: IdempotencyKey = None,
    ) -> Meta:
        check_school(principal, school)
        role = acting_role(principal, roles)
        by = await issued(request, principal, role, school, idempotency_key)
        return Meta(
            by.command_id, by.correlation_id, by.actor, school, year, fingerprint=by.fingerprint
        )

    return meta


@dataclass(frozen=True, slots=True)
class Editor:
    """Who edits a lesson or a period mark: a teacher (the domain checks it is theirs) or, as a
    correction of a closed period, the administrator or the deputy director (DESIGN.md §5)."""

    meta: Meta
    roles: frozenset[str]

    def acting(self, correction_reason: str | None) -> Meta:
        """The command's metadata; a correction acts in the user's corrector role, if any.

        Without a correction reason only a teacher edits: the administration is refused here,
        as before corrections existed, with the way to go in the message.
        """
        if correction_reason is None:
            if "teacher" not in self.roles:
                msg = (
                    "this needs the role 'teacher'; the administrator and the deputy director "
                    "edit only as a correction of a closed period (with correction_reason)"
                )
                raise AuthError("role_not_allowed", 403, msg)
            return self.meta
        role = next((r for r in CORRECTOR_ROLES if r in self.roles), None)
        if role is None or role == self.meta.actor.role:
            return self.meta
        return replace(self.meta, actor=Actor(id=self.meta.actor.id, role=role))


CORRECTOR_ROLES: tuple[Role, ...] = ("admin", "deputy")


async def _editor(
    meta: Annotated[Meta, Depends(acting("teacher", *CORRECTOR_ROLES))], principal: PrincipalDep
) -> Editor:
    return Editor(meta, principal.roles)


EditorDep = Annotated[Editor, Depends(_editor)]
"""Lesson edits and period marks: teachers, and the administration for corrections only."""
AdminMeta = Annotated[Meta, Depends(acting("admin", "system"))]
ManagementMeta = Annotated[Meta, Depends(acting("admin", "deputy"))]
TeacherMeta = Annotated[Meta, Depends(acting("teacher"))]
CancelMeta = Annotated[Meta, Depends(acting("teacher", "admin", "deputy"))]
