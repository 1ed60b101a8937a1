"""Who acts in a command taken over HTTP, alike in every service that takes commands: the role
the caller acts in, and who the command is issued by and under which ids."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

from contracts.envelope import Actor
from contracts.roles import Role
from services.common.aggregate import Issued
from services.common.auth import AuthError, Principal
from services.common.correlation import correlation_id
from services.common.idempotency import command_identity


def acting_role(principal: Principal, roles: Sequence[Role]) -> Role:
    """The first of `roles` the caller holds (the role its commands record); 403
    `role_not_allowed` when it holds none of them."""
    role = next((r for r in roles if principal.has(r)), None)
    if role is None:
        raise AuthError("role_not_allowed", 403, f"this needs one of the roles {list(roles)}")
    return role


async def issued(
    request: Request, principal: Principal, role: Role, school: str, idempotency_key: str | None
) -> Issued:
    """The command `request` carries, issued by the caller in `role` for `school`: its command
    id is scoped to the caller and the request path (`services.common.idempotency`). Call it
    after every check of the caller: a refused caller binds no key."""
    identity = await command_identity(request, principal.user_id, idempotency_key)
    actor = Actor(id=principal.user_id, role=role)
    return Issued(
        identity.command_id, correlation_id(), actor, school, fingerprint=identity.fingerprint
    )
