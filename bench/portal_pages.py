"""The portal's week page: server time with 32 parents reading their child's week at once, and
the page's weight on a phone, beside the diary API call the page is built from (the raw
baseline, measured in the same run against the same diary).

    uv run python -m bench.portal_pages [--parents 32] [--seconds 10] [--runs 3]

The diary holds the demo school's full export: the launcher
(`deploy.launcher.launched.LaunchedSystem`, private servers in a temporary state folder) loads and
exports it; then the administrator enrolls `--parents` parent UIDs through the enrollment API, each
for another pupil of the fifth grade (the same path the demo's parent takes), and waits until the
diary shows each their child's week. The portal under test is its own process (`python -m
services.portal`, its log in a file, as bench/web_pages.py runs the school web) in front of that
diary.

Each parent is one keep-alive connection sending requests back to back (a closed loop) for
`--seconds`: the page `/children/<pupil>/week/<monday>` with the parent's session cookie, then,
separately, the two diary calls the page makes, each with the parent's token: the week
(`/pupils/<pupil>/weeks/<monday>`, the baseline) and the parent's profile (`/me/profile`); and
the page once more, asked by one parent alone (its own cost, no queueing behind the others).
The time is what a client on the same machine waits for the whole answer (the server's time
plus loopback; with every parent at once, mostly the wait for a free core). The
weight is a phone's first visit: the page's HTML and every stylesheet and script it loads, as
transferred with `Accept-Encoding: gzip` (and uncompressed), beside the API answer's.

Prints one JSON line: the medians over the runs and every run's figures; the targets are
p95 <= 100 ms and <= 200 KB.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.harness import median, percentile, service_process
from bench.http_load import Call, closed_loop
from deploy.launcher.demo_cast import SCHOOL, YEAR, DemoCast, demo_steps, mother_of
from deploy.launcher.demo_enrollment import Enrollment
from deploy.launcher.demo_load import pseudonym_of
from deploy.launcher.launched import LaunchedSystem
from deploy.launcher.state_secrets import portal_session_secret
from deploy.launcher.tokens import PortalUser
from services.common.dev_tokens import DevTokenIssuer
from services.common.webapp.session import SessionCodec
from services.portal.entrypoints.http import SESSION_COOKIE, SESSION_PURPOSE

WEEK = dt.date(2026, 9, 14)  # the Monday of the demo's week (DIARY_WEEK)
GRADE = "5"
FIRST_UID = 900001
START_TIMEOUT = 600.0
GRANTS_TIMEOUT = 180.0
WARM_UP_SECONDS = 2.0
TARGET_P95_MS = 100.0
TARGET_BYTES = 200 * 1024
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Mobile Safari/537.36"
PARTS: tuple[tuple[str, Callable[[str, str], str], str, bool], ...] = (
    ("week_page", lambda portal, _diary: portal, "page", True),
    ("week_api", lambda _portal, diary: diary, "week_api", True),
    ("profile_api", lambda _portal, diary: diary, "profile_api", True),
    ("week_page_alone", lambda portal, _diary: portal, "page", False),
)
"""What each round measures: its name, which server (portal or diary), what is asked, and by
every parent at once (else by one parent: the page's own cost, no queueing)."""
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@dataclass(frozen=True)
class Parent:
    """A bench parent: their UID, their child (and its pseudonym), token and portal cookie."""

    uid: int
    pupil: str
    pseudonym: str
    token: str
    cookie: str

    @property
    def page(self) -> str:
        return f"/children/{self.pseudonym}/week/{WEEK.isoformat()}"

    @property
    def api(self) -> str:
        return f"/diary/v1/schools/{SCHOOL}/years/{YEAR}/pupils/{self.pseudonym}/weeks/{WEEK}"

    @property
    def profile_api(self) -> str:
        return f"/diary/v1/schools/{SCHOOL}/years/{YEAR}/me/profile"


def fifth_graders(count: int) -> list[DemoCast]:
    """`count` pupils of the demo's fifth grade who stay in their class, with their class
    teacher (who checks the parent's passport), from the deterministic generator."""
    steps: Sequence[Any] = demo_steps()
    commands = [s.command for s in steps]
    names = {c.pupil_id: c.full_name for c in commands if _kind(c) == "RegisterPupil"}
    teachers = {
        s.class_id: s.command.class_teacher_id for s in steps if _kind(s.command) == "OpenClass"
    }
    removed = {c.pupil_id for c in commands if _kind(c) == "RemovePupilFromClass"}
    added = [
        (s.class_id, s.command.pupil_id)
        for s in steps
        if _kind(s.command) == "AddPupilToClass" and s.class_id.startswith(GRADE)
    ]
    casts = [
        DemoCast(class_id, pupil, names[pupil], "", "", teachers[class_id])
        for class_id, pupil in added
        if pupil not in removed and class_id in teachers
    ]
    if len(casts) < count:
        raise RuntimeError(f"the demo's grade {GRADE} has {len(casts)} pupils, not {count}")
    return casts[:count]


def _kind(command: object) -> str:
    return type(command).__name__


def enroll(system: LaunchedSystem, casts: Sequence[DemoCast]) -> list[int]:
    """One parent UID per pupil, through the enrollment API (applied, checked, approved)."""
    token = DevTokenIssuer(system.dev_secret()).mint("adm1", ["admin"], SCHOOL)
    base = f"{system.url('enrollment')}/enrollment/v1/schools/{SCHOOL}"
    uids = []
    with httpx.Client(timeout=30, headers={"Authorization": f"Bearer {token}"}) as client:
        api = Enrollment(client, base)
        for n, cast in enumerate(casts):
            uid = FIRST_UID + n
            user = PortalUser(f"bench{uid}", "parent", uid, "a bench parent")
            api.link(cast, user, "parent", mother_of(cast.pupil_name))
            uids.append(uid)
    return uids


def parents_of(
    system: LaunchedSystem, casts: Sequence[DemoCast], uids: Sequence[int]
) -> list[Parent]:
    """Each parent's token and the portal's session cookie for it (the portal's own codec)."""
    issuer = DevTokenIssuer(system.dev_secret())
    codec = SessionCodec(
        portal_session_secret(system.state),
        3600,
        secure=False,
        cookie=SESSION_COOKIE,
        purpose=SESSION_PURPOSE,
    )
    parents = []
    for cast, uid in zip(casts, uids, strict=True):
        token = issuer.mint(f"uid{uid}", ["parent"], SCHOOL, uid=uid)
        pseudonym = pseudonym_of(system.state, cast.pupil)
        parents.append(
            Parent(uid, cast.pupil, pseudonym, token, codec.value(token, f"Родитель · UID {uid}"))
        )
    return parents


async def until_granted(diary: str, parents: Sequence[Parent]) -> None:
    """Wait until the diary shows every parent their child's week with lessons."""
    deadline = time.monotonic() + GRANTS_TIMEOUT
    waiting = list(parents)
    async with httpx.AsyncClient(base_url=diary, timeout=10) as http:
        while waiting:
            parent = waiting[0]
            answer = await http.get(parent.api, headers={"Authorization": f"Bearer {parent.token}"})
            if answer.status_code == 200 and answer.json().get("lessons"):
                waiting.pop(0)
                continue
            if time.monotonic() > deadline:
                raise TimeoutError(f"UID {parent.uid}: {answer.status_code} {answer.text[:300]}")
            await asyncio.sleep(0.5)


async def loaded(base: str, parents: Sequence[Parent], seconds: float, what: str) -> dict[str, Any]:
    """Every parent on one connection at once, for `seconds`, asking `what` (the week `page`,
    the `week_api` it is built from, or the `profile_api` it asks beside): latency, rate,
    failures."""

    def call(parent: Parent) -> tuple[str, Call]:
        if what == "page":
            headers = {"Cookie": f"{SESSION_COOKIE}={parent.cookie}", "User-Agent": PHONE}
            return "Bearer -", Call("GET", parent.page, headers=headers)
        path = parent.api if what == "week_api" else parent.profile_api
        return f"Bearer {parent.token}", Call("GET", path)

    async def one(parent: Parent) -> tuple[list[float], dict[int, int]]:
        auth, request = call(parent)
        outcome, _ = await closed_loop(base, auth, 1, seconds, lambda _n: request)
        return outcome.latencies, outcome.statuses

    started = time.perf_counter()
    results = await asyncio.gather(*(one(p) for p in parents))
    elapsed = time.perf_counter() - started
    latencies = [t for times, _ in results for t in times]
    statuses: dict[int, int] = {}
    for _, counted in results:
        for status, count in counted.items():
            statuses[status] = statuses.get(status, 0) + count
    return {
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
        "per_s": round(len(latencies) / elapsed, 1),
        "requests": len(latencies),
        "failures": sum(count for status, count in statuses.items() if status != 200),
        "failed_statuses": {str(k): v for k, v in sorted(statuses.items()) if k != 200},
    }


async def weight(portal: str, diary: str, parent: Parent) -> dict[str, int]:
    """A phone's first visit of the week page (HTML, stylesheets, scripts) and the API answer,
    in bytes as transferred with gzip and uncompressed."""
    headers = {"Accept-Encoding": "gzip", "User-Agent": PHONE}
    cookies = {SESSION_COOKIE: parent.cookie}
    async with httpx.AsyncClient(base_url=portal, headers=headers, cookies=cookies) as http:
        page = await http.get(parent.page)
        page.raise_for_status()
        assets = [await http.get(path) for path in sorted(set(_ASSET.findall(page.text)))]
    async with httpx.AsyncClient(headers=headers, timeout=10) as http:
        api = await http.get(
            diary + parent.api, headers={"Authorization": f"Bearer {parent.token}"}
        )
        api.raise_for_status()
    every = [page, *assets]
    return {
        "page_html_gzip_bytes": page.num_bytes_downloaded,
        "page_html_bytes": len(page.content),
        "assets": len(assets),
        "page_total_gzip_bytes": sum(r.num_bytes_downloaded for r in every),
        "page_total_bytes": sum(len(r.content) for r in every),
        "api_gzip_bytes": api.num_bytes_downloaded,
        "api_bytes": len(api.content),
    }


async def one_round(
    portal: str, diary: str, parents: Sequence[Parent], seconds: float
) -> dict[str, Any]:
    """The page under load, then each API call it makes under the same load, the page asked by
    one parent alone, then the weights. The page asks the diary for the child's week and for
    the parent's profile (their children, labels, classes); the week call is the baseline."""
    figures: dict[str, Any] = {}
    for name, base, what, everyone in PARTS:
        asking = parents if everyone else parents[:1]
        await loaded(base(portal, diary), asking, WARM_UP_SECONDS, what)
        figures[name] = await loaded(base(portal, diary), asking, seconds, what)
    return figures | {"weight": await weight(portal, diary, parents[0])}


async def measure(
    system: LaunchedSystem, parents: Sequence[Parent], seconds: float, runs: int
) -> list[dict[str, Any]]:
    """The portal in its own process in front of the launched diary, `runs` rounds."""
    diary = system.url("diary")
    await until_granted(diary, parents)
    settings = {
        "PORTAL_API__DIARY": diary,
        "PORTAL_AUTH__DEV_SECRET": system.dev_secret(),
        "PORTAL_SESSION_SECRET": portal_session_secret(system.state),
        "PORTAL_SCHOOL": SCHOOL,
        "PORTAL_YEAR": str(YEAR),
    }
    with service_process("portal", "PORTAL", settings) as portal:
        return [await one_round(portal, diary, parents, seconds) for _ in range(runs)]


def summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds, the page against its API call, and the targets."""
    out: dict[str, Any] = {}
    for part, *_ in PARTS:
        for figure in ("p50_ms", "p95_ms", "per_s"):
            out[f"{part}_{figure}"] = median([r[part][figure] for r in rounds])
    out["page_to_api_p50_ratio"] = round(out["week_page_p50_ms"] / out["week_api_p50_ms"], 2)
    out |= rounds[-1]["weight"]
    out["failures"] = sum(r[part]["failures"] for r in rounds for part, *_ in PARTS)
    out["p95_target_met"] = out["week_page_p95_ms"] <= TARGET_P95_MS
    out["weight_target_met"] = out["page_total_gzip_bytes"] <= TARGET_BYTES
    return out


def run(parents: int, seconds: float, runs: int) -> dict[str, Any]:
    """Launch the demo system, enroll the parents, measure, stop everything."""
    base = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    base.chmod(0o711)  # the postgres OS user must reach the state folder
    system = LaunchedSystem(base / "state", demo=True)
    try:
        system.start(START_TIMEOUT)
        casts = fifth_graders(parents)
        uids = enroll(system, casts)
        who = parents_of(system, casts, uids)
        rounds = asyncio.run(measure(system, who, seconds, runs))
    finally:
        system.stop()
        shutil.rmtree(base, ignore_errors=True)
    return {"parents": parents, "each_run": rounds}


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parents", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    measured = run(args.parents, args.seconds, args.runs)
    line = {
        "bench": "portal_pages",
        "parents": args.parents,
        "seconds": args.seconds,
        "runs": args.runs,
        "week": WEEK.isoformat(),
        "median": summarise(measured["each_run"]),
        "each_run": measured["each_run"],
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
