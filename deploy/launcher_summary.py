"""What the launcher tells the user once everything runs: URLs, development tokens, curl lines.

Also the secrets kept in the state folder (`dev-secret`, `pseudonym-key`, the two web apps'
session secrets: generated once, 0600) and the demo markers: `demo-loaded` (the journal has the
demo school) and `demo-exported` (the e-diary has it, with its portal users enrolled), each
trusted only while its stream still holds messages.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import importlib
import json
import secrets
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import NotFoundError

from contracts.streams import DIARY, JOURNAL
from services.common.auth import DevTokenIssuer

SCHOOL = "s1"
YEAR = 2026
DEMO_SEED = 2026
GRID_CLASS = "5a"
SIBLING_CLASS = "2a"
"""The class of the demo parent's second child (a younger one): a parent with two children is
what the portal's child chooser is for."""
FALLBACK_TEACHER = "t1"
"""Shown when the demo's teachers are unknown (no demo loaded, or the generator changed)."""
WEB_APPS = frozenset({"web", "portal"})
"""Services that serve pages, not an API (no OpenAPI UI to list)."""
STAFF_USERS = (("admin", "adm1"), ("deputy", "dep1"), ("head", "head1"))
GRID_PATH = f"/schools/{SCHOOL}/years/{YEAR}/classes/{GRID_CLASS}/subjects/math/grid"
GRID_QUERY = "?from=2026-09-01&to=2026-10-26"
DIARY_PATH = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"
RUNS_PATH = f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs"
MESSAGES_PATH = f"/diary/v1/schools/{SCHOOL}/messages"
ENROLLMENT_PATH = f"/enrollment/v1/schools/{SCHOOL}"
DIARY_WEEK = "2026-09-15"
DIARY_PERIOD = "q1"  # the demo's lessons are in the first term; the default is today's period
MARKER = "demo-loaded"
EXPORT_MARKER = "demo-exported"
DEV_SECRET_FILE = "dev-secret"  # noqa: S105 - a file name, not a secret
SIGNING_KEY_FILE = "audit-signing-key"
SESSION_SECRET_FILE = "web-session-secret"  # noqa: S105 - a file name, not a secret
PORTAL_SESSION_SECRET_FILE = "portal-session-secret"  # noqa: S105 - a file name, not a secret
PSEUDONYM_KEY_FILE = "pseudonym-key"
TOKENS_FILE = "tokens.env"
STATE_FILES = (
    MARKER,
    EXPORT_MARKER,
    DEV_SECRET_FILE,
    SIGNING_KEY_FILE,
    PSEUDONYM_KEY_FILE,
    SESSION_SECRET_FILE,
    PORTAL_SESSION_SECRET_FILE,
)
"""Every file this module writes into the state folder (`--reset` deletes exactly what the
launcher wrote, so each one must be named here), besides `TOKENS_FILE`."""


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
class DemoChild:
    """Another child of the demo parent: the pupil, their class and their pseudonym."""

    class_id: str
    pupil: str
    pseudonym: str


@dataclass(frozen=True)
class DiaryDemo:
    """What the first run exported and enrolled: the pupil (and pseudonym), class and subject,
    and the parent's second child (None in a state folder from before there was one)."""

    class_id: str
    pupil: str
    pseudonym: str
    subject: str
    sibling: DemoChild | None = None

    @property
    def children(self) -> tuple[DemoChild, ...]:
        """The demo parent's children, the one in `class_id` first."""
        first = DemoChild(self.class_id, self.pupil, self.pseudonym)
        return (first,) if self.sibling is None else (first, self.sibling)


def _secret_file(path: Path, make: Callable[[], str] = lambda: secrets.token_urlsafe(48)) -> str:
    """A random secret kept in `path` (0600): read when present, created on first use."""
    with contextlib.suppress(OSError):
        if len(secret := path.read_text().strip()) >= 32:
            return secret
    secret = make()
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return secret


def dev_secret(state: Path) -> str:
    """The development signing secret: read from `<state>/dev-secret`, created on first use."""
    return _secret_file(state / DEV_SECRET_FILE)


def session_secret(state: Path) -> str:
    """The web's session-cookie secret, `<state>/web-session-secret`: created once."""
    return _secret_file(state / SESSION_SECRET_FILE)


def portal_session_secret(state: Path) -> str:
    """The portal web's session-cookie secret, `<state>/portal-session-secret`: created once,
    and not the school web's (a cookie of one side never opens a page of the other)."""
    return _secret_file(state / PORTAL_SESSION_SECRET_FILE)


def signing_key(state: Path) -> str:
    """The audit's Ed25519 signing key (base64 of a 32-byte seed), `<state>/audit-signing-key`:
    created once; the anchors it signed stay verifiable with its public key."""
    return _secret_file(
        state / SIGNING_KEY_FILE, lambda: base64.b64encode(secrets.token_bytes(32)).decode()
    )


def pseudonym_key(state: Path) -> str:
    """The exporter's pseudonym key, `<state>/pseudonym-key`: created once and then never
    changed, since every pupil's pseudonym in the e-diary derives from it."""
    return _secret_file(state / PSEUDONYM_KEY_FILE)


async def _stream_messages(url: str, stream: str) -> int:
    connection = await nats.connect(url, connect_timeout=5, allow_reconnect=False)
    try:
        info = await connection.jetstream().stream_info(stream)
    except NotFoundError:
        return 0
    finally:
        await connection.close()
    return int(info.state.messages or 0)


def _marker(state: Path, name: str, nats_url: str, stream: str) -> dict[str, Any] | None:
    """The marker's content when it exists and `stream` still holds messages, else None."""
    try:
        content = json.loads((state / name).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or asyncio.run(_stream_messages(nats_url, stream)) == 0:
        return None
    return content


def _write_marker(state: Path, name: str, content: Mapping[str, Any]) -> None:
    (state / name).write_text(json.dumps(content, ensure_ascii=False) + "\n")


def demo_already_loaded(state: Path, nats_url: str) -> bool:
    """True when an earlier run loaded the demo and its events are still in the journal."""
    return _marker(state, MARKER, nats_url, JOURNAL.name) is not None


def mark_demo_loaded(state: Path, nats_url: str) -> None:
    """Remember that the demo school is in the stream of `nats_url`, and one of its teachers."""
    _write_marker(state, MARKER, {"nats_url": nats_url, "teacher": find_demo_teacher()})


def diary_demo(state: Path, nats_url: str) -> DiaryDemo | None:
    """What an earlier run exported and enrolled, when the DIARY stream still holds it."""
    if _marker(state, EXPORT_MARKER, nats_url, DIARY.name) is None:
        return None
    return diary_demo_of(state)


def diary_demo_of(state: Path) -> DiaryDemo | None:
    """The exported demo as the marker remembers it (no check of the stream)."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        content = json.loads((state / EXPORT_MARKER).read_text())
        sibling = content.get("sibling")
        return DiaryDemo(
            content["class"],
            content["pupil"],
            content["pseudonym"],
            content["subject"],
            DemoChild(sibling["class"], sibling["pupil"], sibling["pseudonym"])
            if sibling
            else None,
        )
    return None


def mark_diary_demo(state: Path, nats_url: str, demo: DiaryDemo) -> None:
    """Remember the full export and the demo's enrolled portal users."""
    content: dict[str, Any] = {
        "nats_url": nats_url,
        "class": demo.class_id,
        "pupil": demo.pupil,
        "pseudonym": demo.pseudonym,
        "subject": demo.subject,
        "uids": [u.uid for u in PORTAL_USERS],
    }
    if demo.sibling is not None:
        sibling = demo.sibling
        content["sibling"] = {
            "class": sibling.class_id,
            "pupil": sibling.pupil,
            "pseudonym": sibling.pseudonym,
        }
    _write_marker(state, EXPORT_MARKER, content)


@functools.cache
def demo_steps() -> tuple[Any, ...]:
    """The steps of the generated demo school (the journal's generator; raises if it fails)."""
    demo: Any = importlib.import_module("services.journal.application.demo")
    return tuple(demo.generate(DEMO_SEED).steps)


def find_demo_teacher() -> str | None:
    """A teacher who teaches in class 5a in the generated demo school (no I/O), if any."""
    try:  # the generator is the journal's; it is only read here, never required
        steps = demo_steps()
    except Exception:  # a placeholder id then
        return None
    teachers = [s for s in steps if s.actor.role == "teacher"]
    in_class = [s for s in teachers if s.class_id == GRID_CLASS]
    first = (in_class or teachers or [None])[0]
    return first.actor.id if first is not None else None


def demo_teacher(state: Path) -> str:
    """The teacher remembered when the demo was loaded, else a placeholder id."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        teacher = json.loads((state / MARKER).read_text()).get("teacher")
        if isinstance(teacher, str) and teacher:
            return teacher
    return FALLBACK_TEACHER


def week_path(demo: DiaryDemo | DemoChild) -> str:
    """The diary path of a demo pupil's week (a parent's first view)."""
    return f"{DIARY_PATH}/pupils/{demo.pseudonym}/weeks/{DIARY_WEEK}"


@dataclass(frozen=True)
class Endpoint:
    """A running service or server, for the summary."""

    name: str
    url: str
    note: str = ""


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


def _curl(token: str, url: str, *options: str) -> str:
    return " ".join(["  curl", *options, f'-H "Authorization: Bearer ${token}"', f'"{url}"'])


def _diary_lines(diary: str, demo: DiaryDemo | None) -> list[str]:
    """What the e-diary shows the demo's portal users, or how to give access without it."""
    if demo is None:
        return [
            "  (no demo in the e-diary: export with `python -m services.exporter run --kind full"
            f" --school {SCHOOL} --year {YEAR}`, enroll portal users through the enrollment API)"
        ]
    pupil = f"{diary}{DIARY_PATH}/pupils/{demo.pseudonym}"
    grid = f"{diary}{DIARY_PATH}/classes/{demo.class_id}/subjects/{demo.subject}"
    parent, pupil_uid, teacher, class_teacher = (u.uid for u in PORTAL_USERS)
    sibling = demo.sibling
    return [
        f"  # pupil {demo.pupil} of {demo.class_id} is {demo.pseudonym} in the e-diary; UIDs"
        f" {parent} (parent), {pupil_uid} (pupil), {teacher} ({demo.subject} in {demo.class_id}),"
        f" {class_teacher} (all of {demo.class_id})",
        *(
            [
                f"  # UID {parent} is also the parent of pupil {sibling.pupil} of"
                f" {sibling.class_id} ({sibling.pseudonym} in the e-diary)"
            ]
            if sibling is not None
            else []
        ),
        _curl("PARENT_TOKEN", f"{diary}{week_path(demo)}"),
        _curl("PUPIL_TOKEN", f"{pupil}/subjects/{demo.subject}?period={DIARY_PERIOD}"),
        _curl("TEACHER_UID_TOKEN", f"{grid}?period={DIARY_PERIOD}"),
        _curl(
            "CLASS_TEACHER_UID_TOKEN",
            f"{diary}{DIARY_PATH}/classes/{demo.class_id}/days/{DIARY_WEEK}",
        ),
        _curl("PARENT_TOKEN", f"{diary}{DIARY_PATH}/me"),
        "  # messages in the e-diary: a teacher writes to the class's parents, they reply",
        _curl("PARENT_TOKEN", f"{diary}{MESSAGES_PATH}/threads"),
    ]


def _web_lines(urls: Mapping[str, str]) -> list[str]:
    """The addresses people open in a browser, first: the school staff's pages and, on the
    other side of the privacy boundary, the e-diary's pages for families."""
    lines = []
    if "web" in urls:
        lines += [
            f"Web pages for the school's staff: {urls['web']}/",
            f"  sign in as any member of the demo's staff at {urls['web']}/signin",
        ]
    if "portal" in urls:
        lines += [
            f"Электронный дневник (родители, ученики): {urls['portal']}/",
            f"  sign in as any of the demo's portal users (UIDs) at {urls['portal']}/signin",
        ]
    return lines


def _enrollment_lines(enrollment: str, demo: DiaryDemo | None) -> list[str]:
    """The applications, a printed form, who could see the demo pupil's diary."""
    base = f"{enrollment}{ENROLLMENT_PATH}"
    lines = [_curl("ADMIN_TOKEN", f"{base}/applications"), _curl("ADMIN_TOKEN", f"{base}/staff")]
    if demo is not None:
        lines.append(_curl("DEPUTY_TOKEN", f"{base}/pupils/{demo.pupil}/access"))
    return lines


def summary(
    urls: Mapping[str, str],
    endpoints: Sequence[Endpoint],
    state: Path,
    secret: str,
    demo: DiaryDemo | None,
) -> str:
    """The text printed once everything is up (minting the tokens it shows)."""
    journal, diary, exporter = urls["journal"], urls["diary"], urls["exporter"]
    enrollment = urls["enrollment"]
    teacher = demo_teacher(state)
    staff, portal = mint_tokens(secret, state, teacher)
    rows = [f"  {e.name:<11} {e.url}{f'  ({e.note})' if e.note else ''}" for e in endpoints]
    docs = [f"  {name:<11} {url}/docs" for name, url in urls.items() if name not in WEB_APPS]
    grid = f"{journal}{GRID_PATH}{GRID_QUERY}"
    day = f"{journal}/schools/{SCHOOL}/years/{YEAR}/teachers/{teacher}/day?date=2026-09-15"
    runs = f"{exporter}{RUNS_PATH}"
    delta = ("-X POST", "-H 'Content-Type: application/json'", """-d '{"kind":"delta"}'""")
    rule = "=" * 72
    return "\n".join(
        [
            "",
            rule,
            "School journal, e-diary, exporter, enrollment and audit are running",
            *_web_lines(urls),
            *rows,
            "OpenAPI UIs:",
            *docs,
            f"Development tokens (valid 12 h; all in {state / 'tokens.env'}):",
            "  staff, for the journal (ADMIN also for the exporter, enrollment and the diary's"
            " operator views)",
            *(f"    {t.env_name:<24} {t.who:<19} {t.value}" for t in staff),
            "  portal users, for the e-diary (what they see follows their enrollment)",
            *(f"    {t.env_name:<24} {t.who:<19} {t.value}" for t in portal),
            "Try:",
            f"  source {shlex.quote(str(state / 'tokens.env'))}",
            "  # the journal: a class's math grid, a teacher's day",
            _curl("DEPUTY_TOKEN", grid),
            _curl("TEACHER_TOKEN", day),
            "  # the e-diary",
            *_diary_lines(diary, demo),
            "  # the exporter: recent runs, export the changes now",
            _curl("ADMIN_TOKEN", runs),
            _curl("ADMIN_TOKEN", runs, *delta),
            "  # enrollment: applications (GET .../applications/<id>/form.pdf prints one), staff"
            " UIDs, who could see the pupil's diary",
            *_enrollment_lines(enrollment, demo),
            rule,
            "",
        ]
    )
