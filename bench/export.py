"""Export and diary benchmarks: full reconciliations and a busy day's delta.

    uv run python -m bench.export [--runs 3] [--synthetic-events 1000000]
                                  [--small-events 200000] [--skip-demo] [--skip-synthetic]
                                  [--clear]

1. The demo school (`demo.generate(2026)`, loaded through the handlers, personal data sealed
   as the journal seals it): per run a raw ordered read of its JOURNAL subjects, a full export
   (fresh exporter schema, so never "already exported"), and the diary applying that full
   batch (fresh diary schema). With `--clear`, the same school is also loaded with sealing off
   into a second pair of servers, and each run is followed by a full export of that one:
   `sealing_cost` is 1 - the sealed export's median rate / the clear one's.
2. A synthetic school year of at least a million events (school "big"), and a smaller one
   (school "mid", same stream) for the peak-memory comparison: the same measurements.
3. The busy-day delta on "big": a first delta over the whole year (the baseline cut, timed
   apart), then per run one more school day published and the delta that exports it, beside
   a raw read of just that day's range.

Every measurement runs in a fresh process, so its peak RSS is its own; raw reads and exports
alternate in the same session. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from nats.js import JetStreamContext

from bench.harness import (
    Infra,
    child_json,
    median,
    peak_rss_mib,
    private_infra,
    raw_read,
    stream_last_seq,
)
from bench.synthetic_year import SyntheticYear, publish, publish_days
from contracts.streams import DIARY, JOURNAL
from contracts.subjects import diary_filter, journal_filter

MODULE = "bench.export"
DEMO_SCHOOL, BIG, MID, YEAR = "s1", "big", "mid", 2026
DEV_SECRET = "bench-export-" + secrets.token_hex(32)
PSEUDONYM_KEY = "bench-pseudonym-key-" + "k" * 32  # fixed: every run pseudonymises alike
_STEPS = {"load-demo", "raw", "full", "delta", "diary"}


# ---------------------------------------------------------------------------- child steps


def exporter_settings(infra: Infra, schema: str) -> Any:  # noqa: ANN401 - Settings
    """The exporter's settings for a bench process (schedule off, a given schema)."""
    from services.exporter.settings import Settings  # noqa: PLC0415 - child-only import

    os.environ.update(
        {
            "EXPORTER_NATS__URL": infra.nats_url,
            "EXPORTER_PG__DSN": infra.database_url,
            "EXPORTER_PG__SCHEMA_NAME": schema,
            "EXPORTER_AUTH__DEV_SECRET": DEV_SECRET,
            "EXPORTER_PSEUDONYM_KEY": PSEUDONYM_KEY,
            "EXPORTER_SCHEDULE_ENABLED": "false",
            # the grants' loops would drain the journal before the timed catch-up
            "EXPORTER_GRANTS_FOLLOW": "false",
            "EXPORTER_LOG_JSON": "true",
        }
    )
    return Settings()  # required fields come from the environment


def quiet_logs() -> None:
    """Exporter and diary log at info level to stdout; a bench child prints only its JSON."""
    import logging  # noqa: PLC0415

    import structlog  # noqa: PLC0415

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


async def load_demo(nats_url: str, database_url: str, *, sealed: bool) -> dict[str, Any]:
    """Load the default demo school through the journal's handlers (sealed or in the clear)."""
    from bench.projection_rebuild import load  # noqa: PLC0415

    return await load(nats_url, database_url, 8, sealed=sealed)  # demo.generate's term_weeks


async def full_export(infra: Infra, school: str) -> dict[str, Any]:
    """One full export of (school, YEAR) from a fresh exporter schema, dropped afterwards.

    The replay into the scratch schema is timed apart from reading and publishing the
    documents (the projector of the cut is wrapped, the service code is untouched).
    """
    from services.exporter import bootstrap  # noqa: PLC0415
    from services.exporter.adapters import export_state  # noqa: PLC0415
    from services.exporter.application.exporting import export  # noqa: PLC0415

    replays: list[Any] = []
    make = export_state.export_projector

    def timed_projector(*args: Any, **kwargs: Any) -> Any:  # noqa: ANN401
        projector = make(*args, **kwargs)
        rebuild_into = projector.rebuild_into

        async def recorded(*a: Any, **k: Any) -> Any:  # noqa: ANN401
            result = await rebuild_into(*a, **k)
            replays.append(result)
            return result

        projector.rebuild_into = recorded  # type: ignore[method-assign]
        return projector

    export_state.export_projector = timed_projector
    schema = f"bench_exp_{secrets.token_hex(4)}"
    settings = exporter_settings(infra, schema)
    quiet_logs()
    try:
        async with bootstrap.build(settings) as runtime:
            started = time.perf_counter()
            outcome = await export(runtime.deps, school, YEAR, "full", "cli")
            seconds = time.perf_counter() - started
    finally:
        await _drop_schemas(infra.database_url, schema)
    run, replay = outcome.run, replays[-1] if replays else None
    events = replay.events_applied if replay is not None else 0
    return {
        "already": outcome.already,
        "status": run.status,
        "batch_id": run.batch_id,
        "to_seq": run.to_seq,
        "events": events,
        "records": run.records,
        "seconds": round(seconds, 3),
        "per_s": round(events / seconds),
        "replay_seconds": round(replay.seconds, 3) if replay is not None else None,
        "publish_seconds": round(seconds - replay.seconds, 3) if replay is not None else None,
        "dead_letters": replay.dead_letters if replay is not None else None,
        "rss_mib": peak_rss_mib(),
    }


async def delta_export(infra: Infra, school: str, schema: str) -> dict[str, Any]:
    """One delta export of (school, YEAR) on a kept exporter schema; catch-up timed apart."""
    from services.exporter import bootstrap  # noqa: PLC0415
    from services.exporter.application.exporting import export  # noqa: PLC0415

    settings = exporter_settings(infra, schema)
    quiet_logs()
    async with bootstrap.build(settings) as runtime:
        state = runtime.state
        before = await state.projector.describe()
        catch_up = state.catch_up
        timing: dict[str, float] = {}

        async def timed_catch_up() -> int:
            began = time.perf_counter()
            try:
                return await catch_up()
            finally:
                timing["catch_up"] = time.perf_counter() - began

        state.catch_up = timed_catch_up  # type: ignore[method-assign]
        started = time.perf_counter()
        outcome = await export(runtime.deps, school, YEAR, "delta", "cli")
        seconds = time.perf_counter() - started
    run = outcome.run
    events = (run.to_seq or 0) - before.last_seq  # JOURNAL events folded by this run
    return {
        "already": outcome.already,
        "status": run.status,
        "batch_id": run.batch_id,
        "from_seq": run.from_seq,
        "to_seq": run.to_seq,
        "events": events,
        "records": run.records,
        "seconds": round(seconds, 3),
        "per_s": round(events / seconds) if seconds else None,
        "catch_up_seconds": round(timing.get("catch_up", 0.0), 3),
        "publish_seconds": round(seconds - timing.get("catch_up", 0.0), 3),
        "rss_mib": peak_rss_mib(),
    }


async def diary_apply(infra: Infra, school: str, until: int) -> dict[str, Any]:
    """The diary's live projector applying (school, YEAR)'s DIARY feed up to `until` into a
    fresh schema (dropped afterwards): the staged records and the batch at its manifest."""
    from contracts.registry import DIARY_REGISTRY  # noqa: PLC0415
    from services.common.db import PROJECTOR_MIGRATIONS, create_pool, migrate  # noqa: PLC0415
    from services.common.jetstream import connect  # noqa: PLC0415
    from services.common.projector import Projector  # noqa: PLC0415
    from services.diary.adapters.diary_projection import DiaryProjection  # noqa: PLC0415
    from services.diary.bootstrap import MIGRATIONS  # noqa: PLC0415

    quiet_logs()
    schema = f"bench_dry_{secrets.token_hex(4)}"
    nc = await connect(infra.nats_url, name="bench-diary")
    pool = await create_pool(infra.database_url, schema)
    try:
        await migrate(pool, schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
        projector = Projector(
            nc.jetstream(),
            pool,
            stream=DIARY.name,
            filter_subject=diary_filter(YEAR, school),
            registry=DIARY_REGISTRY,
            projection=DiaryProjection(),
        )
        started = time.perf_counter()
        checkpoint = await projector.run_until(until)
        seconds = time.perf_counter() - started
        status = projector.status()
        await projector.close()
        async with pool.acquire() as conn:
            batches = [
                dict(row)
                for row in await conn.fetch(
                    "SELECT batch_id, kind, status, records, reason FROM batches ORDER BY 1"
                )
            ]
            records = int(await conn.fetchval("SELECT count(*) FROM records"))
    finally:
        await pool.close()
        await nc.close()
        await _drop_schemas(infra.database_url, schema)
    applied = sum(b["records"] or 0 for b in batches if b["status"] == "applied")
    return {
        "checkpoint": checkpoint,
        "messages": status.events_applied,
        "batches": batches,
        "records_applied": applied,
        "records_held": records,
        "seconds": round(seconds, 3),
        "records_per_s": round(applied / seconds) if seconds else None,
        "rss_mib": peak_rss_mib(),
    }


async def _drop_schemas(database_url: str, *schemas: str) -> None:
    import asyncpg  # noqa: PLC0415

    conn = await asyncpg.connect(database_url)
    try:
        for schema in schemas:  # with the exporter's access projection beside it
            for name in (schema, f"{schema}_access"):
                await conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    finally:
        await conn.close()


def run_step(step: str, args: list[str]) -> dict[str, Any]:
    """One child step; `args` start with the NATS URL and the database URL."""
    infra = Infra(args[0], args[1])
    rest = args[2:]
    match step:
        case "load-demo":
            sealed = rest != ["clear"]
            return asyncio.run(load_demo(infra.nats_url, infra.database_url, sealed=sealed))
        case "raw":
            return asyncio.run(raw_read(infra.nats_url, rest[0], int(rest[1])))
        case "full":
            return asyncio.run(full_export(infra, rest[0]))
        case "delta":
            return asyncio.run(delta_export(infra, rest[0], rest[1]))
        case _:
            return asyncio.run(diary_apply(infra, rest[0], int(rest[1])))


# ---------------------------------------------------------------------------- the parent


class Session:
    """The children of one private infra, each step run in a fresh process."""

    def __init__(self, infra: Infra, profile_dir: str | None = None) -> None:
        self.infra = infra
        self.profile_dir = profile_dir

    def step(self, step: str, *args: str, profile: str | None = None) -> dict[str, Any]:
        """Run `step` in a child (under cProfile to `profile_dir/profile` when both given)."""
        where = (self.infra.nats_url, self.infra.database_url)
        cprofile = None
        if profile is not None and self.profile_dir is not None:
            cprofile = os.path.join(self.profile_dir, profile)
        return child_json(MODULE, step, *where, *args, timeout=3600, cprofile=cprofile)

    async def journal_last_seq(self) -> int:
        """The JOURNAL stream's last sequence now."""
        return await stream_last_seq(self.infra.nats_url, JOURNAL.name)

    async def diary_last_seq(self) -> int:
        """The DIARY stream's last sequence now."""
        return await stream_last_seq(self.infra.nats_url, DIARY.name)


async def full_reconciliation(
    session: Session,
    school: str,
    runs: int,
    *,
    profile: str | None = None,
    clear: Session | None = None,
) -> dict[str, Any]:
    """Alternate raw reads, full exports and diary applies of one school year `runs` times
    (and a full export of the same school written in the clear, in `clear`, after each)."""
    raws, fulls, diaries, clear_fulls = [], [], [], []
    for n in range(runs):
        raws.append(session.step("raw", journal_filter(YEAR, school), "1"))
        fulls.append(session.step("full", school))
        until = await session.diary_last_seq()
        diaries.append(session.step("diary", school, str(until)))
        _progress(f"{school} full run {n + 1}: {fulls[-1]['seconds']} s")
        if clear is not None:
            clear_fulls.append(clear.step("full", school))
            _progress(f"{school} in the clear, full run {n + 1}: {clear_fulls[-1]['seconds']} s")
    profiled = None
    if profile is not None and session.profile_dir is not None:  # an extra run, not counted
        profiled = session.step("full", school, profile=profile)
    raw_rate = median([r["per_s"] for r in raws])
    rate = median([f["per_s"] for f in fulls])
    sealing = {}
    if clear_fulls:
        clear_rate = median([f["per_s"] for f in clear_fulls])
        sealing = {
            "clear_export_seconds": median([f["seconds"] for f in clear_fulls]),
            "clear_export_events_per_s": round(clear_rate),
            "sealing_cost": round(1 - rate / clear_rate, 3),
        }
    return {
        "school": school,
        "profiled_run": profiled,
        "journal_events": fulls[0]["events"],
        "raw_events": raws[0]["events"],
        "records": fulls[0]["records"],
        "export_seconds": median([f["seconds"] for f in fulls]),
        "export_events_per_s": round(rate),
        "replay_seconds": median([f["replay_seconds"] for f in fulls]),
        "publish_seconds": median([f["publish_seconds"] for f in fulls]),
        "raw_read_per_s": round(raw_rate),
        "export_to_raw": round(rate / raw_rate, 3),
        "export_peak_rss_mib": max(f["rss_mib"] for f in fulls),
        "raw_peak_rss_mib": max(r["rss_mib"] for r in raws),
        "diary_apply_seconds": median([d["seconds"] for d in diaries]),
        "diary_records_per_s": round(median([d["records_per_s"] for d in diaries])),
        "diary_records_applied": diaries[0]["records_applied"],
        "diary_peak_rss_mib": max(d["rss_mib"] for d in diaries),
        **sealing,
        "runs": {"raw": raws, "full": fulls, "diary": diaries, "clear_full": clear_fulls},
    }


def _progress(text: str) -> None:
    print(f"[bench.export {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def demo_school(runs: int, profile_dir: str | None, *, clear: bool) -> dict[str, Any]:
    """Section 1: the demo school's full reconciliation (beside the same school in the clear)."""
    async with private_infra() as infra, contextlib.AsyncExitStack() as stack:
        session = Session(infra, profile_dir)
        loaded = session.step("load-demo")
        _progress(f"demo loaded: {loaded['events']} events in {loaded['load_seconds']} s")
        plain = None
        if clear:
            plain = Session(await stack.enter_async_context(private_infra()))
            plain.step("load-demo", "clear")
            _progress("demo loaded in the clear")
        result = await full_reconciliation(
            session, DEMO_SCHOOL, runs, profile="demo_full.prof", clear=plain
        )
    return {"load": loaded, **result}


@contextlib.asynccontextmanager
async def _jetstream(nats_url: str) -> AsyncIterator[JetStreamContext]:
    from services.common.jetstream import connect  # noqa: PLC0415

    nc = await connect(nats_url, name="bench-export-publish")
    try:
        yield nc.jetstream()
    finally:
        await nc.drain()


async def _timed(what: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = await what()
    return value, time.perf_counter() - started


async def synthetic_school(
    runs: int, events: int, small_events: int, profile_dir: str | None
) -> dict[str, Any]:
    """Sections 2 and 3: the synthetic years' full reconciliations and the busy-day delta."""
    big, mid = SyntheticYear(school=BIG, year=YEAR), SyntheticYear(school=MID, year=YEAR)
    async with private_infra() as infra, _jetstream(infra.nats_url) as js:
        session = Session(infra, profile_dir)
        count, seconds = await _timed(lambda: publish(js, big, events))
        loads = {BIG: {"events": count, "seconds": round(seconds, 1)}}
        _progress(f"{BIG}: {count} day events published in {seconds:.0f} s")
        count, seconds = await _timed(lambda: publish(js, mid, small_events))
        loads[MID] = {"events": count, "seconds": round(seconds, 1)}
        _progress(f"{MID}: {count} day events published in {seconds:.0f} s")
        full_big = await full_reconciliation(session, BIG, runs, profile="big_full.prof")
        full_mid = await full_reconciliation(session, MID, runs)
        delta = await busy_day_delta(session, js, big, runs)
    memory = {
        "small_year_events": full_mid["journal_events"],
        "small_year_export_peak_rss_mib": full_mid["export_peak_rss_mib"],
        "big_year_events": full_big["journal_events"],
        "big_year_export_peak_rss_mib": full_big["export_peak_rss_mib"],
        "small_year_diary_peak_rss_mib": full_mid["diary_peak_rss_mib"],
        "big_year_diary_peak_rss_mib": full_big["diary_peak_rss_mib"],
    }
    return {"load": loads, "full": full_big, "small": full_mid, "memory": memory, "delta": delta}


async def busy_day_delta(
    session: Session,
    js: JetStreamContext,
    year: SyntheticYear,
    runs: int,
) -> dict[str, Any]:
    """The first delta (the baseline cut), then per run one more school day and its delta."""
    schema = f"bench_delta_{secrets.token_hex(4)}"
    first = session.step("delta", year.school, schema)
    _progress(f"first delta: {first['events']} events, {first['seconds']} s")
    raws, deltas, published = [], [], []
    try:
        for n in range(runs):
            start_seq = await session.journal_last_seq() + 1
            published.append(await publish_days(js, year, 1))
            raws.append(session.step("raw", journal_filter(YEAR, year.school), str(start_seq)))
            deltas.append(session.step("delta", year.school, schema, profile=None))
            _progress(f"busy day {n + 1}: {deltas[-1]['events']} events, {deltas[-1]['seconds']} s")
    finally:
        await _drop_schemas(session.infra.database_url, schema)
    raw_rate = median([r["per_s"] for r in raws])
    rate = median([d["per_s"] for d in deltas])
    return {
        "first_delta": first,
        "day_events": median(published),
        "events": median([d["events"] for d in deltas]),
        "records": median([d["records"] for d in deltas]),
        "seconds": median([d["seconds"] for d in deltas]),
        "events_per_s": round(rate),
        "catch_up_seconds": median([d["catch_up_seconds"] for d in deltas]),
        "publish_seconds": median([d["publish_seconds"] for d in deltas]),
        "raw_read_per_s": round(raw_rate),
        "raw_seconds": round(median([r["seconds"] for r in raws]), 3),
        "delta_to_raw": round(rate / raw_rate, 3),
        "peak_rss_mib": max(d["rss_mib"] for d in deltas),
        "raw_peak_rss_mib": max(r["rss_mib"] for r in raws),
        "runs": {"raw": raws, "delta": deltas},
    }


def main() -> None:
    """A child step (`load-demo|raw|full|delta|diary NATS DB ...`) or the whole benchmark."""
    if len(sys.argv) > 1 and sys.argv[1] in _STEPS:
        print(json.dumps(run_step(sys.argv[1], sys.argv[2:]), default=str))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--synthetic-events", type=int, default=1_000_000)
    parser.add_argument("--small-events", type=int, default=200_000)
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument(
        "--clear", action="store_true", help="also export the demo school written in the clear"
    )
    parser.add_argument(
        "--profile-dir",
        default=None,
        help="cProfile one extra (uncounted) full export of demo and big into this directory",
    )
    args = parser.parse_args()
    out: dict[str, Any] = {"bench": "export", "runs": args.runs}
    if not args.skip_demo:
        out["demo"] = asyncio.run(demo_school(args.runs, args.profile_dir, clear=args.clear))
    if not args.skip_synthetic:
        out["synthetic"] = asyncio.run(
            synthetic_school(args.runs, args.synthetic_events, args.small_events, args.profile_dir)
        )
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
