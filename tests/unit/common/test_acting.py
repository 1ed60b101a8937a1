"""Who acts in a command taken over HTTP: the role the caller acts in, and the command it
issues (ids scoped to the caller, the correlation id of the request)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from starlette.requests import Request

from contracts.envelope import Actor
from services.common.acting import acting_role, issued
from services.common.aggregate import Issued
from services.common.auth import AuthError, Principal


def principal(*roles: str) -> Principal:
    return Principal(user_id="u1", roles=frozenset(roles), school="s1")


def test_the_caller_acts_in_the_first_of_the_roles_it_holds():
    assert acting_role(principal("teacher", "admin"), ("admin", "teacher")) == "admin"
    assert acting_role(principal("teacher", "admin"), ("deputy", "teacher")) == "teacher"


def test_a_caller_without_any_of_the_roles_is_refused():
    with pytest.raises(AuthError) as refused:
        acting_role(principal("teacher"), ("admin", "system"))
    assert (refused.value.reason, refused.value.status) == ("role_not_allowed", 403)
    assert str(refused.value) == "this needs one of the roles ['admin', 'system']"


async def test_a_command_without_a_key_is_issued_under_a_fresh_id():
    request = Request({"type": "http", "app": FastAPI(), "method": "POST", "path": "/x"})
    first = await issued(request, principal("admin"), "admin", "s1", None)
    second = await issued(request, principal("admin"), "admin", "s1", None)
    assert first.command_id != second.command_id
    assert first == Issued(
        first.command_id, first.correlation_id, Actor(id="u1", role="admin"), "s1"
    )
    assert first.fingerprint == ""
