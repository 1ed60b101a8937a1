"""Erasure end to end (issue 20): a pupil of a small demo school is erased through the journal's
API, every projection of every service is rebuilt from sequence 1, and then nothing of theirs is
left in the clear anywhere the system keeps or shows data:

- no row of any schema the services use (their own schemas and the key store's) holds their
  full name, surname and first name, or birth date (as a date or as text), nor the name or
  contact of the parent who applied for their diary;
- no message of any stream, its sealed payload opened with the keys that remain (an erased key
  reads «[удалено]»), holds them;
- no answer of the journal, the enrollment, the audit or the diary holds them;

while their marks still count (the class's averages and their own are unchanged, shown for
«[удалено]»), the audit's verification still passes (hash chains, signed anchors made before
and after; over HTTP and as `ops audit verify`), and the audit's history of the pupil says who
erased them and why.

The key store is the session's: the school (`erase1`) is this test's own.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import io
import json
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import asyncpg
import pytest
from fastapi import FastAPI
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic import SecretStr

import demo
from contracts.personal import ERASED, holds_sealed
from contracts.streams import DIARY, ENROLLMENT, JOURNAL, PORTAL
from demo import loader as demo_loader
from deploy.ops import cli as ops
from services.audit import bootstrap as audit_bootstrap
from services.audit.application.anchoring import SigningSettings
from services.audit.entrypoints.http import create_app as audit_app
from services.common.db import quote_ident
from services.common.keystore import keys_of_payloads
from services.common.keystore_pg import PgKeyStore
from services.common.name_guard import PLACEHOLDER
from services.diary import bootstrap as diary_bootstrap
from services.enrollment import bootstrap as enrollment_bootstrap
from services.exporter.application.exporting import export
from services.journal import bootstrap as journal_bootstrap
from services.journal.domain import commands as c
from tests.support.running import (
    RunningApp,
    audit_settings,
    diary_settings,
    enrollment_settings,
    journal_settings,
    log_caught_up,
    running_app,
    running_diary,
    running_enrollment,
    running_exporter,
    running_journal,
)
from tests.support.waiting import eventually

pytestmark = pytest.mark.e2e

SCHOOL, YEAR = "erase1", 2026
SEED = 11
TERM = {"from": "2026-09-01", "to": "2026-12-31"}
ADMIN_ID, AUDITOR_ID = "adm-erase", "aud1"
REASON = "заявление законного представителя об уничтожении персональных данных"
APPLICANT = "Заявителева Олимпиада Ксаверьевна"
CONTACT = "+7 911 314-15-92"
PARENT_UID, TEACHER_UID = 100051, 200051
SIGNING_KEY = base64.b64encode(bytes(range(100, 132))).decode()
LOGGED = (JOURNAL, ENROLLMENT, DIARY, PORTAL)
J = f"/journal/v1/schools/{SCHOOL}/years/{YEAR}"
E = f"/enrollment/v1/schools/{SCHOOL}"
A = f"/audit/v1/schools/{SCHOOL}"
D = f"/diary/v1/schools/{SCHOOL}/years/{YEAR}"


# ------------------------------------------------------------------------------ the system


@dataclass(frozen=True)
class System:
    """The five services of the test, each on schemas named after the test's."""

    journal: RunningApp
    enrollment: RunningApp
    exporter: RunningApp
    diary: RunningApp
    audit: RunningApp
    js: JetStreamContext
    schema: str
    nats_url: str
    database_url: str

    def admin(self) -> dict[str, str]:
        return self.journal.headers(ADMIN_ID, "admin", school=SCHOOL)

    def enrollment_admin(self) -> dict[str, str]:
        return self.enrollment.headers(ADMIN_ID, "admin", school=SCHOOL)

    def auditor(self) -> dict[str, str]:
        return self.audit.headers(AUDITOR_ID, "auditor", school=SCHOOL)

    def parent(self) -> dict[str, str]:
        return self.diary.headers("parent-51", "parent", uid=PARENT_UID, school=SCHOOL)

    def teacher(self) -> dict[str, str]:
        return self.diary.headers("teacher-51", "teacher", uid=TEACHER_UID, school=SCHOOL)

    def system(self) -> dict[str, str]:
        return self.diary.headers("exporter", "system", school=SCHOOL)

    async def settle(self) -> None:
        """Every live projection has applied every stream as it is now."""
        await self.journal.runtime.projector.drain()
        await self.enrollment.runtime.projector.drain()
        await self.enrollment.runtime.roster_projector.drain()
        ends = {s.name: (await self.js.stream_info(s.name)).state.last_seq for s in LOGGED}
        await log_caught_up(self.audit, ends, timeout=30)

    async def export(self, kind: str) -> str:
        """Run an export and wait until the diary has applied its batch."""
        await self.journal.runtime.projector.drain()
        outcome = await export(self.exporter.runtime.deps, SCHOOL, YEAR, kind, "api")
        batch_id = outcome.run.batch_id

        async def applied() -> None:
            response = await self.diary.http.get(f"{D}/batches", headers=self.system())
            batch = {b["batch_id"]: b for b in response.json()}.get(batch_id)
            assert batch is not None
            assert batch["status"] == "applied", batch

        if outcome.run.status == "published":  # an empty run publishes no batch
            await eventually(applied, timeout=30)
        return outcome.run.status


@contextlib.asynccontextmanager
async def running_signed_audit(
    nats_url: str, database_url: str, schema: str
) -> AsyncIterator[RunningApp]:
    """The audit with a signing key (anchors on demand only: no background run to race)."""
    signing = SigningSettings(signing_key=SecretStr(SIGNING_KEY))

    def make_app(secret: str) -> FastAPI:
        settings = audit_settings(nats_url, database_url, schema, secret)
        settings = settings.model_copy(update={"run_anchoring": False})
        return audit_app(settings, lambda s: audit_bootstrap.build(s, signing=signing))

    async with running_app(make_app, "http://audit") as running:
        yield running


@contextlib.asynccontextmanager
async def running_system(
    js: JetStreamContext, nats_url: str, database_url: str, schema: str
) -> AsyncIterator[System]:
    async with (
        running_journal(nats_url, database_url, f"{schema}_journal") as journal,
        running_enrollment(nats_url, database_url, f"{schema}_enrollment") as enrollment,
        running_exporter(nats_url, database_url, f"{schema}_exporter") as exporter,
        running_diary(nats_url, database_url, f"{schema}_diary") as diary,
        running_signed_audit(nats_url, database_url, f"{schema}_audit") as audit,
    ):
        yield System(
            journal, enrollment, exporter, diary, audit, js, schema, nats_url, database_url
        )


async def rebuild_everything(system: System) -> None:
    """Every projection of every service, from sequence 1, swapped (or copied) in."""
    secret = "x" * 32
    url, dsn, schema = system.nats_url, system.database_url, system.schema
    results = [
        await journal_bootstrap.rebuild_view(
            system.journal.runtime, journal_settings(url, dsn, f"{schema}_journal", secret)
        ),
        *await enrollment_bootstrap.rebuild_views(
            system.enrollment.runtime,
            enrollment_settings(url, dsn, f"{schema}_enrollment", secret),
        ),
        await system.exporter.runtime.state.rebuild(),
        await system.exporter.runtime.access.rebuild(),
        await diary_bootstrap.rebuild_view(
            system.diary.runtime, diary_settings(url, dsn, f"{schema}_diary", secret)
        ),
        await diary_bootstrap.rebuild_messages(
            system.diary.runtime, diary_settings(url, dsn, f"{schema}_diary", secret)
        ),
        *await audit_bootstrap.rebuild_log(system.audit.runtime, f"{schema}_audit"),
    ]
    for result in results:
        assert result.dead_letters == 0, result


# ------------------------------------------------------------------------------ the pupil


@dataclass(frozen=True)
class Person:
    """What must not be left: the pupil's name and birth date, their applicant's data."""

    pupil_id: str
    full_name: str
    birth_date: dt.date

    @property
    def short_name(self) -> str:
        return " ".join(self.full_name.split()[:2])

    def secrets(self) -> tuple[str, ...]:
        """Every text form looked for (JSON's escaped forms are added by `found`)."""
        return (
            self.full_name,
            self.short_name,
            self.birth_date.isoformat(),
            self.birth_date.strftime("%d.%m.%Y"),
            APPLICANT,
            " ".join(APPLICANT.split()[:2]),
            CONTACT,
        )


def candidates(school: demo.DemoSchool) -> list[Person]:
    """Pupils whose name forms and birth date belong to no one else and who stay in their
    class (so their rows are theirs alone), by id."""
    pupils: dict[str, c.RegisterPupil] = {}
    names: list[str] = []
    left: set[str] = set()
    for step in school.steps:
        command = step.command
        if isinstance(command, c.RegisterPupil):
            pupils[command.pupil_id] = command
            names.append(command.full_name)
        elif isinstance(command, c.RegisterStaffMember):
            names.append(command.full_name)
        elif isinstance(command, c.RemovePupilFromClass):
            left.add(command.pupil_id)
    births = [p.birth_date for p in pupils.values()]
    found = []
    for pupil_id, p in sorted(pupils.items()):
        person = Person(pupil_id, p.full_name, p.birth_date)
        others = [n for n in names if n != p.full_name]
        if (
            pupil_id not in left
            and births.count(p.birth_date) == 1
            and names.count(p.full_name) == 1
            and not any(person.short_name in n for n in others)
        ):
            found.append(person)
    assert not any(APPLICANT.split(maxsplit=1)[0] in n for n in names)
    return found


def found(text: str, secrets: Iterable[str]) -> set[str]:
    """The secrets a text holds, as written or as JSON escapes them (`\\u0418...`)."""
    return {
        s
        for s in secrets
        if s in text or json.dumps(s)[1:-1] in text or json.dumps(s, ensure_ascii=False) in text
    }


# ------------------------------------------------------------------------------ the scans


async def table_texts(database_url: str, schema: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Every row of every table of the test's schemas and the key store, as text; and every
    date column of theirs (`schema.table.column`)."""
    conn = await asyncpg.connect(database_url)
    try:
        schemas = [
            r[0]
            for r in await conn.fetch(
                "SELECT nspname FROM pg_namespace WHERE nspname = $1 OR nspname = 'keystore' "
                "OR nspname LIKE $1 || '\\_%' ORDER BY 1",
                schema,
            )
        ]
        tables = await conn.fetch(
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1::text[]) "
            "UNION ALL SELECT schemaname, matviewname FROM pg_matviews "
            "WHERE schemaname = ANY($1::text[]) ORDER BY 1, 2",
            schemas,
        )
        texts = []
        for s, t in tables:
            name = f"{quote_ident(s)}.{quote_ident(t)}"
            rows = await conn.fetch(f"SELECT t::text FROM {name} t")
            texts += [(f"{s}.{t}", r[0]) for r in rows]
        dates = await conn.fetch(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY($1::text[]) AND data_type = 'date'",
            schemas,
        )
        return texts, [f"{quote_ident(a)}.{quote_ident(b)}.{quote_ident(c)}" for a, b, c in dates]
    finally:
        await conn.close()


async def rows_with_date(database_url: str, columns: list[str], day: dt.date) -> list[str]:
    """The date columns holding `day` in some row."""
    conn = await asyncpg.connect(database_url)
    try:
        hits = []
        for column in columns:
            table, name = column.rsplit(".", 1)
            count = await conn.fetchval(f"SELECT count(*) FROM {table} WHERE {name} = $1", day)
            if count:
                hits.append(column)
        return hits
    finally:
        await conn.close()


async def stream_texts(js: JetStreamContext, keys: PgKeyStore) -> list[tuple[str, str]]:
    """Every message of every stream (subject, headers, body), sealed payloads opened with
    the keys the store still has."""
    texts = []
    for info in await js.streams_info():
        stream = str(info.config.name)
        bodies = []
        if not info.state.messages:  # empty: its first and last sequences say nothing
            continue
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            with contextlib.suppress(NotFoundError):  # a deleted or expired KV entry
                bodies.append(await js.get_msg(stream, seq))
        envelopes: list[dict | None] = []
        for msg in bodies:
            try:
                envelope = json.loads(msg.data)
            except ValueError:
                envelope = None
            envelopes.append(envelope if isinstance(envelope, dict) else None)
        ring = await keys.ring(
            keys_of_payloads(
                e["data"] for e in envelopes if e is not None and isinstance(e.get("data"), dict)
            )
        )
        for msg, envelope in zip(bodies, envelopes, strict=True):
            raw = (msg.data or b"").decode(errors="replace")
            headers = " ".join(f"{k}={v}" for k, v in (msg.headers or {}).items())
            opened = ""
            if envelope is not None and isinstance(envelope.get("data"), dict):
                data = envelope["data"]
                if holds_sealed(data):
                    data = ring(envelope["event_type"], data)
                opened = json.dumps({**envelope, "data": data}, ensure_ascii=False, default=str)
            texts.append((f"{stream}#{msg.seq}", f"{msg.subject} {headers} {raw} {opened}"))
    return texts


# ------------------------------------------------------------------------------ the answers


async def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json() if "json" in response.headers.get("content-type", "") else {}


def grid_figures(grid: dict) -> dict:
    """Each pupil's average and marks, and the class's weighted average of numeric marks."""
    rows = {
        r["pupil_id"]: (
            r["average"],
            [(cell["lesson_id"], [m["value"] for m in cell["marks"]]) for cell in r["cells"]],
        )
        for r in grid["rows"]
    }
    total = weights = Decimal(0)
    for r in grid["rows"]:
        for cell in r["cells"]:
            for m in cell["marks"]:
                if m["value"].isdigit():
                    total += Decimal(m["weight"]) * int(m["value"])
                    weights += Decimal(m["weight"])
    return {"rows": rows, "class": total / weights if weights else None}


def without_names(answer: object) -> object:
    """An answer without its `full_name` fields, its pupils by id (the lists are ordered by
    name, and «[удалено]» comes first): all else must stay as it was."""
    if isinstance(answer, dict):
        return {k: without_names(v) for k, v in answer.items() if k != "full_name"}
    if isinstance(answer, list):
        if all(isinstance(v, dict) and "pupil_id" in v for v in answer):
            return {v["pupil_id"]: without_names(v) for v in answer}
        return [without_names(v) for v in answer]
    return answer


@dataclass(frozen=True)
class Place:
    """Where the pupil is: their class, a subject with their counted marks, a lesson of it
    where they got a mark, the class teacher, the first period."""

    class_id: str
    subject_id: str
    lesson_id: str
    class_teacher: str
    period_id: str
    first_day: dt.date


async def journal_answers(system: System, at: Place) -> dict[str, str]:
    http, admin = system.journal.http, system.admin()
    paths = {
        "roster": (f"{J}/roster", {}),
        "pupils": (f"{J}/pupils", {}),
        "members": (f"{J}/classes/{at.class_id}/members", {}),
        "grid": (f"{J}/classes/{at.class_id}/subjects/{at.subject_id}/grid", TERM),
        "lesson": (f"{J}/classes/{at.class_id}/lessons/{at.lesson_id}", {}),
        "period marks": (
            f"{J}/classes/{at.class_id}/subjects/{at.subject_id}/period-marks",
            {"period_id": at.period_id},
        ),
        "erasures": (f"/journal/v1/schools/{SCHOOL}/erasures", {}),
    }
    answers = {}
    for label, (path, params) in paths.items():
        response = await http.get(path, params=params, headers=admin)
        assert response.status_code == 200, (label, response.text)
        answers[f"journal {label}"] = response.text
    return answers


async def enrollment_answers(system: System, person: Person, application: str) -> dict[str, str]:
    http, admin = system.enrollment.http, system.enrollment_admin()
    answers = {}
    for label, path in (
        ("applications", f"{E}/applications"),
        ("application", f"{E}/applications/{application}"),
        ("form", f"{E}/applications/{application}/form"),
        ("access", f"{E}/pupils/{person.pupil_id}/access"),
        ("staff", f"{E}/staff"),
    ):
        response = await http.get(path, headers=admin)
        assert response.status_code == 200, (label, response.text)
        answers[f"enrollment {label}"] = response.text
    return answers


async def audit_answers(
    system: System, person: Person, at: Place, application: str, before: str
) -> dict[str, str]:
    http, auditor = system.audit.http, system.auditor()
    pid = person.pupil_id
    grid = f"{A}/years/{YEAR}/classes/{at.class_id}/subjects/{at.subject_id}/grid"
    paths = {
        "pupil history": (f"{A}/pupils/{pid}/history", {}),
        "application history": (f"{A}/applications/{application}/history", {}),
        "marks history": (
            f"{A}/years/{YEAR}/pupils/{pid}/subjects/{at.subject_id}/marks/history",
            {},
        ),
        "grid now": (grid, TERM),
        "grid before the erasure": (grid, {**TERM, "at": before}),
        "lesson": (f"{A}/years/{YEAR}/classes/{at.class_id}/lessons/{at.lesson_id}", {}),
        "diary": (f"{A}/years/{YEAR}/pupils/{pid}/diary", TERM),
        "report": (
            f"{A}/years/{YEAR}/reports/pupil/{pid}",
            {"from": "2026-01-01", "to": "2027-12-31", "format": "csv"},
        ),
        "access report": (
            f"{A}/pupils/{pid}/personal-data-access",
            {"from": "2026-01-01", "to": "2027-12-31"},
        ),
    }
    answers = {}
    for label, (path, params) in paths.items():
        response = await http.get(path, params=params, headers=auditor)
        assert response.status_code == 200, (label, response.text)
        answers[f"audit {label}"] = response.text
    return answers


async def diary_answers(system: System, person: Person, at: Place) -> dict[str, str]:
    """The diary's answers about the pupil's class: to the class teacher's UID, the parent's
    (linked by the application) and the system's."""
    child = system.exporter.runtime.pseudonymiser.of(person.pupil_id)
    day, period = at.first_day, {"period": at.period_id}
    subject = at.subject_id
    answers = {}
    for label, path, params, headers in (
        ("class grid", f"{D}/classes/{at.class_id}/subjects/{subject}", period, system.teacher()),
        ("class day", f"{D}/classes/{at.class_id}/days/{day}", {}, system.teacher()),
        ("teachers", f"{D}/teachers", {}, system.teacher()),
        ("records", f"{D}/records", {}, system.system()),
        ("pupil subject", f"{D}/pupils/{child}/subjects/{subject}", period, system.parent()),
        ("pupil week", f"{D}/pupils/{child}/weeks/{day}", {}, system.parent()),
        ("pupil day", f"{D}/pupils/{child}/days/{day}", {}, system.parent()),
        ("me", f"{D}/me", {}, system.parent()),
    ):
        response = await system.diary.http.get(path, params=params, headers=headers)
        assert response.status_code == 200, (label, response.text)
        answers[f"diary {label}"] = response.text
    return answers


async def scan(system: System, keys: PgKeyStore, answers: dict[str, str], secrets) -> dict:
    """Where each secret is: tables (and date columns), stream messages, answers."""
    texts, _date_columns = await table_texts(system.database_url, system.schema)
    messages = await stream_texts(system.js, keys)
    where: dict[str, set[str]] = {}
    for kind, items in (("table", texts), ("message", messages), ("answer", answers.items())):
        for place, text in items:
            for secret in found(text, secrets):
                where.setdefault(secret, set()).add(f"{kind} {place}")
    return where


async def ops_verify(nats_url: str, state: Path) -> list[tuple[str, int, str]]:
    """`python -m deploy.ops audit verify --stream S` for every stream, as an operator runs it
    (in a worker thread: it runs its own event loop); each stream's exit code and output."""
    results = []
    for stream in (*(s.name for s in LOGGED), "AUDIT"):
        argv = ["--state-dir", str(state), "audit", "verify", "--stream", stream]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = await asyncio.to_thread(ops.main, argv)
        results.append((stream, code, out.getvalue()))
    return results


async def choose(system: System, people: list[Person]) -> tuple[Person, Place, dict]:
    """The first candidate with numeric marks that count in a subject: where, and the grid."""
    admin = system.admin()
    roster = await ok(await system.journal.http.get(f"{J}/roster", headers=admin))
    listed = await ok(await system.journal.http.get(f"{J}/pupils", headers=admin))
    pupils = {p["pupil_id"]: p for p in listed["pupils"]}
    for person in people:
        class_id = pupils[person.pupil_id]["class_id"]
        taught = sorted(
            {a["subject_id"] for a in roster["assignments"] if a["class_id"] == class_id}
        )
        for subject_id in taught:
            path = f"{J}/classes/{class_id}/subjects/{subject_id}/grid"
            grid = await ok(await system.journal.http.get(path, params=TERM, headers=admin))
            row = next((r for r in grid["rows"] if r["pupil_id"] == person.pupil_id), None)
            if row is None or row["average"] is None:
                continue
            lesson_id = next(
                cell["lesson_id"]
                for cell in row["cells"]
                if any(m["value"].isdigit() for m in cell["marks"])
            )
            klass = next(k for k in roster["classes"] if k["class_id"] == class_id)
            at = Place(
                class_id=class_id,
                subject_id=subject_id,
                lesson_id=lesson_id,
                class_teacher=klass["class_teacher_id"],
                period_id=next(
                    p["period_id"] for p in roster["periods"] if klass["grade"] in p["grades"]
                ),
                first_day=min(dt.date.fromisoformat(x["date"]) for x in grid["lessons"]),
            )
            return person, at, grid
    raise AssertionError("no candidate pupil has marks that count")


async def test_an_erased_pupil_is_gone_everywhere_and_their_marks_still_count(
    *, nats_url, database_url, pg_schema, js, key_store, monkeypatch, tmp_path
):
    school = demo.generate(SEED, school=SCHOOL, pupils_target=56, term_weeks=1)
    people = candidates(school)
    assert len(people) >= 5
    async with running_system(js, nats_url, database_url, pg_schema) as system:
        # 1. The demo school through the journal (sealed with the session's key store).
        await demo_loader.load(system.journal.runtime.deps, school)
        await system.settle()
        person, at, grid_before = await choose(system, people)
        pid, admin = person.pupil_id, system.admin()
        row = next(r for r in grid_before["rows"] if r["pupil_id"] == pid)
        assert row["full_name"] == person.full_name

        # A text names the pupil (sealed under their key as typed, redacted in the clear).
        named_topic = f"Доклад: {person.short_name}"
        lesson_path = f"{J}/classes/{at.class_id}/lessons/{at.lesson_id}"
        lesson = await ok(await system.journal.http.get(lesson_path, headers=admin))
        teacher = system.journal.headers(lesson["teacher"]["staff_id"], "teacher", school=SCHOOL)
        topic = {"topic": named_topic}
        await ok(await system.journal.http.put(f"{lesson_path}/topic", json=topic, headers=teacher))

        # A parent applies for the pupil's diary in person; the class teacher's UID.
        enrollment, enrollment_admin = system.enrollment.http, system.enrollment_admin()
        application_body = {
            "pupil_id": pid,
            "uid": PARENT_UID,
            "relation": "parent",
            "applicant_name": APPLICANT,
            "kinship": "mother",
            "contact": CONTACT,
        }
        submitted = await ok(
            await enrollment.post(
                f"{E}/applications", json=application_body, headers=enrollment_admin
            ),
            201,
        )
        application = submitted["application_id"]
        one = f"{E}/applications/{application}"
        check = {"checked_by": at.class_teacher}
        await ok(
            await enrollment.post(f"{one}/passport-check", json=check, headers=enrollment_admin)
        )
        await ok(await enrollment.post(f"{one}/approve", headers=enrollment_admin))
        uid = {"uid": TEACHER_UID}
        await ok(
            await enrollment.put(
                f"{E}/staff/{at.class_teacher}/uid", json=uid, headers=enrollment_admin
            )
        )

        # The export fills the diary; the grants follow the link and the UID.
        assert await system.export("full") == "published"

        async def granted() -> None:
            for headers in (system.parent(), system.teacher()):
                me = await system.diary.http.get(f"{D}/me", headers=headers)
                assert me.status_code == 200, me.text
                assert me.json(), me.text

        await eventually(granted, timeout=30)
        await system.settle()
        anchored = await ok(await system.audit.http.post(f"{A}/anchors", headers=system.auditor()))
        assert anchored["written"]["JOURNAL"] >= 1, anchored

        # 2. Before: the figures, and the scans see the secrets (they are worth something).
        before = dt.datetime.now(dt.UTC).isoformat()
        audit_grid = f"{A}/years/{YEAR}/classes/{at.class_id}/subjects/{at.subject_id}/grid"
        audit_before = await ok(
            await system.audit.http.get(audit_grid, params=TERM, headers=system.auditor())
        )
        sheet = f"{J}/classes/{at.class_id}/subjects/{at.subject_id}/period-marks"
        sheet_before = await ok(
            await system.journal.http.get(sheet, params={"period_id": at.period_id}, headers=admin)
        )
        answers_before = {
            **await journal_answers(system, at),
            **await enrollment_answers(system, person, application),
            **await audit_answers(system, person, at, application, before),
            **await diary_answers(system, person, at),
        }
        diary_grid_before = json.loads(answers_before["diary class grid"])
        assert any(m for p in diary_grid_before["pupils"] for m in p["marks"])
        seen = await scan(system, key_store, answers_before, person.secrets())
        for secret in (person.full_name, person.birth_date.isoformat(), APPLICANT, CONTACT):
            places = seen.get(secret, set())
            assert any(p.startswith("table ") for p in places), (secret, places)
            sealed_in = ("message JOURNAL#", "message ENROLLMENT#")
            assert any(p.startswith(sealed_in) for p in places), (secret, places)
            assert any(p.startswith("answer ") for p in places), (secret, places)
        assert await rows_with_date(
            database_url, (await table_texts(database_url, pg_schema))[1], person.birth_date
        )

        # 3. The administrator erases the pupil.
        erased = await ok(
            await system.journal.http.post(
                f"/journal/v1/schools/{SCHOOL}/people/pupil/{pid}/erasure",
                json={"reason": REASON},
                headers={**admin, "Idempotency-Key": f"erase-{pid}"},
            ),
            201,
        )
        assert (erased["keys_destroyed"], erased["applications"]) == (2, [application])
        assert (erased["erased_by"], erased["already_erased"]) == (ADMIN_ID, False)
        assert erased["event"]["event_type"] == "journal.PersonErased"
        await system.settle()
        # The exporter applies the erasure live too; the portal side never had the name.
        assert await system.export("delta") in {"published", "empty"}

        # ... and every projection of every service is rebuilt from sequence 1.
        await rebuild_everything(system)
        await system.settle()
        anchored_after = await ok(
            await system.audit.http.post(f"{A}/anchors", headers=system.auditor())
        )
        assert anchored_after["written"]["JOURNAL"] >= 1, anchored_after  # the erasure's

        # 4. Nothing of theirs is left in the clear.
        answers = {
            **await journal_answers(system, at),
            **await enrollment_answers(system, person, application),
            **await audit_answers(system, person, at, application, before),
            **await diary_answers(system, person, at),
        }
        left = await scan(system, key_store, answers, person.secrets())
        assert left == {}, left
        assert json.loads(answers["journal lesson"])["topic"] == f"Доклад: {PLACEHOLDER}"
        _texts, date_columns = await table_texts(database_url, pg_schema)
        assert date_columns
        assert await rows_with_date(database_url, date_columns, person.birth_date) == []

        # Their marks still count: the class's averages and their own are unchanged.
        grid_path = f"{J}/classes/{at.class_id}/subjects/{at.subject_id}/grid"
        grid_after = await ok(await system.journal.http.get(grid_path, params=TERM, headers=admin))
        assert grid_figures(grid_after) == grid_figures(grid_before)
        assert grid_figures(grid_after)["rows"][pid][0] is not None
        row_after = next(r for r in grid_after["rows"] if r["pupil_id"] == pid)
        assert row_after["full_name"] == ERASED
        sheet_after = await ok(
            await system.journal.http.get(sheet, params={"period_id": at.period_id}, headers=admin)
        )
        assert without_names(sheet_after) == without_names(sheet_before)
        assert json.dumps(sheet_after, ensure_ascii=False).count(ERASED) >= 1
        diary_grid_after = json.loads(answers["diary class grid"])
        assert diary_grid_after == diary_grid_before  # the portal side: pseudonyms, unchanged
        audit_after = await ok(
            await system.audit.http.get(audit_grid, params=TERM, headers=system.auditor())
        )
        assert grid_figures(audit_after) == grid_figures(audit_before)
        listed = await ok(await system.journal.http.get(f"{J}/pupils", headers=admin))
        shown = next(p for p in listed["pupils"] if p["pupil_id"] == pid)
        assert (shown["full_name"], shown["birth_date"]) == (ERASED, None)
        others = [p for p in listed["pupils"] if p["pupil_id"] != pid]
        assert all(p["full_name"] != ERASED and p["birth_date"] for p in others)

        # The erasure is in the pupil's history: who erased them, and why.
        history = json.loads(answers["audit pupil history"])
        erasure = history["entries"][-1]
        assert erasure["event_type"] == "journal.PersonErased"
        assert (erasure["actor"]["id"], erasure["reasons"]) == (ADMIN_ID, [REASON])
        erased_targets = {(x["target"], x["target_id"], x["after"]) for x in erasure["changes"]}
        assert erased_targets == {
            ("pupil", pid, "erased"),
            ("application", application, "erased"),
        }
        applied = json.loads(answers["audit application history"])
        shown_applicant = {
            (x["field"], x["after"])
            for e in applied["entries"]
            for x in e["changes"]
            if x["field"] in {"applicant", "contact"}
        }
        assert shown_applicant == {("applicant", ERASED)}

        # The audit still verifies: chains, sequences, the anchors made before and after.
        verified = await system.audit.http.post(f"{A}/verifications", headers=system.auditor())
        assert verified.status_code == 200, verified.text
        lines = [json.loads(line) for line in verified.text.splitlines()]
        summary = lines[-1]
        assert (summary["type"], summary["ok"], summary["problems"]) == ("summary", True, 0), lines
        journal_line = next(
            x for x in lines if x.get("stream") == "JOURNAL" and x["type"] == "stream"
        )
        assert journal_line["anchors"] >= 2, journal_line
        assert journal_line["not_anchored"] == 0, journal_line

    monkeypatch.setenv("AUDIT_SIGNING_KEY", SIGNING_KEY)
    monkeypatch.setenv("JOURNAL_NATS__URL", nats_url)
    verified_by_ops = await ops_verify(nats_url, tmp_path / "no-launcher-state")
    for stream, code, out in verified_by_ops:
        assert code == 0, (stream, out)
    assert "every chain links, 2 anchor(s) match" in verified_by_ops[0][2], verified_by_ops[0]
