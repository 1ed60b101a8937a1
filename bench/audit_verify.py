"""Audit verification: events per second verifying a full synthetic year of the JOURNAL stream
(chains, sequences, time and the signed anchor's digest), beside the raw rate of reading the
same stream with the same reader, in the same run.

    uv run python -m bench.audit_verify [--events 1000000] [--runs 3]

A private nats-server is started and filled by `bench.synthetic_year` (about `--events`
events of a big school); the day is anchored and signed once (timed); then raw reads and
verifications alternate `--runs` times. Prints one JSON line: medians of the wall-clock rates
and of the rates per CPU second of this process (steadier on a shared machine), their ratios,
every run, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

from bench.harness import median, peak_rss_mib
from bench.synthetic_year import SyntheticYear, publish
from contracts.streams import AUDIT, JOURNAL
from services.audit.adapters.stream_walk import JetStreamSource, integrity_for
from services.audit.application.anchoring import anchor_due
from services.audit.application.verification import Integrity, Scope, verify
from services.audit.domain.anchors import Signer
from services.audit.domain.chain import Message
from services.common.jetstream import connect, ensure_stream
from tests.support.servers import nats_server


async def raw(source: JetStreamSource) -> dict[str, Any]:
    """Read every message with the verification's reader, touching its bytes only."""
    size = 0
    count = 0

    def touch(message: Message) -> None:
        nonlocal size, count
        size += len(message.body)
        count += 1

    started, cpu = time.perf_counter(), time.process_time()
    await source.read(JOURNAL.name, touch)
    return _rates(count, time.perf_counter() - started, time.process_time() - cpu)


async def verification(integrity: Integrity) -> dict[str, Any]:
    """Verify the whole stream against its anchor."""
    cpu = time.process_time()
    report = await verify(integrity, Scope(JOURNAL.name))
    if not report.ok:
        msg = f"the synthetic year does not verify: {report.problems[:3]}"
        raise RuntimeError(msg)
    rates = _rates(report.events, report.seconds, time.process_time() - cpu)
    return {**rates, "anchors": report.anchors}


def _rates(events: int, seconds: float, cpu_seconds: float) -> dict[str, Any]:
    """Wall-clock and CPU rates of one run. The CPU rate (events per second of this process's
    CPU) holds still on a shared machine, where the wall-clock rate follows the neighbours."""
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "per_s": round(events / seconds),
        "cpu_seconds": round(cpu_seconds, 3),
        "per_cpu_s": round(events / cpu_seconds),
    }


async def measure(events: int, runs: int, classes: int) -> dict[str, Any]:
    """Fill a private server, anchor, then alternate raw reads and verifications."""
    with nats_server() as url:
        nc = await connect(url, name="bench-audit")
        try:
            js = nc.jetstream()
            started = time.perf_counter()
            published = await publish(js, SyntheticYear(classes=classes), events)
            load_seconds = time.perf_counter() - started
            await ensure_stream(js, AUDIT)
            integrity = integrity_for(js, Signer(bytes(32), "bench"))
            started = time.perf_counter()
            await anchor_due(integrity, streams=(JOURNAL.name,))
            anchor_seconds = time.perf_counter() - started
            raws, verifies = [], []
            for _ in range(runs):
                raws.append(await raw(JetStreamSource(js)))
                verifies.append(await verification(integrity))
        finally:
            await nc.close()
    raw_rate = median([r["per_s"] for r in raws])
    verify_rate = median([v["per_s"] for v in verifies])
    raw_cpu = median([r["per_cpu_s"] for r in raws])
    verify_cpu = median([v["per_cpu_s"] for v in verifies])
    pairs = [v["per_s"] / r["per_s"] for r, v in zip(raws, verifies, strict=True)]
    return {
        "bench": "audit_verify",
        "events": published,
        "runs": runs,
        "load_seconds": round(load_seconds, 1),
        "anchor_seconds": round(anchor_seconds, 2),
        "raw_read_per_s": round(raw_rate),
        "verify_per_s": round(verify_rate),
        "verify_to_raw": round(verify_rate / raw_rate, 3),
        "verify_to_raw_paired_median": round(median(pairs), 3),
        "raw_read_per_cpu_s": round(raw_cpu),
        "verify_per_cpu_s": round(verify_cpu),
        "verify_to_raw_cpu": round(verify_cpu / raw_cpu, 3),
        "verify_seconds": median([v["seconds"] for v in verifies]),
        "peak_rss_mib": peak_rss_mib(),
        "all": {"raw": raws, "verify": verifies},
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its JSON line."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="about this many events")
    parser.add_argument("--classes", type=int, default=110, help="classes of the school")
    parser.add_argument("--runs", type=int, default=3, help="raw reads and verifications each")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(measure(args.events, args.runs, args.classes))))


if __name__ == "__main__":
    main()
