"""Write path: marks recorded per second through the HTTP API with 32 concurrent clients, the
whole-class save, and the same save whose topic and a comment name a pupil (sealed under the
pupil's key), beside the raw rate of awaited JetStream publishes measured in the same run.
The journal's API runs in one process and its projector in another, as a deployment with
replicas runs them (`--projector-in-api`: in the API's process, as one process alone does);
`api_cpu_ms` is the API process's CPU time per request.

    uv run python -m bench.write_path [--clients 32] [--seconds 10] [--runs 3] [--projector-in-api]

Prints one JSON line with the medians over the runs (and every run's figures).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Callable

from bench.harness import (
    CLASS_ID,
    PUPIL_NAMES,
    PUPILS,
    SCHOOL,
    SECRET,
    TEACHER,
    YEAR,
    journal_api,
    median,
    percentile,
    private_infra,
    process_cpu_seconds,
    seed_class,
)
from bench.http_load import Call, closed_loop
from services.common.dev_tokens import DevTokenIssuer
from services.common.jetstream import connect

Make = Callable[[int], Call]


async def measure(
    base: str, clients: int, seconds: float, make: Make, pid: int | None = None
) -> dict[str, float]:
    """Closed loop of `clients` connections for `seconds`: rate, latency, failures (and the
    CPU milliseconds per request of the process `pid`, when given)."""
    token = DevTokenIssuer(SECRET).mint(TEACHER.id, ["teacher"], SCHOOL)
    cpu = process_cpu_seconds(pid) if pid else 0.0
    outcome, elapsed = await closed_loop(base, f"Bearer {token}", clients, seconds, make)
    failures = sum(count for status, count in outcome.statuses.items() if status >= 300)
    figures = _figures(outcome.latencies, elapsed, failures)
    if pid and outcome.latencies:
        used = process_cpu_seconds(pid) - cpu
        figures["api_cpu_ms"] = round(used * 1000 / len(outcome.latencies), 3)
    return figures


def _figures(latencies: list[float], elapsed: float, failures: int) -> dict[str, float]:
    return {
        "per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "requests": len(latencies),
        "failures": failures,
    }


def _lesson_path(lesson: str, what: str) -> str:
    return f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{lesson}/{what}"


def mark_request(lesson_ids: list[str]) -> Make:
    """POST one mark; request n goes to lesson n mod len, pupil n mod 30."""

    def make(n: int) -> Call:
        body = {
            "pupil_id": PUPILS[n % len(PUPILS)],
            "value": "54321"[n % 5],
            "work_kind_id": "classwork",
        }
        return Call(
            "POST",
            _lesson_path(lesson_ids[n % len(lesson_ids)], "marks"),
            body,
            {"Idempotency-Key": uuid.uuid4().hex},
        )

    return make


def save_request(lesson_ids: list[str], *, naming: bool = False) -> Make:
    """POST a whole-class save: topic, homework, attendance and five marks (`naming`: the topic
    and a mark's comment name a pupil, so both are sealed under that pupil's key)."""

    def make(n: int) -> Call:
        marks: list[dict[str, str]] = [
            {"pupil_id": PUPILS[(n + k) % 30], "value": "54354"[k], "work_kind_id": "oral"}
            for k in range(5)
        ]
        topic = f"Тема {n}"
        if naming:
            surname, first, _ = PUPIL_NAMES[n % 30].split()
            topic = f"Доклад: {first} {surname}"
            marks[0]["comment"] = f"{surname} {first[0]}. — молодец"
        body = {
            "held": True,
            "topic": topic,
            "homework": {"text": f"§{n % 40}, упр. 1-3"},
            "marks": marks,
            "attendance": [{"pupil_id": PUPILS[(n + 7) % 30], "kind": "absent"}],
        }
        return Call(
            "POST",
            _lesson_path(lesson_ids[n % len(lesson_ids)], "entries"),
            body,
            {"Idempotency-Key": uuid.uuid4().hex},
        )

    return make


async def raw_publishes(nats_url: str, clients: int, seconds: float) -> dict[str, float]:
    """Awaited JetStream publishes of a mark-sized message by `clients` concurrent publishers."""
    nc = await connect(nats_url, name="bench-raw")
    js = nc.jetstream()
    await js.add_stream(name="BENCH_RAW", subjects=["benchraw.>"])
    payload = b"x" * 420
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker(i: int) -> None:
        n = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await js.publish(
                f"benchraw.{i}.{n % 500}", payload, headers={"Nats-Msg-Id": f"{i}-{n}"}
            )
            latencies.append(time.perf_counter() - started)
            n += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    await js.delete_stream("BENCH_RAW")
    await nc.close()
    return _figures(latencies, elapsed, 0)


async def one_run(
    clients: int, seconds: float, *, projector_apart: bool = True
) -> dict[str, dict[str, float]]:
    """Fresh servers, a seeded class, then the three measurements."""
    async with private_infra() as infra:
        lesson_ids = await seed_class(
            infra.nats_url, infra.database_url, start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 27)
        )
        third = len(lesson_ids) // 3
        parts = [lesson_ids[:third], lesson_ids[third : 2 * third], lesson_ids[2 * third :]]
        with journal_api(infra, projector_apart=projector_apart) as api:
            base, pid = api.base, api.pids[0]
            marks = await measure(base, clients, seconds, mark_request(parts[0]), pid)
            saves = await measure(base, clients, seconds, save_request(parts[1]), pid)
            naming = await measure(base, clients, seconds, save_request(parts[2], naming=True), pid)
        raw = await raw_publishes(infra.nats_url, clients, seconds)
    return {
        "marks": marks,
        "whole_class_save": saves,
        "whole_class_save_naming": naming,
        "raw_publish": raw,
    }


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projector-in-api", action="store_true")
    args = parser.parse_args()
    apart = not args.projector_in_api
    runs = [
        asyncio.run(one_run(args.clients, args.seconds, projector_apart=apart))
        for _ in range(args.runs)
    ]
    summary = {
        f"{part}_{figure}": median([run[part][figure] for run in runs])
        for part in ("marks", "whole_class_save", "whole_class_save_naming", "raw_publish")
        for figure in ("per_s", "p50_ms", "p99_ms", "api_cpu_ms")
        if figure in runs[0][part]
    }
    summary["marks_to_raw_ratio"] = round(summary["marks_per_s"] / summary["raw_publish_per_s"], 3)
    summary["naming_to_plain_save_ratio"] = round(
        summary["whole_class_save_naming_per_s"] / summary["whole_class_save_per_s"], 3
    )
    print(
        json.dumps(
            {
                "bench": "write_path",
                "clients": args.clients,
                "seconds": args.seconds,
                "runs": args.runs,
                "projector": "apart" if apart else "in the API process",
                "median": summary,
                "each_run": runs,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
