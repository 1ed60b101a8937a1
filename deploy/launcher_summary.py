"""What the launcher tells the user once everything runs: URLs, development tokens, a curl line.

Also the development secret (generated once, kept in `<state>/dev-secret`) and the demo marker
(`<state>/demo-loaded`, trusted only while the journal's stream still holds messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import NotFoundError

from services.common.auth import DevTokenIssuer

SCHOOL = "s1"
YEAR = 2026
DEMO_SEED = 2026
GRID_CLASS = "5a"
FALLBACK_TEACHER = "t1"
"""Shown when the demo's teachers are unknown (no demo loaded, or the generator changed)."""
STAFF_USERS = (("admin", "adm1"), ("deputy", "dep1"), ("head", "head1"))
GRID_PATH = f"/schools/{SCHOOL}/years/{YEAR}/classes/{GRID_CLASS}/subjects/math/grid"
GRID_QUERY = "?from=2026-09-01&to=2026-10-26"
MARKER = "demo-loaded"


def dev_secret(state: Path) -> str:
    """The development signing secret: read from `<state>/dev-secret`, created on first use."""
    path = state / "dev-secret"
    with contextlib.suppress(OSError):
        if len(secret := path.read_text().strip()) >= 32:
            return secret
    secret = secrets.token_urlsafe(48)
    path.write_text(secret + "\n")
    path.chmod(0o600)
    return secret


async def _stream_messages(url: str, stream: str) -> int:
    connection = await nats.connect(url, connect_timeout=5, allow_reconnect=False)
    try:
        info = await connection.jetstream().stream_info(stream)
    except NotFoundError:
        return 0
    finally:
        await connection.close()
    return int(info.state.messages or 0)


def demo_already_loaded(state: Path, nats_url: str, stream: str) -> bool:
    """True when an earlier run loaded the demo and its events are still in `stream`."""
    if not (state / MARKER).exists():
        return False
    return asyncio.run(_stream_messages(nats_url, stream)) > 0


def mark_demo_loaded(state: Path, nats_url: str) -> None:
    """Remember that the demo school is in the stream of `nats_url`, and one of its teachers."""
    marker = {"nats_url": nats_url, "teacher": find_demo_teacher()}
    (state / MARKER).write_text(json.dumps(marker) + "\n")


def find_demo_teacher() -> str | None:
    """A teacher who teaches in class 5a in the generated demo school (no I/O), if any."""
    try:  # the generator is the journal's; it is only read here, never required
        demo: Any = importlib.import_module("services.journal.application.demo")
        steps = demo.generate(DEMO_SEED).steps
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


@dataclass(frozen=True)
class Endpoint:
    """A running service or server, for the summary."""

    name: str
    url: str
    note: str = ""


def mint_tokens(secret: str, state: Path, teacher: str) -> dict[str, tuple[str, str]]:
    """role -> (user, 12-hour token) for the demo's staff, also in `<state>/tokens.env` (600)."""
    issuer = DevTokenIssuer(secret)
    users = (*STAFF_USERS, ("teacher", teacher))
    tokens = {role: (user, issuer.mint(user, [role], SCHOOL)) for role, user in users}
    lines = [f"export {role.upper()}_TOKEN={token}" for role, (_, token) in tokens.items()]
    path = state / "tokens.env"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return tokens


def summary(journal_url: str, endpoints: list[Endpoint], state: Path, secret: str) -> str:
    """The text printed once everything is up (minting the tokens it shows)."""
    teacher = demo_teacher(state)
    tokens = mint_tokens(secret, state, teacher)
    rows = [f"  {e.name:<11} {e.url}{f'  ({e.note})' if e.note else ''}" for e in endpoints]
    token_rows = [f"  {role:<8} {user:<10} {token}" for role, (user, token) in tokens.items()]
    grid = f"{journal_url}{GRID_PATH}{GRID_QUERY}"
    day = f"{journal_url}/schools/{SCHOOL}/years/{YEAR}/teachers/{teacher}/day?date=2026-09-15"
    return "\n".join(
        [
            "",
            "=" * 72,
            "School journal is running",
            *rows,
            f"  OpenAPI UI  {journal_url}/docs",
            "Examples (GET, with a bearer token):",
            f"  class journal grid  {grid}",
            f"  a teacher's day     {day}",
            f"Development tokens (valid 12 h; also in {state / 'tokens.env'}):",
            *token_rows,
            "Try:",
            f"  source {shlex.quote(str(state / 'tokens.env'))}",
            f'  curl -H "Authorization: Bearer $DEPUTY_TOKEN" "{grid}"',
            f'  curl -H "Authorization: Bearer $TEACHER_TOKEN" "{day}"',
            "=" * 72,
            "",
        ]
    )
