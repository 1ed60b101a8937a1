"""Each service's HTTP app run in-process against real servers (the tests' private NATS and
PostgreSQL), and the settings that point a service there.

One runner serves every service: `running_app` builds the app with a fresh development secret,
enters its lifespan and serves it through an in-process transport. The per-service functions
only say which settings and which app.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from services.audit import bootstrap as audit_bootstrap
from services.audit.entrypoints.http import create_app as audit_app
from services.audit.settings import AuditPostgres
from services.audit.settings import Settings as AuditSettings
from services.common.clock import Clock
from services.common.dev_tokens import DevTokenIssuer
from services.common.settings import AuthSettings, NatsSettings
from services.diary import bootstrap as diary_bootstrap
from services.diary.entrypoints.http import create_app as diary_app
from services.diary.settings import DiaryPostgres
from services.diary.settings import Settings as DiarySettings
from services.enrollment import bootstrap as enrollment_bootstrap
from services.enrollment.entrypoints.http import create_app as enrollment_app
from services.enrollment.settings import EnrollmentPostgres
from services.enrollment.settings import Settings as EnrollmentSettings
from services.exporter import bootstrap as exporter_bootstrap
from services.exporter.entrypoints.http import create_app as exporter_app
from services.exporter.settings import ExporterPostgres
from services.exporter.settings import Settings as ExporterSettings
from services.journal import bootstrap as journal_bootstrap
from services.journal.entrypoints.http import create_app as journal_app
from services.journal.settings import JournalPostgres
from services.journal.settings import Settings as JournalSettings
from tests.support.waiting import eventually

RuntimeT = TypeVar("RuntimeT")
TEST_PSEUDONYM_KEY = "exporter-test-pseudonym-key-0123456789abcdef"
"""A fixed key, so tests and e2e runs can compute the pseudonyms the exporter publishes."""


@dataclass(frozen=True)
class RunningApp(Generic[RuntimeT]):
    """The app's HTTP client, its runtime, a token issuer its verifier trusts and the app."""

    http: httpx.AsyncClient
    runtime: RuntimeT
    issuer: DevTokenIssuer
    app: FastAPI
    school: str = "s1"

    def headers(
        self, user_id: str, *roles: str, uid: int | None = None, school: str | None = None
    ) -> dict[str, str]:
        """Authorization for a user of the school (or of another school), with a portal UID."""
        token = self.issuer.mint(user_id, roles, school or self.school, uid=uid)
        return {"Authorization": f"Bearer {token}"}


RunningJournal = RunningApp[journal_bootstrap.Runtime]
RunningDiary = RunningApp[diary_bootstrap.Runtime]
RunningEnrollment = RunningApp[enrollment_bootstrap.Runtime]
RunningExporter = RunningApp[exporter_bootstrap.Runtime]
RunningAudit = RunningApp[audit_bootstrap.Runtime]


@contextlib.asynccontextmanager
async def running_app(
    make_app: Callable[[str], FastAPI], base_url: str
) -> AsyncIterator[RunningApp[Any]]:
    """The app `make_app(dev_secret)` builds, its lifespan entered, served in-process."""
    secret = secrets.token_hex(32)
    app = make_app(secret)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as http:
            yield RunningApp(http, app.state.runtime, DevTokenIssuer(secret), app)


def _common(nats_url: str, secret: str) -> dict[str, Any]:
    """What every service's test settings share: the servers, the secret, plain-text logs."""
    return {
        "nats": NatsSettings(url=nats_url),
        "auth": AuthSettings(dev_secret=secret),
        "log_json": False,
    }


def journal_settings(nats_url: str, database_url: str, schema: str, secret: str) -> JournalSettings:
    """Journal settings pointing at the given servers and schema."""
    pg = JournalPostgres(dsn=database_url, schema_name=schema)
    return JournalSettings(pg=pg, **_common(nats_url, secret))


def diary_settings(nats_url: str, database_url: str, schema: str, secret: str) -> DiarySettings:
    """Diary settings pointing at the given servers and schema."""
    pg = DiaryPostgres(dsn=database_url, schema_name=schema)
    return DiarySettings(pg=pg, **_common(nats_url, secret))


def enrollment_settings(
    nats_url: str, database_url: str, schema: str, secret: str
) -> EnrollmentSettings:
    """Enrollment settings pointing at the given servers; the roster goes to `<schema>_roster`."""
    pg = EnrollmentPostgres(dsn=database_url, schema_name=schema, roster_schema=f"{schema}_roster")
    return EnrollmentSettings(pg=pg, **_common(nats_url, secret))


def exporter_settings(
    nats_url: str, database_url: str, schema: str, secret: str
) -> ExporterSettings:
    """Exporter settings pointing at the given servers and schema (no schedule)."""
    pg = ExporterPostgres(dsn=database_url, schema_name=schema)
    return ExporterSettings(
        pg=pg,
        pseudonym_key=SecretStr(TEST_PSEUDONYM_KEY),
        schedule_enabled=False,
        **_common(nats_url, secret),
    )


def audit_settings(nats_url: str, database_url: str, schema: str, secret: str) -> AuditSettings:
    """Audit settings pointing at the given servers, its event log in `schema`."""
    pg = AuditPostgres(dsn=database_url, schema_name=schema)
    return AuditSettings(pg=pg, **_common(nats_url, secret))


Runner = Callable[[str, str, str], contextlib.AbstractAsyncContextManager[RunningApp[Any]]]
"""`runner(nats_url, database_url, schema)`: a service's app run in-process on those servers."""


def _runner(
    create_app: Callable[[Any], FastAPI],
    settings: Callable[[str, str, str, str], object],
    base_url: str,
) -> Runner:
    """The runner of the app `create_app` builds on `settings(nats_url, database_url, schema,
    secret)`, served at `base_url`."""

    def run(
        nats_url: str, database_url: str, schema: str
    ) -> contextlib.AbstractAsyncContextManager[RunningApp[Any]]:
        return running_app(
            lambda secret: create_app(settings(nats_url, database_url, schema, secret)), base_url
        )

    return run


running_journal = _runner(journal_app, journal_settings, "http://journal")
running_diary = _runner(diary_app, diary_settings, "http://diary")
running_exporter = _runner(exporter_app, exporter_settings, "http://exporter")
running_audit = _runner(audit_app, audit_settings, "http://audit")


def running_enrollment(
    nats_url: str, database_url: str, schema: str, *, clock: Clock | None = None
) -> contextlib.AbstractAsyncContextManager[RunningEnrollment]:
    """The enrollment app with its lifespan entered, served through an in-process transport
    (on `clock` when given, else the real one)."""

    def make_app(secret: str) -> FastAPI:
        settings = enrollment_settings(nats_url, database_url, schema, secret)
        return enrollment_app(settings, lambda s: enrollment_bootstrap.build(s, clock=clock))

    return running_app(make_app, "http://enrollment")


async def roster_caught_up(
    running: RunningEnrollment,
    seq: int,
    timeout: float = 15.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
) -> None:
    """Wait until the enrollment's roster projection has applied the journal up to `seq`."""

    def caught_up() -> None:
        assert running.runtime.roster_projector.status().last_seq >= seq

    await eventually(caught_up, timeout=timeout)


async def log_caught_up(
    running: RunningAudit,
    positions: Mapping[str, int],
    timeout: float = 15.0,  # noqa: ASYNC109 - a deadline for many awaits, not one
) -> None:
    """Wait until the audit's event log has applied each stream up to its sequence in
    `positions` (stream name -> last sequence, e.g. `{"JOURNAL": 42}`)."""
    by_stream = {
        p.name.removeprefix("audit_log_").removesuffix("_v1"): p for p in running.runtime.projectors
    }

    def caught_up() -> None:
        for stream, seq in positions.items():
            status = by_stream[stream.lower()].status()
            assert status.last_seq >= seq, f"{stream} at {status.last_seq} < {seq}"

    await eventually(caught_up, timeout=timeout)


RUNNERS: dict[str, Runner] = {
    "journal": running_journal,
    "diary": running_diary,
    "exporter": running_exporter,
    "enrollment": running_enrollment,
    "audit": running_audit,
}
"""Every back-end service's runner, by service name."""
