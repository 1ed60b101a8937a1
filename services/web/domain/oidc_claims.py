"""Who a validated ID token of the city's provider names: the member of staff, their staff roles,
their school and their name, or why they may not sign in to the school's pages.

The provider knows people the school's pages do not serve (parents, pupils, officials with
other roles): only the staff roles of these pages are kept, and a person with none of them, or
without a school, is refused with a reason the refusal page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kernel.oidc_claims import ClaimsRefused, claimed_roles, text_claim
from services.web.domain.navigation import ROLE_NAMES

STAFF_ROLES: Final = frozenset(ROLE_NAMES)
"""The roles the school's pages serve (teacher, deputy, admin, head, auditor)."""


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which claims of the ID token carry the staff id, the roles, the school and the name."""

    staff_id: str = "sub"
    roles: str = "roles"
    school: str = "school"
    name: str = "name"


@dataclass(frozen=True, slots=True)
class StaffMember:
    """A member of staff the provider vouched for, with the staff roles they hold."""

    staff_id: str
    roles: tuple[str, ...]
    school: str
    name: str


def staff_member(claims: Mapping[str, object], names: ClaimNames) -> StaffMember | ClaimsRefused:
    """The member of staff the claims name, or the refusal (no id, no staff role, no school)."""
    staff_id = text_claim(claims.get(names.staff_id))
    if staff_id is None:
        return ClaimsRefused(
            "oidc_no_staff_id",
            "Городская учётная запись не сообщила табельный номер сотрудника.",
        )
    roles = staff_roles(claims.get(names.roles))
    if not roles:
        return ClaimsRefused(
            "oidc_no_staff_role",
            "У вашей учётной записи нет роли сотрудника школы (учитель, заместитель директора, "
            "администратор, директор, аудитор). Обратитесь к администратору школы.",
        )
    school = text_claim(claims.get(names.school))
    if school is None:
        return ClaimsRefused(
            "oidc_no_school",
            "Городская учётная запись не сообщила вашу школу. Обратитесь к администратору школы.",
        )
    name = text_claim(claims.get(names.name)) or staff_id
    return StaffMember(staff_id, roles, school, name)


def staff_roles(value: object) -> tuple[str, ...]:
    """The staff roles among the claimed ones, sorted (`kernel.oidc_claims.claimed_roles`)."""
    return claimed_roles(value, STAFF_ROLES)
