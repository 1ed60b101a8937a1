"""Projection rebuild: events per second applying the demo school's JOURNAL stream into the
journal view, beside the raw rate of reading the same stream with an ordered consumer, in the
same run; peak RSS of each measuring process for two stream sizes.

    uv run python -m bench.projection_rebuild [--weeks 4 12] [--runs 3] [--clear]

The stream is written as the journal writes it: personal data sealed per person
(`services.common.sealing`), opened by the rebuild from the key store. With `--clear` the same
school is also loaded into a second pair of servers with sealing off (the stream as it was
before sealing), and the runs alternate between the two, so `sealing_cost` (1 - the sealed
rebuild's median rate / the clear one's) is measured in the same session.

Each measurement runs in a fresh process, so its peak RSS is its own. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import secrets
import subprocess
import sys
import time
from typing import Any, cast

import demo
from bench.harness import Infra, median, peak_rss_mib, private_infra, raw_read
from contracts.registry import JOURNAL_REGISTRY
from contracts.streams import JOURNAL
from demo import loader as demo_loader
from services.common.db import PROJECTOR_MIGRATIONS, create_pool
from services.common.eventstore_jetstream import JetStreamEventStore
from services.common.jetstream import connect, ensure_stream
from services.common.keystore import KeyStore
from services.common.keystore_pg import PgKeyStore
from services.common.settings import KeyStoreSettings
from services.common.stream_projector import stream_projector
from services.journal.adapters.journal_projection import JournalViewProjection
from services.journal.adapters.object_store import InMemoryFiles
from services.journal.bootstrap import MIGRATIONS
from tests.support.clock import FakeClock
from tests.support.journal import AFTER_TERM, in_memory_deps


async def load(
    nats_url: str, database_url: str, weeks: int, *, sealed: bool = True
) -> dict[str, Any]:
    """Load the demo school with `weeks` weeks of lessons through the handlers (personal data
    sealed under keys in `database_url`'s key store, as the journal does; in the clear when not
    `sealed`, as the stream was before sealing)."""
    nc = await connect(nats_url, name="bench-load")
    js = nc.jetstream()
    await ensure_stream(js, JOURNAL)
    async with PgKeyStore.at(database_url) as keys:
        store = JetStreamEventStore(js, JOURNAL.name)
        clock = FakeClock(AFTER_TERM)
        deps = in_memory_deps(store, files=InMemoryFiles(), clock=clock, keys=keys)
        if not sealed:
            # The journal's event log writes payloads as they are when it has no key store.
            deps = dataclasses.replace(deps, keys=cast("KeyStore", None))
        started = time.perf_counter()
        report = await demo_loader.load(deps, demo.generate(2026, term_weeks=weeks))
        seconds = time.perf_counter() - started
    last_seq = (await js.stream_info(JOURNAL.name)).state.last_seq
    await nc.close()
    return {"events": last_seq, "load_seconds": round(seconds, 1), "report": str(report)}


async def rebuild(nats_url: str, database_url: str) -> dict[str, Any]:
    """Rebuild the journal view from sequence 1 into a fresh schema (dropped afterwards)."""
    nc = await connect(nats_url, name="bench-rebuild")
    schema = f"bench_{secrets.token_hex(4)}"
    pool = await create_pool(database_url, schema)
    keys = await PgKeyStore.open(KeyStoreSettings(dsn=database_url))
    projector = stream_projector(
        nc.jetstream(), pool, JOURNAL, JOURNAL_REGISTRY, JournalViewProjection(), keys
    )
    cpu = time.process_time()
    try:
        result = await projector.rebuild_into(schema, PROJECTOR_MIGRATIONS, MIGRATIONS)
        cpu = time.process_time() - cpu
    finally:
        await keys.close()
        async with pool.acquire() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await pool.close()
        await nc.close()
    return {
        "events": result.events_applied,
        "seconds": result.seconds,
        "per_s": result.events_applied / result.seconds,
        "dead_letters": result.dead_letters,
        "cpu_seconds": round(cpu, 2),  # this process's: the rebuild is CPU-bound in Python
        "rss_mib": peak_rss_mib(),
    }


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - this module
        [sys.executable, "-m", "bench.projection_rebuild", *args],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def measure_size(weeks: int, runs: int, *, clear: bool) -> dict[str, Any]:
    """Load one stream size (and its clear copy), then alternate raw reads and rebuilds, each
    in a fresh process."""
    async with private_infra() as infra, contextlib.AsyncExitStack() as stack:
        loaded = _child("load", infra.nats_url, infra.database_url, str(weeks))
        sealed = _Series(infra)
        plain = None
        if clear:
            plain_infra = await stack.enter_async_context(private_infra())
            _child("load", plain_infra.nats_url, plain_infra.database_url, str(weeks), "clear")
            plain = _Series(plain_infra)
        for _ in range(runs):
            sealed.run()
            if plain is not None:
                plain.run()
    result = {
        "weeks": weeks,
        "events": loaded["events"],
        "load_seconds": loaded["load_seconds"],
        **sealed.summary(),
    }
    if plain is not None:
        result["clear"] = plain.summary()
        # The two alternate run by run, so their rates meet the same moments of the machine.
        result["sealing_cost"] = round(1 - _rate(sealed.rebuilds) / _rate(plain.rebuilds), 3)
    return result


class _Series:
    """Raw reads and rebuilds of one pair of servers."""

    def __init__(self, infra: Infra) -> None:
        self.infra = infra
        self.raws: list[dict[str, Any]] = []
        self.rebuilds: list[dict[str, Any]] = []

    def run(self) -> None:
        self.raws.append(_child("raw", self.infra.nats_url))
        self.rebuilds.append(_child("rebuild", self.infra.nats_url, self.infra.database_url))

    def to_raw(self) -> float:
        return _rate(self.rebuilds) / _rate(self.raws)

    def summary(self) -> dict[str, Any]:
        return {
            "raw_read_per_s": round(_rate(self.raws)),
            "rebuild_per_s": round(_rate(self.rebuilds)),
            "rebuild_to_raw": round(self.to_raw(), 3),
            "rebuild_seconds": round(median([r["seconds"] for r in self.rebuilds]), 2),
            "raw_peak_rss_mib": max(r["rss_mib"] for r in self.raws),
            "rebuild_peak_rss_mib": max(r["rss_mib"] for r in self.rebuilds),
            "dead_letters": max(r["dead_letters"] for r in self.rebuilds),
            "runs": {"raw": self.raws, "rebuild": self.rebuilds},
        }


def _rate(measured: list[dict[str, Any]]) -> float:
    return median([m["per_s"] for m in measured])


def main() -> None:
    """`load|raw|rebuild ...` run one step (child processes); otherwise the whole benchmark."""
    if len(sys.argv) > 1 and sys.argv[1] in {"load", "raw", "rebuild"}:
        step, *rest = sys.argv[1:]
        if step == "load":
            sealed = rest[3:] != ["clear"]
            result = asyncio.run(load(rest[0], rest[1], int(rest[2]), sealed=sealed))
        elif step == "raw":
            result = asyncio.run(raw_read(rest[0], JOURNAL.subjects[0]))
        else:
            result = asyncio.run(rebuild(rest[0], rest[1]))
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, nargs="+", default=[4, 12])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--clear", action="store_true", help="also rebuild the same school written in the clear"
    )
    args = parser.parse_args()
    sizes = [asyncio.run(measure_size(w, args.runs, clear=args.clear)) for w in args.weeks]
    print(json.dumps({"bench": "projection_rebuild", "sizes": sizes}, ensure_ascii=False))


if __name__ == "__main__":
    main()
