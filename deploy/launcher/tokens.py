"""The development tokens the launcher hands out: the demo's staff and its four portal users
(UIDs enrolled on the first run), minted with the state folder's secret and written to
`<state>/tokens.env` for `source`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deploy.launcher.demo_cast import SCHOOL
from services.common.dev_tokens import DevTokenIssuer

STAFF_USERS = (("admin", "adm1"), ("deputy", "dep1"), ("head", "head1"))
TOKENS_FILE = "tokens.env"


@dataclass(frozen=True)
class PortalUser:
    """A portal user of the demo: a UID with one role, enrolled on the first run."""

    key: str
    role: str
    uid: int
    title: str

    @property
    def user(self) -> str:
        """The token's subject."""
        return f"uid{self.uid}"

    @property
    def env_name(self) -> str:
        """Its variable in tokens.env, e.g. PARENT_TOKEN."""
        return f"{self.key.upper()}_TOKEN"


PORTAL_USERS = (
    PortalUser("parent", "parent", 100001, "a parent"),
    PortalUser("pupil", "pupil", 100002, "the pupil"),
    PortalUser("teacher_uid", "teacher", 200001, "a subject teacher"),
    PortalUser("class_teacher_uid", "teacher", 200002, "the class teacher"),
)


@dataclass(frozen=True)
class Token:
    """A development token as the summary lists it."""

    env_name: str
    who: str
    value: str


def mint_tokens(secret: str, state: Path, teacher: str) -> tuple[list[Token], list[Token]]:
    """Staff and portal tokens (12 hours), also written to `<state>/tokens.env` (0600)."""
    issuer = DevTokenIssuer(secret)
    staff = [
        Token(f"{role.upper()}_TOKEN", f"{role} {user}", issuer.mint(user, [role], SCHOOL))
        for role, user in (*STAFF_USERS, ("teacher", teacher))
    ]
    portal = [
        Token(
            u.env_name,
            f"{u.role} UID {u.uid}",
            issuer.mint(u.user, [u.role], SCHOOL, uid=u.uid),
        )
        for u in PORTAL_USERS
    ]
    path = state / TOKENS_FILE
    path.write_text("".join(f"export {t.env_name}={t.value}\n" for t in (*staff, *portal)))
    path.chmod(0o600)
    return staff, portal


def portal_user(key: str) -> PortalUser:
    """The demo's portal user of `key` (`parent`, `pupil`, `teacher_uid`, `class_teacher_uid`)."""
    return next(u for u in PORTAL_USERS if u.key == key)
