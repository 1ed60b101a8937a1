"""Chaos (issue 12): writes through the HTTP API survive a dead broker, database and services.

The whole system runs under the local launcher on private servers in a temporary state folder
(`tests.support.chaos`; never the machine's shared NATS or PostgreSQL). A small demo school (two
classes, one week) goes straight into its JOURNAL stream. Then 16 writers, each a teacher of the
school recording marks on a lesson of their own, write through the journal's API like a real client:
one `Idempotency-Key` per logical write, and on a connection error, a timeout, a 5xx or a 409 the
same write again with the same key (bounded). One reader per service reads a route of it all the
time. Meanwhile the test SIGKILLs nats-server and restarts it on the same store, stops
PostgreSQL in immediate mode and starts it, and SIGKILLs every service once (the launcher's
supervise loop restarts it).

Afterwards every write answered 2xx must be in the journal's lesson view, in the diary after a
delta export (its `diary.marks` table) and in the audit's lesson history, and no logical write
may be recorded twice; every non-2xx answer must have been 503 or 409, none may have hung (the
client timeout), and every service must be ready within 5 s of NATS's or PostgreSQL's return.
The figures (writes, answers by status and phase, recovery times) are printed and logged as one
JSON line starting with `chaos figures`, so they can be quoted.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats
import pytest

import demo
from demo import loader as demo_loader
from deploy.launcher.services import KEYS_DATABASE
from services.common.dev_tokens import DevTokenIssuer
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.keystore_pg import PgKeyStore
from services.journal.domain import commands as c
from tests.support.chaos import SERVICE_NAMES, ChaosLauncher, chaos_launcher
from tests.support.journal import in_memory_deps
from tests.support.launcher_runs import launcher_state_dir
from tests.support.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.chaos, pytest.mark.timeout(240)]

log = logging.getLogger(__name__)

SCHOOL, YEAR = "s1", 2026
WRITERS = 16
START_TIMEOUT = 90.0  # the launcher: initdb, two servers, five services
CLIENT_TIMEOUT = 5.0  # an answer later than this is a hang
WRITE_PAUSE = 0.3  # between two writes of one writer: keeps the lessons' histories short
READ_PAUSE = 0.5
MAX_ATTEMPTS = 30  # of one logical write
RETRY_AFTER_CAP = 2.0
BASELINE = 4.0  # writes before the first fault
HOLD = 3.0  # how long NATS or PostgreSQL stays down
SETTLE = 2.0  # writes between two faults, after everything is ready again
RECOVERY_LIMIT = 5.0  # the issue: every service ready within 5 s of its dependency's return
READY_TIMEOUT = 30.0  # longer than the limit, to measure a slow recovery instead of failing
STABLE = 1.0  # a service counts as ready once /readyz answered 200 for this long
PROBE_INTERVAL = 0.1
DRAIN_TIMEOUT = 30.0  # writes still retrying when the faults are over
ALLOWED = frozenset({503, 409})


@dataclasses.dataclass(frozen=True)
class Seat:
    """One writer's place: a teacher, one lesson they hold, the class's pupils."""

    teacher: str
    class_id: str
    lesson_id: str
    pupils: tuple[str, ...]

    @property
    def path(self) -> str:
        year = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
        return f"{year}/classes/{self.class_id}/lessons/{self.lesson_id}"


def seats(school: demo.DemoSchool, count: int) -> list[Seat]:
    """`count` lessons of the generated school, each held by its timetabled teacher (no
    substitution, not cancelled, not a group's), spread over the teachers round-robin."""
    commands = [(s.class_id, s.lesson_id, s.command) for s in school.steps]
    off = c.SubstituteTeacher | c.CancelLesson
    touched = {lesson for _, lesson, cmd in commands if isinstance(cmd, off)}
    left = {(k, cmd.pupil_id) for k, _, cmd in commands if isinstance(cmd, c.RemovePupilFromClass)}
    joined: dict[str | None, list[c.AddPupilToClass]] = collections.defaultdict(list)
    by_teacher: dict[str, list[c.ScheduleLesson]] = collections.defaultdict(list)
    for class_id, lesson_id, cmd in commands:
        if isinstance(cmd, c.AddPupilToClass) and (class_id, cmd.pupil_id) not in left:
            joined[class_id].append(cmd)
        # A group lesson is for part of the class only: its pupils are not simply the class's.
        if isinstance(cmd, c.ScheduleLesson) and cmd.group is None and lesson_id not in touched:
            by_teacher[cmd.teacher_id].append(cmd)

    def pupils_on(lesson: c.ScheduleLesson) -> tuple[str, ...]:
        # A pupil who joins later is refused a mark (pupil_not_in_class): only those in by then.
        return tuple(j.pupil_id for j in joined[lesson.class_id] if j.since <= lesson.date)

    queues = [collections.deque(by_teacher[t]) for t in sorted(by_teacher)]
    chosen: list[Seat] = []
    while len(chosen) < count and any(queues):
        for queue in queues:
            if queue and len(chosen) < count:
                lesson = queue.popleft()
                seat = Seat(lesson.teacher_id, lesson.class_id, lesson.lesson_id, pupils_on(lesson))
                chosen.append(seat)
    assert len(chosen) == count, f"the demo school has only {len(chosen)} usable lessons"
    return chosen


@dataclasses.dataclass
class Answer:
    """One attempt of a request: what came back (a status, or the transport error) and when."""

    at: float  # seconds since the writers started, when the attempt was sent
    phase: str  # the fault going on when it was sent (a slow answer may come in the next)
    kind: str  # "write" or the service a reader reads
    seconds: float
    status: int | None = None
    error: str | None = None  # the httpx exception's name when nothing came back
    hang: bool = False  # no answer within CLIENT_TIMEOUT
    retry_after: str | None = None
    body: str = ""


@dataclasses.dataclass
class Write:
    """One logical write (one mark, one key), with the mark id of its 2xx answer."""

    seat: Seat
    key: str
    body: dict[str, str]
    mark_id: str | None = None
    attempts: int = 0


@dataclasses.dataclass
class Record:
    """Everything the writers and readers saw, and the phase the faults are in."""

    started: float
    phase: str = "baseline"
    answers: list[Answer] = dataclasses.field(default_factory=list)
    writes: list[Write] = dataclasses.field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.started


class Api:
    """The launcher's services with tokens of the test school's users."""

    def __init__(self, launcher: ChaosLauncher, client: httpx.AsyncClient) -> None:
        self.launcher = launcher
        self.client = client
        self.issuer = DevTokenIssuer(launcher.dev_secret())

    def headers(self, user: str, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.mint(user, [role], SCHOOL)}"}

    def url(self, service: str, path: str) -> str:
        return f"{self.launcher.url(service)}{path}"


async def attempt(
    record: Record, kind: str, send: Callable[[], Awaitable[httpx.Response]]
) -> httpx.Response | None:
    """One request, its outcome appended to `record`; the response, or None when none came."""
    started = time.monotonic()
    answer = Answer(record.now(), record.phase, kind, 0.0)
    record.answers.append(answer)
    try:
        response = await send()
    except httpx.HTTPError as error:
        answer.error = type(error).__name__
        answer.hang = isinstance(error, httpx.TimeoutException)
        response = None
    else:
        answer.status = response.status_code
        answer.retry_after = response.headers.get("retry-after")
        if not response.is_success:
            answer.body = response.text[:300]
    answer.seconds = time.monotonic() - started
    return response


async def send_write(api: Api, record: Record, write: Write) -> None:
    """Send `write` until a 2xx or a final refusal, again with the same key after an outage."""
    url = api.url("journal", f"{write.seat.path}/marks")
    headers = {**api.headers(write.seat.teacher, "teacher"), "Idempotency-Key": write.key}
    while write.attempts < MAX_ATTEMPTS:
        write.attempts += 1
        response = await attempt(
            record, "write", lambda: api.client.post(url, json=write.body, headers=headers)
        )
        if response is not None and response.is_success:
            write.mark_id = response.json()["mark_id"]
            return
        if response is not None and response.status_code < 500 and response.status_code != 409:
            return  # a refusal: sending it again would not change it
        await asyncio.sleep(_pause(response))


def _pause(response: httpx.Response | None) -> float:
    """Retry-After (capped) when the service gave one, else half a second."""
    if response is not None:
        with contextlib.suppress(TypeError, ValueError):
            return min(float(response.headers.get("retry-after")), RETRY_AFTER_CAP)
    return 0.5


async def writer(api: Api, record: Record, number: int, seat: Seat, stop: asyncio.Event) -> None:
    """Marks on the seat's lesson, one logical write after the other, until `stop`."""
    n = 0
    while not stop.is_set():
        n += 1
        key = f"chaos-w{number:02d}-{n:05d}"
        body = {
            "pupil_id": seat.pupils[n % len(seat.pupils)],
            "value": "4",
            "work_kind_id": "classwork",
            "comment": f"chaos write {key}",
        }
        write = Write(seat, key, body)
        record.writes.append(write)
        await send_write(api, record, write)
        await asyncio.sleep(WRITE_PAUSE)


def read_routes(api: Api, seat: Seat) -> dict[str, tuple[str, dict[str, str]]]:
    """A GET route of every service that reads its database, with a token allowed to read it."""
    deputy, admin = api.headers("dep1", "deputy"), api.headers("adm1", "admin")
    year = f"/schools/{SCHOOL}/years/{YEAR}"
    return {
        "journal": (api.url("journal", seat.path), deputy),
        "diary": (api.url("diary", f"/diary/v1{year}/batches"), admin),
        "exporter": (api.url("exporter", f"/exporter/v1{year}/runs"), admin),
        "enrollment": (api.url("enrollment", f"/enrollment/v1/schools/{SCHOOL}/staff"), admin),
        "audit": (api.url("audit", f"/audit/v1{year}/classes/{seat.class_id}/lessons/"
                                   f"{seat.lesson_id}/history"), deputy),
    }  # fmt: skip


async def reader(
    api: Api, record: Record, service: str, route: tuple[str, dict[str, str]], stop: asyncio.Event
) -> None:
    """GET the service's route every READ_PAUSE until `stop`."""
    url, headers = route
    while not stop.is_set():
        await attempt(record, service, lambda: api.client.get(url, headers=headers))
        await asyncio.sleep(READ_PAUSE)


async def ready_again(api: Api, since: float) -> dict[str, float | None]:
    """Seconds from `since` (monotonic) until each service's /readyz answered 200 and kept
    answering it for STABLE seconds (None: not within READY_TIMEOUT)."""
    streak: dict[str, float | None] = dict.fromkeys(SERVICE_NAMES)

    async def probe(name: str) -> bool:
        try:
            response = await api.client.get(api.url(name, "/readyz"), timeout=1.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    deadline = since + READY_TIMEOUT
    while time.monotonic() < deadline:
        at = time.monotonic()
        results = await asyncio.gather(*(probe(name) for name in SERVICE_NAMES))
        for name, ready in zip(SERVICE_NAMES, results, strict=True):
            streak[name] = (streak[name] or at) if ready else None
        if all(s is not None and time.monotonic() - s >= STABLE for s in streak.values()):
            break
        await asyncio.sleep(PROBE_INTERVAL)
    return {n: None if s is None else round(max(s - since, 0.0), 2) for n, s in streak.items()}


async def hold(seconds: float) -> None:
    """Keep a fault (or the calm between faults) for its duration while the writers write."""
    await asyncio.sleep(seconds)


async def inject_faults(api: Api, record: Record) -> dict[str, Any]:
    """The faults one after the other; when each dependency came back (seconds since the
    writers started) and how long every service took to be ready again."""
    launcher = api.launcher
    figures: dict[str, Any] = {}
    await hold(BASELINE)

    record.phase = "nats-down"
    await asyncio.to_thread(launcher.kill_nats)
    await hold(HOLD)
    launcher.spawn_nats()  # from this thread: see ChaosLauncher.spawn_nats
    await asyncio.to_thread(launcher.wait_nats)
    back = time.monotonic()
    record.phase = "nats-back"
    ready = await ready_again(api, back)
    figures["nats"] = {"back_at": round(back - record.started, 2), "ready_s": ready}
    await hold(SETTLE)

    record.phase = "postgres-down"
    await asyncio.to_thread(launcher.stop_postgres_immediate)
    await hold(HOLD)
    await asyncio.to_thread(launcher.start_postgres)
    back = time.monotonic()
    record.phase = "postgres-back"
    ready = await ready_again(api, back)
    figures["postgres"] = {"back_at": round(back - record.started, 2), "ready_s": ready}
    await hold(SETTLE)

    restarts: dict[str, float | None] = {}
    for name in SERVICE_NAMES:
        record.phase = f"{name}-killed"
        killed = time.monotonic()
        await asyncio.to_thread(launcher.kill_service, name)
        restarts[name] = (await ready_again(api, killed))[name]
        await hold(SETTLE)
    figures["service_restart_s"] = restarts
    record.phase = "after"
    return figures


async def missing_after(check: Callable[[], Awaitable[set[str]]], within: float) -> set[str]:
    """What `check` still reports missing once it reports nothing, or after `within` s."""
    missing: set[str] = set()

    async def nothing_missing() -> None:
        nonlocal missing
        missing = await check()
        assert not missing

    with contextlib.suppress(AssertionError):
        await eventually(nothing_missing, timeout=within, interval=0.5)
    return missing


def by_lesson(writes: list[Write]) -> dict[Seat, set[str]]:
    """The mark ids answered 2xx, by lesson."""
    found: dict[Seat, set[str]] = collections.defaultdict(set)
    for write in writes:
        if write.mark_id is not None:
            found[write.seat].add(write.mark_id)
    return found


async def journal_missing(api: Api, written: dict[Seat, set[str]]) -> tuple[set[str], int]:
    """Mark ids absent from the journal's lesson views, and how many logical writes (by the
    comment each carries) were recorded more than once."""
    missing: set[str] = set()
    twice = 0
    for seat, ids in written.items():
        response = await api.client.get(
            api.url("journal", seat.path), headers=api.headers("dep1", "deputy")
        )
        assert response.status_code == 200, response.text[:300]
        marks = response.json()["marks"]
        missing |= ids - {m["mark_id"] for m in marks}
        comments = collections.Counter(m["comment"] for m in marks)
        twice += sum(1 for k, n in comments.items() if k and k.startswith("chaos") and n > 1)
    return missing, twice


async def diary_missing(api: Api, written: dict[Seat, set[str]]) -> set[str]:
    """Mark ids absent from the diary's marks (read from its schema: no portal user sees these
    classes)."""
    wanted = set().union(*written.values())
    conn = await asyncpg.connect(api.launcher.database_dsn("diary"), timeout=5)
    try:
        rows = await conn.fetch(
            "SELECT mark_id FROM diary.marks WHERE school = $1 AND year = $2"
            " AND mark_id = ANY($3::text[])",
            SCHOOL,
            YEAR,
            sorted(wanted),
        )
    finally:
        await conn.close()
    return wanted - {r["mark_id"] for r in rows}


async def audit_missing(api: Api, written: dict[Seat, set[str]]) -> set[str]:
    """Mark ids absent from the audit's histories of their lessons."""
    missing: set[str] = set()
    for seat, ids in written.items():
        path = f"/audit/v1/schools/{SCHOOL}/years/{YEAR}/classes/{seat.class_id}"
        url = api.url("audit", f"{path}/lessons/{seat.lesson_id}/history")
        response = await api.client.get(url, headers=api.headers("dep1", "deputy"))
        assert response.status_code == 200, response.text[:300]
        seen = {
            change["target_id"]
            for entry in response.json()["entries"]
            for change in entry["changes"]
            if change["target"] == "mark"
        }
        missing |= ids - seen
    return missing


async def delta_export(api: Api) -> dict[str, object]:
    """Run a delta export now (again after a 503); the run's record."""
    url = api.url("exporter", f"/exporter/v1/schools/{SCHOOL}/years/{YEAR}/runs")

    async def run() -> dict[str, object]:
        response = await api.client.post(
            url, json={"kind": "delta"}, headers=api.headers("adm1", "admin"), timeout=60.0
        )
        assert response.status_code in (200, 201), response.text[:300]
        body: dict[str, object] = response.json()
        return body

    return await eventually(run, timeout=20.0, interval=1.0)


async def load_school(launcher: ChaosLauncher) -> list[Seat]:
    """The demo school of two classes and one week into the launcher's JOURNAL stream (through
    the journal's handlers, as `python -m demo load` does); the writers' seats."""
    school = demo.generate(2026, pupils_target=60, term_weeks=1)
    client = await nats.connect(launcher.url("nats"), connect_timeout=5)
    try:
        async with PgKeyStore.at(launcher.database_dsn(KEYS_DATABASE)) as keys:
            deps = in_memory_deps(JetStreamEventStore(client.jetstream(), "JOURNAL"), keys=keys)
            await demo_loader.load(deps, school)
    finally:
        await client.close()
    return seats(school, WRITERS)


def outcome(answer: Answer) -> str:
    """An answer's status, or the name of the transport error instead of one."""
    return str(answer.status or answer.error)


def tally(answers: list[Answer], key: Callable[[Answer], str]) -> dict[str, dict[str, int]]:
    """Outcomes counted by `key` (the phase, the service)."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for answer in answers:
        counts[key(answer)][outcome(answer)] += 1
    return {k: dict(v) for k, v in counts.items()}


def first_write_after(writes: list[Answer], back_at: float) -> float | None:
    """Seconds from a dependency's return to the first write answered 2xx after it."""
    after = [a.at + a.seconds for a in writes if a.at >= back_at and a.status and a.status < 300]
    return round(min(after) - back_at, 2) if after else None


def summarise(record: Record, faults: dict[str, Any], checks: dict[str, Any]) -> dict[str, Any]:
    """The figures of the run, for the JSON line."""
    writes = [a for a in record.answers if a.kind == "write"]
    reads = [a for a in record.answers if a.kind != "write"]
    fault_503 = [a for a in record.answers if a.status == 503]
    for dependency in ("nats", "postgres"):
        back_at = faults[dependency]["back_at"]
        faults[dependency]["first_write_s"] = first_write_after(writes, back_at)
    return {
        "writes": len(record.writes),
        "writes_2xx": sum(1 for w in record.writes if w.mark_id is not None),
        "writes_unresolved": sum(1 for w in record.writes if w.mark_id is None),
        "write_attempts": len(writes),
        "write_answers": dict(collections.Counter(outcome(a) for a in writes)),
        "writes_by_phase": tally(writes, lambda a: a.phase),
        "reads_by_service": tally(reads, lambda a: a.kind),
        "answers_503": len(fault_503),
        "max_503_s": round(max((a.seconds for a in fault_503), default=0.0), 3),
        "503_without_retry_after": sum(1 for a in fault_503 if not a.retry_after),
        "hangs": sum(1 for a in record.answers if a.hang),
        **faults,
        **checks,
    }


def failures_of(figures: dict[str, Any], record: Record) -> list[str]:
    """Every requirement of the issue that the run broke, with its evidence."""
    failures: list[str] = []
    if figures["hangs"]:
        failures.append(f"{figures['hangs']} requests got no answer within {CLIENT_TIMEOUT} s")
    bad = [a for a in record.answers if a.status is not None and a.status >= 300]
    bad = [a for a in bad if a.status not in ALLOWED]
    if bad:
        shown = "; ".join(
            f"{a.kind} {a.status} in {a.phase} at {a.at:.1f}s: {a.body[:160]}" for a in bad[:8]
        )
        failures.append(f"{len(bad)} answers were neither 2xx nor 503/409: {shown}")
    for dependency in ("nats", "postgres"):
        ready = figures[dependency]["ready_s"]
        late = {n: s for n, s in ready.items() if s is None or s > RECOVERY_LIMIT}
        if late:
            failures.append(f"not ready within {RECOVERY_LIMIT} s of {dependency}'s return: {late}")
    restarts = figures["service_restart_s"]
    not_back = [n for n, s in restarts.items() if s is None]
    if not_back:
        failures.append(f"killed services not ready again within {READY_TIMEOUT} s: {not_back}")
    failures.extend(
        f"{figures[f'missing_in_{where}']} writes answered 2xx are not in the {where}"
        for where in ("journal", "diary", "audit")
        if figures[f"missing_in_{where}"]
    )
    if figures["delta_run"]["status"] != "published":
        failures.append(f"the delta export did not publish: {figures['delta_run']}")
    if figures["recorded_twice"]:
        failures.append(f"{figures['recorded_twice']} logical writes were recorded twice")
    return failures


_TROUBLE = re.compile(r"Traceback|ERROR|Error|error|exception|500 Internal")


def trouble_lines(output: str, limit: int = 60) -> str:
    """The services' log lines that tell what went wrong (the launcher prefixes each line)."""
    lines = [line for line in output.splitlines() if _TROUBLE.search(line)]
    return "\n".join(lines[:limit])


@pytest.fixture
def state_dir() -> Iterator[Path]:
    with launcher_state_dir("chaos-") as state:
        yield state


async def under_faults(api: Api, seats_: list[Seat]) -> tuple[Record, dict[str, Any]]:
    """The writers and readers at work while the faults come one after the other."""
    record = Record(time.monotonic())
    stop_writes, stop_reads = asyncio.Event(), asyncio.Event()
    tasks = [
        asyncio.create_task(writer(api, record, i, seat, stop_writes))
        for i, seat in enumerate(seats_, start=1)
    ]
    tasks += [
        asyncio.create_task(reader(api, record, name, route, stop_reads))
        for name, route in read_routes(api, seats_[0]).items()
    ]
    try:
        faults = await inject_faults(api, record)
    finally:
        stop_writes.set()
        stop_reads.set()
        _, pending = await asyncio.wait(tasks, timeout=DRAIN_TIMEOUT)
        for task in pending:  # writes still retrying: left unresolved
            task.cancel()
    for task in tasks:
        error = None if task.cancelled() else task.exception()
        if error is not None:  # a bug of the test itself, not an outcome
            raise error
    return record, faults


async def where_the_writes_are(api: Api, record: Record) -> dict[str, Any]:
    """How many writes answered 2xx are missing from the journal, the diary after a delta
    export and the audit, and how many logical writes were recorded twice."""
    written = by_lesson(record.writes)
    started = time.monotonic()
    twice = 0

    async def journal_check() -> set[str]:
        nonlocal twice
        missing, twice = await journal_missing(api, written)
        return missing

    in_journal = await missing_after(journal_check, 20.0)
    run = await delta_export(api)
    in_diary = await missing_after(lambda: diary_missing(api, written), 30.0)
    in_audit = await missing_after(lambda: audit_missing(api, written), 30.0)
    return {
        "missing_in_journal": len(in_journal),
        "missing_in_diary": len(in_diary),
        "missing_in_audit": len(in_audit),
        "recorded_twice": twice,
        "delta_run": {k: run.get(k) for k in ("status", "records", "from_seq", "to_seq")},
        "check_s": round(time.monotonic() - started, 1),
    }


async def test_writes_survive_killed_servers_and_services(state_dir: Path, tmp_path: Path) -> None:
    wall = time.monotonic()
    with chaos_launcher(state_dir, START_TIMEOUT) as launcher:
        try:
            seats_ = await load_school(launcher)
            limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
            async with httpx.AsyncClient(timeout=CLIENT_TIMEOUT, limits=limits) as client:
                api = Api(launcher, client)

                async def lessons_projected() -> None:
                    for seat in seats_:
                        url = api.url("journal", seat.path)
                        response = await client.get(url, headers=api.headers("dep1", "deputy"))
                        assert response.status_code == 200, response.text[:300]

                await eventually(lessons_projected, timeout=60.0, interval=0.5)
                record, faults = await under_faults(api, seats_)
                checks = await where_the_writes_are(api, record)
        finally:
            (tmp_path / "launcher.log").write_text(launcher.output())
    figures = summarise(record, faults, {**checks, "wall_s": round(time.monotonic() - wall, 1)})
    line = json.dumps(figures, sort_keys=True)
    log.info("chaos figures %s", line)
    print(f"chaos figures {line}")  # noqa: T201 - the figures are this test's report
    failures = failures_of(figures, record)
    if failures:
        trouble = trouble_lines(launcher.output())
        print(f"the launcher's output: {tmp_path / 'launcher.log'}; trouble:\n{trouble}")  # noqa: T201
    assert not failures, "\n".join(failures)
