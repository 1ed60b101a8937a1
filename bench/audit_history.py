"""Audit history speed: the demo school loaded into the journal, the audit's event log caught
up, then the history of one lesson and of one pupil's marks in a subject timed over HTTP
(in-process ASGI, so the figures include routing, auth, the SQL, the fold and the JSON),
before and after the event log's first ANALYZE.

    uv run python -m bench.audit_history [--weeks 8] [--calls 15]

The lesson is the one with the most events in the log; the pupil is a pupil of its class with
marks in its subject. Prints one JSON line (medians and p95 in milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import time
from typing import Any

from bench.harness import median, percentile, private_infra
from bench.projection_rebuild import load
from contracts import subjects
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL
from tests.support.running import RunningAudit, log_caught_up, running_audit

STREAMS = (JOURNAL.name, ENROLLMENT.name, DIARY.name, PORTAL.name)
_BUSIEST_LESSON = (
    "SELECT subject, count(*) AS n FROM event_log WHERE stream = 'JOURNAL' "
    "AND subject LIKE 'jrn.%.lesson.%' GROUP BY subject ORDER BY n DESC, subject LIMIT 1"
)
_MARKED_PUPIL = (
    "SELECT m->>'pupil_id' AS pupil, count(*) AS n FROM event_log, "
    "jsonb_array_elements(CASE WHEN event_type = 'journal.LessonEntriesSaved' "
    "THEN data->'marks' ELSE jsonb_build_array(data->'mark') END) AS m "
    "WHERE stream = 'JOURNAL' AND subject LIKE $1 AND event_type IN "
    "('journal.MarkRecorded', 'journal.LessonEntriesSaved') AND m ? 'pupil_id' "
    "GROUP BY 1 ORDER BY n DESC, pupil LIMIT 1"
)


async def _timed(audit: RunningAudit, url: str, calls: int) -> dict[str, Any]:
    headers = audit.headers("bench-auditor", "auditor")
    times: list[float] = []
    entries = 0
    for _ in range(calls):
        started = time.perf_counter()
        response = await audit.http.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        entries = len(response.json()["entries"])
    return {
        "url": url,
        "entries": entries,
        "median_ms": round(median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "first_ms": round(times[0], 1),
        "mean_ms": round(statistics.fmean(times), 1),
    }


async def _targets(audit: RunningAudit) -> tuple[str, str, str, str, int]:
    """(class, lesson, subject id, pupil, events of the lesson) to ask about."""
    async with audit.runtime.pool.acquire() as conn:
        busiest = await conn.fetchrow(_BUSIEST_LESSON)
        if busiest is None:
            msg = "the loaded school has no lesson events"
            raise RuntimeError(msg)
        year, school, class_id, _, lesson_id = subjects.parse_journal(busiest["subject"])
        subject_id = await conn.fetchval(
            "SELECT data->>'subject_id' FROM event_log WHERE subject = $1 "
            "AND event_type = 'journal.LessonScheduled'",
            busiest["subject"],
        )
        pupil = await conn.fetchval(_MARKED_PUPIL, f"jrn.{year}.{school}.{class_id}.lesson.%")
    return class_id, lesson_id, subject_id, pupil, int(busiest["n"])


async def measure(weeks: int, calls: int) -> dict[str, Any]:
    """Load, catch up, time both histories."""
    async with private_infra() as infra:
        loaded = await load(infra.nats_url, infra.database_url, weeks)
        schema = f"bench_audit_{secrets.token_hex(4)}"
        started = time.perf_counter()
        async with running_audit(infra.nats_url, infra.database_url, schema) as audit:
            ends = {name: loaded["events"] if name == JOURNAL.name else 0 for name in STREAMS}
            await log_caught_up(audit, ends, timeout=600)
            catch_up = time.perf_counter() - started
            class_id, lesson_id, subject_id, pupil, lesson_events = await _targets(audit)
            base = "/audit/v1/schools/s1/years/2026"
            lesson_url = f"{base}/classes/{class_id}/lessons/{lesson_id}/history"
            marks_url = f"{base}/pupils/{pupil}/subjects/{subject_id}/marks/history"
            # Right after the catch-up the table has no statistics yet (autovacuum analyses it
            # some time later); timed both ways, so the figures show the worst and usual case.
            fresh = (await _timed(audit, lesson_url, calls), await _timed(audit, marks_url, calls))
            async with audit.runtime.pool.acquire() as conn:
                await conn.execute("ANALYZE event_log")
            lesson = await _timed(audit, lesson_url, calls)
            marks = await _timed(audit, marks_url, calls)
    return {
        "bench": "audit_history",
        "weeks": weeks,
        "journal_events": loaded["events"],
        "load_seconds": loaded["load_seconds"],
        "log_catch_up_seconds": round(catch_up, 1),
        "log_catch_up_per_s": round(loaded["events"] / catch_up),
        "lesson_history": {**lesson, "lesson_events": lesson_events},
        "pupil_marks_history": marks,
        "before_analyze": {
            "lesson_median_ms": fresh[0]["median_ms"],
            "pupil_marks_median_ms": fresh[1]["median_ms"],
        },
        "calls": calls,
    }


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weeks", type=int, default=8, help="weeks of lessons (demo default)")
    parser.add_argument("--calls", type=int, default=15)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.weeks, args.calls)), ensure_ascii=False))


if __name__ == "__main__":
    main()
