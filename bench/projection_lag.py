"""Projection lag at the city's peak: how far behind the stream the journal view and the export
state stay while events arrive at a steady rate.

    uv run python -m bench.projection_lag [--rate 1500] [--seconds 10] [--weeks 4] [--runs 3]

The demo school (`--weeks` weeks of lessons, loaded through the handlers with personal data
sealed, as `bench.projection_rebuild` loads it) is read from its stream once; each run then
publishes those events again, in order and at `--rate` events a second, into the JOURNAL stream
of a fresh nats-server, while two processes follow it live as the services do (a `Projector`
each, `run()`): the journal view, and the exporter's export state. The lag of an event is the
time from its publish being acknowledged to the moment its projection's checkpoint (committed
with the rows) is seen to cover it, polled every 5 ms. Prints one JSON line: per projection the
medians over the runs of the p50, p99 and greatest lag, and every run's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import json
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from bench.harness import child_json, median, percentile, private_infra
from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate
from services.common.jetstream import connect, ensure_stream
from services.common.keystore_pg import PgKeyStore
from services.common.log_writer import flush_logs
from services.common.settings import KeyStoreSettings
from services.common.stream_projector import stream_projector
from services.exporter.adapters.export_projection import ExportDocsProjection
from services.exporter.adapters.export_state import MIGRATIONS as EXPORTER_MIGRATIONS
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.bootstrap import MIGRATIONS as JOURNAL_MIGRATIONS
from tests.support.servers import nats_server

POLL_SECONDS: Final = 0.005
_FOLLOWERS: Final = ("journal_view", "export_state")
_EXPECTATIONS: Final = "Nats-Expected-"  # the source's own concurrency checks, not republished


@dataclass(frozen=True, slots=True)
class _Event:
    subject: str
    data: bytes
    headers: dict[str, str]


def _projection(which: str) -> JournalViewProjection | ExportDocsProjection:
    return JournalViewProjection() if which == "journal_view" else ExportDocsProjection()


async def follow(nats_url: str, database_url: str, schema: str, which: str) -> dict[str, Any]:
    """(child) Follow the stream live into `schema` until SIGTERM, as the service does."""
    nc = await connect(nats_url, name=f"bench-lag-{which}")
    pool = await create_pool(database_url, schema)
    migrations = JOURNAL_MIGRATIONS if which == "journal_view" else EXPORTER_MIGRATIONS
    await migrate(pool, schema, PROJECTOR_MIGRATIONS, migrations)
    keys = await PgKeyStore.open(KeyStoreSettings(dsn=database_url))
    projector = stream_projector(
        nc.jetstream(), pool, JOURNAL, JOURNAL_REGISTRY, _projection(which), keys
    )
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, projector.stop)
    print("ready", flush=True)
    try:
        await projector.run()
    finally:
        await keys.close()
        await pool.close()
        await nc.close()
    return {"stopped": which}


async def read_events(nats_url: str, count: int) -> list[_Event]:
    """The first `count` events of the loaded stream, as stored (headers included)."""
    nc = await connect(nats_url, name="bench-lag-read")
    events: list[_Event] = []
    done = asyncio.Event()

    async def on_message(msg: Msg) -> None:
        if len(events) < count:
            headers = {k: v for k, v in (msg.headers or {}).items() if _EXPECTATIONS not in k}
            events.append(_Event(msg.subject, msg.data, headers))
        if len(events) >= count or msg.metadata.num_pending == 0:
            done.set()

    sub = await nc.jetstream().subscribe(
        JOURNAL.subjects[0],
        cb=on_message,
        ordered_consumer=True,
        config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL),
    )
    await done.wait()
    await sub.unsubscribe()
    await nc.close()
    return events


@contextlib.contextmanager
def _followers(nats_url: str, database_url: str, schemas: dict[str, str]) -> Iterator[None]:
    """One following process per projection, each ready (migrated, subscribed) on entry."""

    base = [sys.executable, "-m", "bench.projection_lag", "follow", nats_url, database_url]
    processes = {
        which: subprocess.Popen(  # noqa: S603 - this module
            [*base, schemas[which], which],
            stdout=subprocess.PIPE,
            text=True,
        )
        for which in _FOLLOWERS
    }
    try:
        for which, process in processes.items():
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                msg = f"the {which} follower did not start"
                raise RuntimeError(msg)
        yield
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            process.wait(timeout=60)


class _Checkpoints:
    """When each projection's checkpoint was seen to reach which sequence."""

    def __init__(self) -> None:
        self.seen: dict[str, list[tuple[float, int]]] = {which: [(0.0, 0)] for which in _FOLLOWERS}

    async def poll(self, database_url: str, schemas: dict[str, str], until: int) -> None:
        pool = await create_pool(database_url, "public", max_size=2)
        names = {which: _projection(which).name for which in _FOLLOWERS}
        try:
            while min(seen[-1][1] for seen in self.seen.values()) < until:
                for which in _FOLLOWERS:
                    last = await pool.fetchval(
                        f'SELECT last_seq FROM "{schemas[which]}".projection_checkpoints '  # noqa: S608 - our own schema names
                        "WHERE name = $1",
                        names[which],
                    )
                    if last is not None and last > self.seen[which][-1][1]:
                        self.seen[which].append((time.perf_counter(), int(last)))
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await pool.close()

    def lags_ms(self, which: str, acked: dict[int, float]) -> list[float]:
        """Each acknowledged event's lag in `which`, in milliseconds."""
        seen = self.seen[which]
        reached = [seq for _, seq in seen]
        lags = []
        for seq, at in acked.items():
            first = bisect.bisect_left(reached, seq)
            lags.append((seen[first][0] - at) * 1000)
        return lags


async def publish_paced(
    js: JetStreamContext, events: Sequence[_Event], rate: float
) -> tuple[dict[int, float], float]:
    """Publish the events in order at `rate` a second; when each sequence was acknowledged,
    and the rate reached."""
    acked: dict[int, float] = {}

    async def publish(event: _Event) -> None:
        ack = await js.publish(
            event.subject, event.data, headers=event.headers, stream=JOURNAL.name
        )
        acked[ack.seq] = time.perf_counter()

    started = time.perf_counter()
    pending = []
    for number, event in enumerate(events):
        delay = started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(publish(event)))
    await asyncio.gather(*pending)
    return acked, len(events) / (time.perf_counter() - started)


async def one_run(database_url: str, events: Sequence[_Event], rate: float) -> dict[str, Any]:
    """A fresh server and schemas; the events published at `rate` while both follow."""
    schemas = {which: f"bench_lag_{which}_{secrets.token_hex(3)}" for which in _FOLLOWERS}
    checkpoints = _Checkpoints()
    try:
        with nats_server() as nats_url:
            nc = await connect(nats_url, name="bench-lag-publish")
            js = nc.jetstream()
            await ensure_stream(js, JOURNAL)
            with _followers(nats_url, database_url, schemas):
                polling = asyncio.create_task(checkpoints.poll(database_url, schemas, len(events)))
                acked, reached = await publish_paced(js, events, rate)
                await asyncio.wait_for(polling, timeout=120)
            await nc.close()
    finally:
        pool = await create_pool(database_url, "public", max_size=1)
        for schema in schemas.values():
            await pool.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
    result: dict[str, Any] = {"events": len(events), "rate_per_s": round(reached)}
    for which in _FOLLOWERS:
        lags = checkpoints.lags_ms(which, acked)
        result[which] = {
            "p50_ms": round(percentile(lags, 0.5), 1),
            "p99_ms": round(percentile(lags, 0.99), 1),
            "max_ms": round(max(lags), 1),
        }
    return result


async def measure(weeks: int, rate: float, seconds: float, runs: int) -> dict[str, Any]:
    """Load the demo once, then `runs` paced runs."""
    async with private_infra() as infra:
        child_json(
            "bench.projection_rebuild", "load", infra.nats_url, infra.database_url, str(weeks)
        )
        events = await read_events(infra.nats_url, int(rate * seconds))
        measured = [await one_run(infra.database_url, events, rate) for _ in range(runs)]
    summary: dict[str, Any] = {
        "bench": "projection_lag",
        "target_rate_per_s": rate,
        "events": len(events),
        "rate_per_s": round(median([m["rate_per_s"] for m in measured])),
    }
    for which in _FOLLOWERS:
        summary[which] = {
            key: round(median([m[which][key] for m in measured]), 1)
            for key in ("p50_ms", "p99_ms", "max_ms")
        }
    summary["runs"] = measured
    return summary


def main() -> None:
    """`follow ...` runs one following process; otherwise the whole benchmark."""
    if len(sys.argv) > 1 and sys.argv[1] == "follow":
        asyncio.run(follow(*sys.argv[2:6]))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=1500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--weeks", type=int, default=4)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    measured = asyncio.run(measure(args.weeks, args.rate, args.seconds, args.runs))
    flush_logs()  # the log lines queued so far go out first: the JSON line stays the last one
    print(json.dumps(measured))


if __name__ == "__main__":
    main()
