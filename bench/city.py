"""A city on one JOURNAL stream, and its full reconciliation with one and with two exporter
replicas.

    uv run python -m bench.city [--schools 20] [--events 20000] [--classes 8] [--runs 3]

The city: `--schools` synthetic schools (`bench.synthetic_year`, schools `city00`, `city01`, …,
each with its own seed) of about `--events` events each, published side by side on one private
nats-server. The exporter's state is caught up once (not timed). Then, per run and per replica
count (1, then 2; the order alternates between runs): one more school day is published for
every school and caught up (not timed), and the replicas, each a fresh process on the same
exporter schema, run the scheduled monthly full reconciliation of one due moment
(`scheduler.run_due(..., ("full",), due=...)`). The replicas claim each school year in
PostgreSQL before exporting it, so the schools are spread over them and none is exported twice:
checked after each measurement (one published full run per school, one claim per school).

The time of a measurement is from the first replica starting its run to the last one ending
(the runtimes are built before). In the same run, a raw ordered read of the whole stream is
the baseline. Prints one JSON line: medians of the seconds with one and two replicas, the
speed-up (one / two), the events per second of each beside the raw read's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import secrets
import sys
import time
from collections.abc import Sequence
from typing import Any

from nats.js import JetStreamContext

from bench.export import exporter_settings, quiet_logs
from bench.harness import Infra, child_json, median, peak_rss_mib, private_infra, raw_read
from bench.synthetic_year import SyntheticYear, publish, publish_days
from contracts.subjects import journal_filter
from services.common.jetstream import connect

MODULE = "bench.city"
YEAR = 2026
DUE = dt.datetime(2026, 10, 1, 16, 0, tzinfo=dt.UTC)


def city(schools: int, classes: int) -> list[SyntheticYear]:
    """The schools of a city: `city00`, `city01`, …, each with `classes` classes and a seed of
    its own (deterministic)."""
    return [
        SyntheticYear(school=f"city{n:02d}", year=YEAR, classes=classes, seed=YEAR + n)
        for n in range(schools)
    ]


async def publish_city(js: JetStreamContext, schools: Sequence[SyntheticYear], events: int) -> int:
    """Publish about `events` events of each school (its roster first), one school after the
    other (each publish keeps many acknowledgements in flight already: more at once only times
    out); answer how many were published."""
    return sum([await publish(js, school, events) for school in schools])


async def publish_city_days(
    js: JetStreamContext, schools: Sequence[SyntheticYear], days: int = 1
) -> int:
    """Publish the next `days` school days of every school of a published city."""
    return sum([await publish_days(js, school, days) for school in schools])


def count_claims(runs: Any) -> list[int]:  # noqa: ANN401 - an exporter's `Runs`
    """Count the scheduled claims `runs` wins from now on (its `claim` wrapped, the service's
    code untouched): the list's one item is the count."""
    won = [0]
    claim = runs.claim

    async def counted(*args: Any) -> bool:  # noqa: ANN401 - `Runs.claim`'s arguments
        taken = bool(await claim(*args))
        won[0] += taken
        return taken

    runs.claim = counted
    return won


# ---------------------------------------------------------------------------- child steps


async def catch_up(infra: Infra, schema: str) -> dict[str, Any]:
    """Fold the journal into the exporter's state up to its end (the untimed set-up)."""
    from services.exporter import bootstrap  # noqa: PLC0415 - child-only import

    settings = exporter_settings(infra, schema)
    quiet_logs()
    async with bootstrap.build(settings) as runtime:
        started = time.perf_counter()
        checkpoint = await runtime.deps.state.catch_up()
        return {"checkpoint": checkpoint, "seconds": round(time.perf_counter() - started, 3)}


async def replica(infra: Infra, schema: str, due: dt.datetime) -> dict[str, Any]:
    """One replica's share of the full reconciliation due at `due`: its start and end (wall
    clock, comparable between processes), the school years it claimed, its failures."""
    from services.exporter import bootstrap  # noqa: PLC0415 - child-only import
    from services.exporter.application.scheduler import Retry, run_due  # noqa: PLC0415

    settings = exporter_settings(infra, schema)
    quiet_logs()
    async with bootstrap.build(settings) as runtime:
        claimed = count_claims(runtime.deps.runs)
        started = time.time()
        failures = await run_due(runtime.deps, ("full",), Retry(1, 0.0), due)
        ended = time.time()
    return {
        "started": started,
        "ended": ended,
        "claimed": claimed[0],
        "failures": failures,
        "rss_mib": peak_rss_mib(),
    }


def run_step(step: str, args: list[str]) -> dict[str, Any]:
    """One child step; `args` start with the NATS URL, the database URL and the schema."""
    infra, schema, rest = Infra(args[0], args[1]), args[2], args[3:]
    if step == "catch-up":
        return asyncio.run(catch_up(infra, schema))
    return asyncio.run(replica(infra, schema, dt.datetime.fromisoformat(rest[0])))


# ---------------------------------------------------------------------------- the parent


async def reconcile(infra: Infra, schema: str, replicas: int, due: dt.datetime) -> dict[str, Any]:
    """The full reconciliation due at `due` by `replicas` processes at once, checked to have
    exported every school exactly once."""
    where = (infra.nats_url, infra.database_url, schema)
    shares = await asyncio.gather(
        *(
            asyncio.to_thread(child_json, MODULE, "replica", *where, due.isoformat())
            for _ in range(replicas)
        )
    )
    if any(share["failures"] for share in shares):
        raise RuntimeError(f"a replica's exports failed: {shares}")
    await _check_exported_once(infra.database_url, schema, due)
    return {
        "seconds": round(max(s["ended"] for s in shares) - min(s["started"] for s in shares), 3),
        "schools_per_replica": sorted(s["claimed"] for s in shares),
        "rss_mib": max(s["rss_mib"] for s in shares),
    }


RUNS_OF_MOMENT = """
SELECT c.school, r.status, r.batch_id, r.records
FROM scheduled_claims c
JOIN runs r ON (r.school, r.year, r.kind) = (c.school, c.year, c.kind)
    AND r.started_at >= c.claimed_at
WHERE c.kind = $1 AND c.due_at = $2
    AND NOT EXISTS (
        SELECT 1 FROM scheduled_claims later
        WHERE (later.school, later.year, later.kind) = (c.school, c.year, c.kind)
            AND later.due_at > c.due_at AND r.started_at >= later.claimed_at
    )
"""
"""The exporter's runs of one scheduled moment ($1 the kind, $2 the moment): those started
after their school year's claim of it and before its claim of a later one."""


async def runs_of_moment(db: Any, kind: str, due: dt.datetime) -> list[Any]:  # noqa: ANN401
    """`RUNS_OF_MOMENT` read through `db` (a pool or a connection on the exporter's schema)."""
    return list(await db.fetch(RUNS_OF_MOMENT, kind, due))


async def _check_exported_once(database_url: str, schema: str, due: dt.datetime) -> None:
    """Raise unless every school year claimed for the full reconciliation due at `due` has
    exactly one full run of it, published."""
    import asyncpg  # noqa: PLC0415 - the parent's only database read

    conn = await asyncpg.connect(database_url, server_settings={"search_path": schema})
    try:
        claimed = await conn.fetch(
            "SELECT school FROM scheduled_claims WHERE kind = 'full' AND due_at = $1", due
        )
        runs = await runs_of_moment(conn, "full", due)
    finally:
        await conn.close()
    schools = sorted(r["school"] for r in claimed)
    exported = sorted(r["school"] for r in runs if r["status"] == "published")
    if not schools or exported != schools or len(runs) != len(exported):
        raise RuntimeError(f"not every school exported exactly once: {[tuple(r) for r in runs]}")


async def measure(schools: int, events: int, classes: int, runs: int) -> dict[str, Any]:
    """Publish the city, then `runs` rounds of a reconciliation with one and with two
    replicas, each after one more school day."""
    city_schools = city(schools, classes)
    schema = f"bench_city_{secrets.token_hex(4)}"
    seconds: dict[int, list[float]] = {1: [], 2: []}
    raw: list[float] = []
    details: list[dict[str, Any]] = []
    async with private_infra() as infra:
        nc = await connect(infra.nats_url, name="bench-city")
        try:
            js = nc.jetstream()
            published = await publish_city(js, city_schools, events)
            where = (infra.nats_url, infra.database_url, schema)
            child_json(MODULE, "catch-up", *where)
            for n in range(runs):
                for replicas in (1, 2) if n % 2 == 0 else (2, 1):
                    published += await publish_city_days(js, city_schools)
                    child_json(MODULE, "catch-up", *where)
                    due = DUE + dt.timedelta(days=len(details))
                    result = await reconcile(infra, schema, replicas, due)
                    seconds[replicas].append(result["seconds"])
                    details.append({"replicas": replicas, **result})
                    _progress(f"{replicas} replica(s): {result['seconds']:.1f} s")
                read = await raw_read(infra.nats_url, journal_filter())
                raw.append(read["per_s"])
        finally:
            await nc.close()
    one, two = median(seconds[1]), median(seconds[2])
    return {
        "schools": schools,
        "events": published,
        "one_replica_s": round(one, 2),
        "two_replicas_s": round(two, 2),
        "speed_up": round(one / two, 3),
        "one_replica_events_per_s": round(published / one),
        "two_replicas_events_per_s": round(published / two),
        "raw_read_events_per_s": round(median(raw)),
        "runs": details,
    }


def _progress(text: str) -> None:
    print(f"bench.city: {text}", file=sys.stderr, flush=True)


def main() -> None:
    """`catch-up|replica ...` run one step (child processes); otherwise the whole benchmark."""
    if len(sys.argv) > 1 and sys.argv[1] in {"catch-up", "replica"}:
        print(json.dumps(run_step(sys.argv[1], sys.argv[2:])))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--events", type=int, default=20_000, help="about this many per school")
    parser.add_argument("--classes", type=int, default=8, help="classes per school")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.schools, args.events, args.classes, args.runs))))


if __name__ == "__main__":
    main()
