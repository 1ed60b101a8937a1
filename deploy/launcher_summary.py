"""What the launcher tells the user once everything runs: URLs, development tokens, a curl line.

Also the development secret (generated once, kept in `<state>/dev-secret`) and the demo marker
(`<state>/demo-loaded`, trusted only while the journal's stream still holds messages).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shlex
from dataclasses import dataclass
from pathlib import Path

import nats
from nats.js.errors import NotFoundError

from services.common.auth import DevTokenIssuer

SCHOOL = "s1"
YEAR = 2026
DEMO_TEACHER = "t1"
"""The teacher whose token and day the summary shows (a teacher of the demo school)."""
TOKEN_USERS = (("admin", "adm1"), ("deputy", "dep1"), ("head", "head1"), ("teacher", DEMO_TEACHER))
GRID_PATH = (
    f"/schools/{SCHOOL}/years/{YEAR}/classes/5a/subjects/math/grid?from=2026-09-01&to=2026-10-26"
)
DAY_PATH = f"/schools/{SCHOOL}/years/{YEAR}/teachers/{DEMO_TEACHER}/day?date=2026-09-15"


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
    if not (state / "demo-loaded").exists():
        return False
    return asyncio.run(_stream_messages(nats_url, stream)) > 0


def mark_demo_loaded(state: Path, nats_url: str) -> None:
    """Remember that the demo school is in the stream of `nats_url`."""
    (state / "demo-loaded").write_text(f"{nats_url}\n")


@dataclass(frozen=True)
class Endpoint:
    """A running service or server, for the summary."""

    name: str
    url: str
    note: str = ""


def mint_tokens(secret: str, state: Path) -> dict[str, str]:
    """One 12-hour token per demo role, also written to `<state>/tokens.env` (mode 600)."""
    issuer = DevTokenIssuer(secret)
    tokens = {role: issuer.mint(user, [role], SCHOOL) for role, user in TOKEN_USERS}
    lines = [f"export {role.upper()}_TOKEN={token}" for role, token in tokens.items()]
    path = state / "tokens.env"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return tokens


def summary(
    journal_url: str, endpoints: list[Endpoint], tokens: dict[str, str], state: Path
) -> str:
    """The text printed once everything is up."""
    rows = [f"  {e.name:<11} {e.url}{f'  ({e.note})' if e.note else ''}" for e in endpoints]
    users = dict(TOKEN_USERS)
    token_rows = [f"  {role:<8} ({users[role]}): {token}" for role, token in tokens.items()]
    env_file = shlex.quote(str(state / "tokens.env"))
    return "\n".join(
        [
            "",
            "=" * 72,
            "School journal is running",
            *rows,
            f"  OpenAPI UI  {journal_url}/docs",
            "Examples (GET, with a bearer token):",
            f"  class journal grid  {journal_url}{GRID_PATH}",
            f"  a teacher's day     {journal_url}{DAY_PATH}",
            f"Development tokens (valid 12 h; also in {state / 'tokens.env'}):",
            *token_rows,
            "Try:",
            f"  source {env_file}",
            f'  curl -H "Authorization: Bearer $DEPUTY_TOKEN" "{journal_url}{GRID_PATH}"',
            "=" * 72,
            "",
        ]
    )
