"""Who a validated ID token of the city's provider names to the portal: the portal UID, the portal
roles they hold and their school, or why they may not sign in here.

The city's accounts serve many people the portal does not (staff without a portal role, other
schools): only the portal's roles are kept (parent, pupil, teacher), the UID must be a positive
number (what the diary's grants name), and the school must be the one this portal serves. A name
is never read, even when the provider sends one: the portal side of the privacy boundary holds
no person's name, and the pages show a UID by its roles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from kernel.oidc_claims import ClaimsRefused, claimed_roles, text_claim
from services.portal.domain.navigation import ROLE_NAMES

PORTAL_ROLES: Final = frozenset(ROLE_NAMES)
"""The roles the portal's pages serve (parent, pupil, teacher)."""
MAX_UID_DIGITS: Final = 12


@dataclass(frozen=True, slots=True)
class ClaimNames:
    """Which claims of the ID token carry the portal UID, the roles and the school."""

    uid: str = "uid"
    roles: str = "roles"
    school: str = "school"


@dataclass(frozen=True, slots=True)
class PortalPerson:
    """A portal user the provider vouched for, with the portal roles they hold."""

    uid: int
    roles: tuple[str, ...]
    school: str

    @property
    def subject(self) -> str:
        """The token's subject (as the development sign-in mints it)."""
        return f"uid{self.uid}"

    @property
    def display_name(self) -> str:
        """How the pages' header shows them: their roles and UID, e.g. «Родитель · UID 100001»."""
        return f"{', '.join(ROLE_NAMES[r] for r in self.roles)} · UID {self.uid}"


def portal_person(
    claims: Mapping[str, object], names: ClaimNames, school: str
) -> PortalPerson | ClaimsRefused:
    """The portal user the claims name, or the refusal (no UID, no portal role, no school or
    another school than `school`, the one this portal serves)."""
    uid = portal_uid(claims.get(names.uid))
    if uid is None:
        return ClaimsRefused(
            "oidc_no_uid",
            "Городская учётная запись не сообщила номер пользователя портала (UID).",
        )
    roles = portal_roles(claims.get(names.roles))
    if not roles:
        return ClaimsRefused(
            "oidc_no_portal_role",
            "У вашей учётной записи нет роли родителя, ученика или учителя. "
            "Доступ к дневнику открывает школа по заявлению.",
        )
    claimed = text_claim(claims.get(names.school))
    if claimed is None:
        return ClaimsRefused(
            "oidc_no_school",
            "Городская учётная запись не сообщила вашу школу. Обратитесь в школу.",
        )
    if claimed != school:
        return ClaimsRefused(
            "oidc_other_school",
            "Ваша учётная запись относится к другой школе: откройте дневник своей школы.",
        )
    return PortalPerson(uid, roles, school)


def portal_uid(value: object) -> int | None:
    """A positive UID of at most 12 digits, sent as a number or as a string of digits (providers
    differ); anything else (a fraction, a boolean, a sign, blank) is missing."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        return None
    return number if 0 < number < 10**MAX_UID_DIGITS else None


def portal_roles(value: object) -> tuple[str, ...]:
    """The portal roles among the claimed ones, sorted (`kernel.oidc_claims.claimed_roles`)."""
    return claimed_roles(value, PORTAL_ROLES)
