"""The operator CLI's configuration: the services' own environment variables, completed from a
launcher's state folder.

Every command reads the variables the services read (`JOURNAL_*`, `DIARY_*`, `EXPORTER_*`).
A variable that is not set is taken from what the launcher gives its children
(`deploy.launcher.tool_env`, rebuilt from `<state>/ports.json`, `dev-secret` and
`pseudonym-key`) when that state folder exists; a variable that is set always wins.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

from deploy.launcher.services import SERVICES, tool_env

DEFAULT_NATS_URL = "nats://127.0.0.1:4222"  # NatsSettings' default


@dataclass(frozen=True)
class ServiceDb:
    """Where a service keeps its tables, as its settings read them (DSN and schema)."""

    service: str
    dsn: str | None
    schema: str


def derived_env(state: Path) -> dict[str, str]:
    """The service variables a launcher with this state folder sets, for every service
    (empty when the folder does not exist or does not say where the servers are)."""
    if not state.is_dir():
        return {}
    prefixes = tuple(f"{s.env_prefix}_" for s in SERVICES)
    env: dict[str, str] = {}
    for service in SERVICES:
        full = tool_env(service.name, state) or {}
        env.update({k: v for k, v in full.items() if k.startswith(prefixes)})
    return env


def complete_environment(state: Path, environ: MutableMapping[str, str] | None = None) -> list[str]:
    """Set every service variable missing from `environ` (default: `os.environ`) from the
    launcher's state folder; the names that were set (none when nothing was derived)."""
    target = os.environ if environ is None else environ
    derived = derived_env(state)
    added = [name for name in derived if name not in target]
    for name in added:
        target[name] = derived[name]
    return added


def nats_url(environ: Mapping[str, str] | None = None) -> str:
    """The NATS URL the services use (the first service variable set, else the default)."""
    env = os.environ if environ is None else environ
    for service in SERVICES:
        if url := env.get(f"{service.env_prefix}_NATS__URL"):
            return url
    return DEFAULT_NATS_URL


def service_databases(environ: Mapping[str, str] | None = None) -> list[ServiceDb]:
    """Every service's DSN (None when not configured) and schema (`<PREFIX>_PG__SCHEMA_NAME`,
    by default the service's name, as each service's settings default it)."""
    env = os.environ if environ is None else environ
    return [
        ServiceDb(
            s.name,
            env.get(f"{s.env_prefix}_PG__DSN"),
            env.get(f"{s.env_prefix}_PG__SCHEMA_NAME", s.name),
        )
        for s in SERVICES
        if s.database is not None  # the web keeps no data
    ]


def projection_databases(environ: Mapping[str, str] | None = None) -> list[ServiceDb]:
    """Every schema in which a service keeps projections, each with its own dead letters: the
    service's schema (first), then the diary's messages, the exporter's access projection and
    the enrollment's roster, named as the services' settings name them."""
    env = os.environ if environ is None else environ
    found: list[ServiceDb] = []
    for db in service_databases(env):
        found.append(db)
        found.extend(ServiceDb(db.service, db.dsn, schema) for schema in _more_schemas(db, env))
    return found


def _more_schemas(db: ServiceDb, env: Mapping[str, str]) -> list[str]:
    """The schemas of a service's projections beyond its own (`DiaryPostgres.messages_schema`,
    exporter `Settings.access_schema`, `EnrollmentPostgres.roster_schema`)."""
    if db.service == "diary":
        return [f"{db.schema}_messages"]
    if db.service == "exporter":
        return [f"{db.schema}_access"]
    if db.service == "enrollment":
        return [env.get("ENROLLMENT_PG__ROSTER_SCHEMA", "enrollment_roster")]
    return []
