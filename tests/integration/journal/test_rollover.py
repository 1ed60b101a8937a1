"""The rollover of the demo school on real servers: the journal over HTTP (its projector
running) and the exporter's runtime (its follow loops running).

The demo school (1,000 pupils in 36 classes, grades 1-11) is loaded through the handlers as the
launcher loads it (eight weeks of lessons, ~30,000 steps, about 25 s here). The rollover moves
every pupil exactly once, a second run records nothing, the new year's journal starts empty
while the old one stays readable, one pupil's move is undone and made again, and the exporter
runs the full exports that follow a rollover.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter

import pytest

import demo
from contracts import subjects
from contracts.streams import JOURNAL
from demo import loader as demo_loader
from services.exporter.adapters.rollovers_pg import PgRollovers
from services.journal.application import roster
from services.journal.domain.klass import enrolled_on
from tests.support.running import running_exporter, running_journal
from tests.support.waiting import eventually

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

YEAR, NEXT = 2026, 2027
BASE, NEXT_BASE = f"/journal/v1/schools/s1/years/{YEAR}", f"/journal/v1/schools/s1/years/{NEXT}"
FIRST_WEEK = {"from": "2026-09-01", "to": "2026-09-07"}
NEW_WEEK = {"from": "2027-09-01", "to": "2027-09-07"}


async def _ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json()


async def _last_seq(js) -> int:
    return int((await js.stream_info(JOURNAL.name)).state.last_seq)


async def test_rolling_the_demo_school_over(nats_url, database_url, pg_schema, js):
    school = demo.generate()  # as the launcher loads it: 8 weeks of lessons
    async with (
        running_journal(nats_url, database_url, pg_schema) as journal,
        running_exporter(nats_url, database_url, f"{pg_schema}_exporter") as exporter,
    ):
        deps = journal.runtime.deps
        loaded = await demo_loader.load(deps, school)
        print(f"\ndemo loaded: {loaded.steps} steps in {loaded.seconds:.1f} s")  # noqa: T201
        admin = journal.headers("adm1", "admin")

        async def view_has_the_roster():
            ids = await deps.views.roster_ids("s1", YEAR)
            assert len(ids.classes) == 36
            grid = await journal.http.get(
                f"{BASE}/classes/5a/subjects/math/grid", params=FIRST_WEEK, headers=admin
            )
            assert grid.status_code == 200, grid.text
            assert grid.json()["lessons"]
            return grid.json()

        old_grid = await eventually(view_has_the_roster, timeout=120)
        state = {k.class_id: k for k in (await _roster(deps, YEAR)).values()}
        members = {k: sorted(enrolled_on(s, dt.date(2027, 5, 31))) for k, s in state.items()}
        repeater, debtor, leaver = members["5a"][0], members["7b"][0], members["9a"][0]
        body = {
            "outcomes": {
                repeater: {"outcome": "repeating"},
                debtor: {"outcome": "promoted_conditionally", "debts": ["russian"]},
                leaver: {"outcome": "graduated"},
            }
        }

        # -- a dry run plans and records nothing
        before = await _last_seq(js)
        planned = await _ok(
            await journal.http.post(
                f"{BASE}/rollover", json={**body, "dry_run": True}, headers=admin
            )
        )
        assert await _last_seq(js) == before
        assert (planned["steps"], planned["closed"]) == (0, False)

        # -- the rollover
        started = time.perf_counter()
        done = await _ok(await journal.http.post(f"{BASE}/rollover", json=body, headers=admin))
        took = time.perf_counter() - started
        print(  # noqa: T201
            f"rollover: {done['steps']} steps, {done['recorded']} recorded in {took:.1f} s"
        )
        assert (done["closed"], done["failures"], done["differs"]) == (True, [], [])
        assert done["recorded"] == done["steps"]
        eleventh = sum(len(p) for k, p in members.items() if state[k].grade == 11)
        assert done["outcomes"] == {
            "graduated": eleventh + 1,
            "promoted": 1000 - eleventh - 3,
            "promoted_conditionally": 1,
            "repeating": 1,
        }

        # -- every pupil lands exactly once, in the right place
        moves = {m["pupil_id"]: m for m in done["moves"]}
        new_classes = [k["class_id"] for k in done["classes"]]
        assert sorted(moves) == sorted(p for ps in members.values() for p in ps)
        nxt = await _roster(deps, NEXT, new_classes)
        landed = Counter(p for k in nxt.values() for p in enrolled_on(k, dt.date(NEXT, 9, 1)))
        staying = {p for p, m in moves.items() if m["to_class_id"] is not None}
        assert set(landed) == staying
        assert set(landed.values()) == {1}
        where = {p: k.class_id for k in nxt.values() for p in enrolled_on(k, dt.date(NEXT, 9, 1))}
        assert where[repeater] == "5a"  # the class 4А became
        assert (nxt["5a"].grade, nxt["5a"].label) == (5, "5А")
        assert where[debtor] == "8b"
        assert leaver not in where
        assert nxt["6a"].class_teacher_id == state["5a"].class_teacher_id
        assert nxt["6a"].assignments == state["5a"].assignments
        assert not any(k.grade == 1 for k in nxt.values())

        # -- a second run records nothing
        before = await _last_seq(js)
        again = await _ok(await journal.http.post(f"{BASE}/rollover", json=body, headers=admin))
        assert await _last_seq(js) == before
        assert (again["recorded"], again["closed"]) == (0, True)
        print(f"second run: {again['steps']} steps, none recorded, {again['seconds']} s")  # noqa: T201

        # -- the new year starts empty; the old year stays readable (and sealed)
        async def new_year_in_view():
            grid = await _ok(
                await journal.http.get(
                    f"{NEXT_BASE}/classes/6a/subjects/math/grid", params=NEW_WEEK, headers=admin
                )
            )
            assert grid["lessons"] == []
            assert {r["pupil_id"] for r in grid["rows"]} == set(members["5a"]) - {repeater}

        await eventually(new_year_in_view, timeout=60)
        old_again = await _ok(
            await journal.http.get(
                f"{BASE}/classes/5a/subjects/math/grid", params=FIRST_WEEK, headers=admin
            )
        )
        assert old_again == old_grid
        refused = await journal.http.post(
            f"{BASE}/classes/5a/members",
            json={"pupil_id": "p9999", "since": "2026-10-01"},
            headers=admin,
        )
        assert refused.status_code == 409, refused.text

        # -- undo one pupil's move, record the right one
        pupil = members["6a"][0]
        undone = await _ok(
            await journal.http.post(
                f"{BASE}/pupils/{pupil}/outcome/undo",
                json={"reason": "ошибка: остаётся на второй год"},
                headers=admin,
            )
        )
        assert [r["event_type"] for r in undone["recorded"]] == [
            "journal.PupilOutcomeUndone",
            "journal.PupilLeftClass",
        ]
        redone = await _ok(
            await journal.http.post(
                f"{BASE}/pupils/{pupil}/outcome",
                json={"outcome": "repeating"},
                headers=admin,
            )
        )
        assert redone["recorded"][-1]["event_type"] == "journal.PupilJoinedClass"
        nxt = await _roster(deps, NEXT, new_classes)
        assert pupil not in enrolled_on(nxt["7a"], dt.date(NEXT, 9, 1))
        assert pupil in enrolled_on(nxt["6a"], dt.date(NEXT, 9, 1))
        status = await _ok(await journal.http.get(f"{BASE}/rollover", headers=admin))
        mine = next(p for p in status["pupils"] if p["pupil_id"] == pupil)
        assert (mine["outcome"], mine["to_class_id"], mine["undone"]) == ("repeating", "6a", 1)
        assert status["counts"]["repeating"] == 2
        assert status["open_debts"] == 1
        assert len(status["pupils"]) == 1000

        # -- the exporter runs a full export of both years after the rollover
        runs = exporter.runtime.deps.runs

        async def exported_both():
            for year in (YEAR, NEXT):
                recent = await runs.recent("s1", year, 10)
                assert any(
                    r.trigger == "rollover" and r.kind == "full" and r.status == "published"
                    for r in recent
                ), (year, recent)

        await eventually(exported_both, timeout=240)

        async def marked_done():
            assert await PgRollovers(exporter.runtime.pool).due() == []

        await eventually(marked_done, timeout=30)


async def _roster(deps, year: int, class_ids=None) -> dict:
    """Every class of the year (or those named), as the store holds it."""
    if class_ids is None:
        class_ids = (await deps.views.roster_ids("s1", year)).classes
    out = {}
    for class_id in class_ids:
        history = await deps.store.load(subjects.school_class(year, "s1", class_id))
        out[class_id] = roster.CLASS.fold(history)
    return out
