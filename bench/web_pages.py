"""The school's pages: server time of the lesson page and of the class journal page (30 pupils ×
about 40 lessons, every lesson with a mark per pupil and two absences), beside the journal API
call each page is built from (the raw baseline, measured in the same run), and the page weight
with every asset it loads.

    uv run python -m bench.web_pages [--requests 200] [--runs 3]

Prints one JSON line: the medians over the runs of p50/p95 per page and per API call, the ratio
page p50 / API p50, and the bytes of each page with its assets. The time is what a client on
the same machine waits for the whole answer, one request at a time (the server's time plus
loopback), after a warm-up.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
import secrets
import time
from collections.abc import Sequence
from typing import Any

import httpx

from bench.harness import (
    CLASS_ID,
    PUPILS,
    SCHOOL,
    SECRET,
    TEACHER,
    YEAR,
    journal_process,
    median,
    percentile,
    private_infra,
    seed_class,
    service_process,
)
from services.common.dev_tokens import DevTokenIssuer
from services.common.webapp.session import SessionCodec
from services.web.entrypoints.http import SESSION_COOKIE as COOKIE
from services.web.entrypoints.http import SESSION_PURPOSE

FIRST_DAY, LAST_DAY = dt.date(2026, 9, 1), dt.date(2026, 9, 8)  # 6 school days x 7 lessons
WARM_UP = 20
_ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def _lesson_api(lesson: str) -> str:
    return f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/lessons/{lesson}"


def _grid_api() -> str:
    return (
        f"/journal/v1/schools/{SCHOOL}/years/{YEAR}/classes/{CLASS_ID}/subjects/math/grid"
        f"?from={FIRST_DAY}&to={LAST_DAY}"
    )


async def fill_lessons(journal: str, token: str, lesson_ids: Sequence[str]) -> None:
    """Every lesson held with a topic, a mark for each pupil and two absences (one whole-class
    save each), then wait until the journal's view shows the last one."""
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=journal, headers=headers, timeout=30) as http:
        for n, lesson in enumerate(lesson_ids):
            marks = [
                {"pupil_id": p, "value": str(2 + (n + i) % 4), "work_kind_id": "classwork"}
                for i, p in enumerate(PUPILS[2:])
            ]
            absent = [{"pupil_id": p, "kind": "absent"} for p in PUPILS[:2]]
            body = {"held": True, "topic": f"Тема {n + 1}", "marks": marks, "attendance": absent}
            answer = await http.post(f"{_lesson_api(lesson)}/entries", json=body)
            answer.raise_for_status()
        await _until_shown(http, lesson_ids[-1])


async def _until_shown(http: httpx.AsyncClient, lesson: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = await http.get(_lesson_api(lesson))
        if answer.status_code == 200 and answer.json()["marks"]:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("the journal's view did not catch up")


def session_cookie(session_secret: str, token: str) -> str:
    """The cookie the web sets at sign-in, made with the web's own codec."""
    return SessionCodec(
        session_secret, 3600, secure=False, cookie=COOKIE, purpose=SESSION_PURPOSE
    ).value(token, "Учитель")


async def timed(http: httpx.AsyncClient, path: str, requests: int) -> dict[str, float]:
    """p50/p95 in ms of `requests` sequential GETs of `path` (after a warm-up)."""
    for _ in range(WARM_UP):
        (await http.get(path)).raise_for_status()
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = await http.get(path)
        latencies.append(time.perf_counter() - started)
        answer.raise_for_status()
    return {
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 2),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 2),
    }


async def page_weight(http: httpx.AsyncClient, path: str) -> dict[str, int]:
    """The bytes of the page and of every asset it references (a first visit, uncompressed)."""
    page = (await http.get(path)).content
    assets = sorted(set(_ASSET.findall(page.decode())))
    sizes = [len((await http.get(asset)).content) for asset in assets]
    return {"html_bytes": len(page), "assets": len(assets), "total_bytes": len(page) + sum(sizes)}


async def one_round(
    web: str, journal: str, cookie: str, token: str, lesson: str, requests: int
) -> dict[str, Any]:
    """Both pages and both API calls, timed one after the other."""
    pages = {"lesson": f"/lessons/{CLASS_ID}/{lesson}", "class_journal": _class_journal_page()}
    apis = {"lesson": _lesson_api(lesson), "class_journal": _grid_api()}
    figures: dict[str, Any] = {}
    async with (
        httpx.AsyncClient(base_url=web, cookies={COOKIE: cookie}, timeout=30) as browser,
        httpx.AsyncClient(
            base_url=journal, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as api,
    ):
        for name, path in pages.items():
            figures[f"{name}_page"] = await timed(browser, path, requests)
            figures[f"{name}_api"] = await timed(api, apis[name], requests)
            figures[f"{name}_weight"] = await page_weight(browser, path)
    return figures


def _class_journal_page() -> str:
    return f"/journal/{CLASS_ID}/math?from={FIRST_DAY}&to={LAST_DAY}"


async def run(requests: int, runs: int) -> dict[str, Any]:
    """Fresh servers, a seeded class with its lessons filled, the journal and the web, rounds."""
    async with private_infra() as infra:
        days = {"start": FIRST_DAY, "end": LAST_DAY}
        lesson_ids = await seed_class(infra.nats_url, infra.database_url, **days)
        token = DevTokenIssuer(SECRET).mint(TEACHER.id, ["teacher"], SCHOOL)
        with journal_process(infra) as journal:
            await fill_lessons(journal, token, lesson_ids)
            return await _measure(journal, token, lesson_ids, requests, runs)


async def _measure(
    journal: str, token: str, lesson_ids: list[str], requests: int, runs: int
) -> dict[str, Any]:
    """The web in front of the journal, signed in as the teacher, measured `runs` times."""
    session_secret = secrets.token_hex(32)
    settings = {
        "WEB_API__JOURNAL": journal,
        "WEB_AUTH__DEV_SECRET": SECRET,
        "WEB_SESSION_SECRET": session_secret,
    }
    cookie = session_cookie(session_secret, token)
    lesson = lesson_ids[len(lesson_ids) // 2]
    with service_process("web", "WEB", settings) as web:
        rounds = [
            await one_round(web, journal, cookie, token, lesson, requests) for _ in range(runs)
        ]
    return {"lessons": len(lesson_ids), "pupils": len(PUPILS), "each_run": rounds}


def summarise(measured: dict[str, Any]) -> dict[str, Any]:
    """Medians over the rounds, and each page's p50 against its API call's."""
    rounds = measured["each_run"]
    out: dict[str, Any] = {}
    for part in ("lesson_page", "lesson_api", "class_journal_page", "class_journal_api"):
        for figure in ("p50_ms", "p95_ms"):
            out[f"{part}_{figure}"] = median([r[part][figure] for r in rounds])
    for page in ("lesson", "class_journal"):
        out[f"{page}_page_to_api_ratio"] = round(
            out[f"{page}_page_p50_ms"] / out[f"{page}_api_p50_ms"], 2
        )
        out[f"{page}_total_bytes"] = rounds[-1][f"{page}_weight"]["total_bytes"]
    return out


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    measured = asyncio.run(run(args.requests, args.runs))
    line = {
        "bench": "web_pages",
        "requests": args.requests,
        "runs": args.runs,
        "lessons": measured["lessons"],
        "pupils": measured["pupils"],
        "median": summarise(measured),
        "each_run": measured["each_run"],
    }
    print(json.dumps(line, ensure_ascii=False))


if __name__ == "__main__":
    main()
