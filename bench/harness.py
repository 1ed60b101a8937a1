"""Shared pieces of the benchmarks: private servers, a running journal process, a seeded class,
and statistics. Every benchmark prints one JSON line."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from contracts.envelope import Actor
from contracts.journal import Period, TimetableSlot
from demo.names import ADULT_MALE, CHILD_MALE, SURNAMES, patronymic
from deploy.launcher.ports import free_port
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.jetstream import connect, ensure_stream
from services.common.keystore_pg import PgKeyStore
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.application import lessons, roster
from services.journal.application.handling import Meta
from services.journal.application.ports import Deps
from services.journal.domain import commands as c
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS
from tests.support.clock import FakeClock
from tests.support.journal import AFTER_TERM, in_memory_deps
from tests.support.servers import nats_server, temporary_database

SCHOOL, YEAR, CLASS_ID = "s1", 2026, "9a"
TEACHER = Actor(id="t-bench", role="teacher")
ADMIN = Actor(id="adm1", role="admin")
PUPILS = tuple(f"p{i:03d}" for i in range(1, 31))
PUPIL_NAMES = tuple(
    f"{surname} {first} {patronymic(father, 'm')}"
    for surname, first, father in zip(SURNAMES, CHILD_MALE, ADULT_MALE[::-1], strict=False)
)[: len(PUPILS)]
"""The pupils' full names (registered by `seed_class`), one surname each."""
SECRET = "bench-" + secrets.token_hex(32)


@dataclass(frozen=True)
class Infra:
    """Private servers of one benchmark run."""

    nats_url: str
    database_url: str


@contextlib.asynccontextmanager
async def private_infra() -> AsyncIterator[Infra]:
    """A private nats-server and a temporary database, removed afterwards."""
    with nats_server() as nats_url:
        admin = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        async with temporary_database(admin) as database_url:
            yield Infra(nats_url, database_url)


@contextlib.contextmanager
def journal_process(infra: Infra) -> Iterator[str]:
    """`python -m services.journal` on a free port; yields its base URL."""
    env = {
        "JOURNAL_NATS__URL": infra.nats_url,
        "JOURNAL_PG__DSN": infra.database_url,
        "JOURNAL_AUTH__DEV_SECRET": SECRET,
    }
    with service_process("journal", "JOURNAL", env) as base:
        yield base


@contextlib.contextmanager
def service_process(name: str, prefix: str, settings: dict[str, str]) -> Iterator[str]:
    """`python -m services.<name>` with `settings` on a free port (`<prefix>_HTTP__PORT`);
    yields its base URL once ready. Its error lines are reported when it stops."""
    port = free_port()
    env = {**os.environ, **settings, f"{prefix}_HTTP__PORT": str(port)}
    log = tempfile.NamedTemporaryFile(prefix=f"{name}-bench-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603 - our own module, by its fixed name
        [sys.executable, "-m", f"services.{name}"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        errors = [line for line in Path(log.name).read_text().splitlines() if '"error"' in line]
        if errors:
            print(
                f"{name} log {log.name}: {len(errors)} error lines, e.g. {errors[0][:500]}",
                file=sys.stderr,
            )
        else:
            Path(log.name).unlink()


def _wait_ready(base: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    msg = f"the service at {base} did not become ready"
    raise TimeoutError(msg)


async def seed_class(
    nats_url: str, database_url: str, *, start: dt.date, end: dt.date
) -> list[str]:
    """One class of 30 pupils with seven maths lessons a day by one teacher; returns lesson ids
    (the pupils' names sealed under keys in `database_url`'s key store, as the journal does)."""
    nc = await connect(nats_url, name="bench-seed")
    try:
        from contracts.streams import JOURNAL  # noqa: PLC0415

        js = nc.jetstream()
        await ensure_stream(js, JOURNAL)
        async with PgKeyStore.at(database_url) as keys:
            deps = in_memory_deps(
                JetStreamEventStore(js, JOURNAL.name),
                files=InMemoryFiles(),
                clock=FakeClock(AFTER_TERM),
                keys=keys,
            )
            await _seed_roster(deps)
            meta = _meta(ADMIN)
            report = await lessons.schedule_from_timetable(deps, meta, CLASS_ID, start, end)
        return list(report.created)
    finally:
        await nc.close()


_counter = iter(range(1, 10**9))


def _meta(actor: Actor) -> Meta:
    cid = f"seed-{next(_counter)}"
    return Meta(command_id=cid, correlation_id=cid, actor=actor, school=SCHOOL, year=YEAR)


async def _seed_roster(deps: Deps) -> None:
    year = c.OpenSchoolYear(
        "Школа",
        dt.date(2026, 9, 1),
        dt.date(2027, 5, 31),
        (
            Period(
                period_id="y",
                name="год",
                starts_on=dt.date(2026, 9, 1),
                ends_on=dt.date(2027, 5, 31),
            ),
        ),
    )
    for cmd in (
        year,
        c.ConfigureMarkScale("five", DEFAULT_SCALE),
        c.ConfigureWorkKinds(DEFAULT_WORK_KINDS),
        c.DefineSubject("math", "Математика"),
    ):
        await roster.run_school(deps, _meta(ADMIN), cmd)
    await roster.register_staff(
        deps, _meta(ADMIN), c.RegisterStaffMember(TEACHER.id, "Учитель", "учитель")
    )
    slots = tuple(
        TimetableSlot(weekday=d, slot=s, subject_id="math", teacher_id=TEACHER.id)
        for d in range(1, 6)
        for s in range(1, 8)
    )
    for pupil, full_name in zip(PUPILS, PUPIL_NAMES, strict=True):
        register = c.RegisterPupil(pupil, full_name, dt.date(2012, 3, 1))
        await roster.register_pupil(deps, _meta(ADMIN), register)
    steps: list[c.ClassCommand] = [
        c.OpenClass(CLASS_ID, 9, "9А", TEACHER.id),
        *(c.AddPupilToClass(p, dt.date(2026, 9, 1)) for p in PUPILS),
        c.AssignTeaching(TEACHER.id, "math"),
        c.SetTimetable(dt.date(2026, 9, 1), slots),
    ]
    for step in steps:
        await roster.run_class(deps, _meta(ADMIN), CLASS_ID, step)


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB.

    `VmHWM` of /proc/self/status where there is one: `getrusage`'s `ru_maxrss` survives
    `exec`, so a child would report at least what its parent held when it forked.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


async def raw_read(nats_url: str, filter_subject: str, start_seq: int = 1) -> dict[str, Any]:
    """Read a stream's messages matching `filter_subject` from `start_seq` to its current end
    with an ordered consumer, touching each message's bytes: the baseline of every replay.

    On nats-py's own `Client`: the baseline stays what the stock client reads, whatever the
    services' connection (`services.common.jetstream.ServiceConnection`) does faster."""
    nc = await connect(nats_url, name="bench-raw", connection=Client())
    js = nc.jetstream()
    done = asyncio.Event()
    count = 0
    size = 0

    async def on_message(msg: Msg) -> None:
        nonlocal count, size
        count += 1
        size += len(msg.data)
        if msg.metadata.num_pending == 0:
            done.set()

    started = time.perf_counter()
    sub = await js.subscribe(
        filter_subject,
        cb=on_message,
        ordered_consumer=True,
        config=ConsumerConfig(
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=start_seq
        ),
    )
    await done.wait()
    seconds = time.perf_counter() - started
    await sub.unsubscribe()
    await nc.close()
    return {
        "events": count,
        "seconds": seconds,
        "per_s": count / seconds,
        "rss_mib": peak_rss_mib(),
    }


async def stream_last_seq(nats_url: str, stream: str) -> int:
    """A stream's last sequence now."""
    nc = await connect(nats_url, name="bench-info")
    try:
        return int((await nc.jetstream().stream_info(stream)).state.last_seq)
    finally:
        await nc.close()


def child_json(
    module: str, *args: str, timeout: float = 3600, cprofile: str | None = None
) -> dict[str, Any]:
    """Run `python -m module args...` in a fresh process (its own peak RSS) and answer the JSON
    object on the last line of its output; with `cprofile`, under cProfile writing there."""
    profiling = ["-m", "cProfile", "-o", cprofile] if cprofile else []
    out = subprocess.run(  # noqa: S603 - our own modules
        [sys.executable, *profiling, "-m", module, *args],
        check=False,
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=timeout,
    )
    if out.returncode != 0:
        msg = f"{module} {' '.join(args[:1])} exited {out.returncode}: {out.stderr[-3000:]}"
        raise RuntimeError(msg)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def awaited_publishes(
    js: JetStreamContext, stream: str, messages: int, clients: int
) -> float:
    """Publishes per second into `stream` (subjects `<stream in lower case>.<client>.<n>`) from
    `clients` concurrent publishers, each awaiting its acknowledgement: 400 bytes each,
    `messages` in all (rounded down to a multiple of `clients`)."""
    payload = b"x" * 400

    async def publisher(number: int) -> None:
        for i in range(messages // clients):
            await js.publish(f"{stream.lower()}.{number}.{i % 50}", payload, stream=stream)

    started = time.perf_counter()
    await asyncio.gather(*(publisher(n) for n in range(clients)))
    return messages // clients * clients / (time.perf_counter() - started)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) of the values, by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float:
    """The median."""
    return statistics.median(values)


@dataclass(frozen=True)
class RunningApi:
    """A journal API started by `journal_api`: its base URL and the processes behind it (the
    API's first, then the projector's when it runs apart)."""

    base: str
    pids: tuple[int, ...]


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a live process (and its reaped children) has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def journal_api(infra: Infra, *, projector_apart: bool = True) -> Iterator[RunningApi]:
    """`python -m services.journal` on a free port, with the journal view's projector in a
    process of its own (`python -m services.journal worker`, `JOURNAL_RUN_PROJECTOR=false` on
    the API, as a deployment with replicas runs it) unless `projector_apart` is False."""
    env = {
        "JOURNAL_NATS__URL": infra.nats_url,
        "JOURNAL_PG__DSN": infra.database_url,
        "JOURNAL_AUTH__DEV_SECRET": SECRET,
        "JOURNAL_RUN_PROJECTOR": "false" if projector_apart else "true",
    }
    with contextlib.ExitStack() as stack:
        worker = None
        if projector_apart:
            worker = subprocess.Popen(
                [sys.executable, "-m", "services.journal", "worker"],
                env={**os.environ, **env, "JOURNAL_HTTP__PORT": "0"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            stack.callback(_stop, worker)
        base = stack.enter_context(service_process("journal", "JOURNAL", env))
        port = int(base.rsplit(":", 1)[1])
        pids = (_listening_pid(port), *((worker.pid,) if worker else ()))
        yield RunningApi(base, pids)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


def _listening_pid(port: int) -> int:
    """The process listening on `port` (the API process `service_process` started)."""
    out = subprocess.run(  # noqa: S603 - a fixed command
        ["ss", "-ltnpH", f"sport = :{port}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.split("pid=", 1)[1].split(",", 1)[0])
