"""The services the launcher starts, in order, and the environment each one gets: the servers,
its own database, the shared development secret, and the settings of that service only."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deploy.launcher.demo_cast import SCHOOL
from deploy.launcher.infra import Infra, recorded_infra
from deploy.launcher.output import use_color
from deploy.launcher.ports import Ports
from deploy.launcher.state_secrets import (
    dev_secret,
    portal_session_secret,
    pseudonym_key,
    session_secret,
    signing_key,
)


@dataclass(frozen=True)
class Context:
    """What a service's environment is made of: the servers, the state folder, the secret and
    the URLs of the services started so far."""

    infra: Infra
    state: Path
    secret: str
    urls: dict[str, str] = field(default_factory=dict)


def _no_extras(_context: Context) -> dict[str, str]:
    return {}


def _exporter_extras(context: Context) -> dict[str, str]:
    """The pseudonym key (kept in the state folder, the same on every run) and the two APIs
    its diary check compares (started before it)."""
    return {
        "EXPORTER_PSEUDONYM_KEY": pseudonym_key(context.state),
        "EXPORTER_JOURNAL_URL": context.urls["journal"],
        "EXPORTER_DIARY_URL": context.urls["diary"],
    }


def _web_extras(context: Context) -> dict[str, str]:
    """The APIs the pages call (all started before it), the session secret (kept in the state
    folder, so a restart keeps people signed in) and the development sign-in page."""
    urls = context.urls
    return {
        "WEB_API__JOURNAL": urls["journal"],
        "WEB_API__ENROLLMENT": urls["enrollment"],
        "WEB_API__EXPORTER": urls["exporter"],
        "WEB_API__AUDIT": urls["audit"],
        "WEB_SESSION_SECRET": session_secret(context.state),
        "WEB_DEV_SIGN_IN": "true",
        "WEB_DEV_SCHOOL": SCHOOL,
    }


def _portal_extras(context: Context) -> dict[str, str]:
    """The one API the portal's pages call (the diary: the portal side of the privacy
    boundary never gets a school-side URL), its own session secret (kept in the state folder)
    and the development sign-in page listing the diary's portal users."""
    return {
        "PORTAL_API__DIARY": context.urls["diary"],
        "PORTAL_SESSION_SECRET": portal_session_secret(context.state),
        "PORTAL_DEV_SIGN_IN": "true",
        "PORTAL_SCHOOL": SCHOOL,
    }


def _audit_extras(context: Context) -> dict[str, str]:
    """The key the audit signs its daily anchors with (kept in the state folder)."""
    return {"AUDIT_SIGNING_KEY": signing_key(context.state)}


@dataclass(frozen=True)
class Service:
    """One line of the service table: how to start a service and where it listens."""

    name: str
    module: str
    env_prefix: str
    default_port: int
    database: str | None
    """Its own database, or None for a service without one (the two web apps)."""
    extras: Callable[[Context], Mapping[str, str]] = _no_extras
    """Settings of this service only, beyond those every service gets."""
    holds_keys: bool = False
    """A school-side service: it reads (or writes) the key store of personal data."""

    @property
    def port_var(self) -> str:
        """The environment variable with the HTTP port, e.g. JOURNAL_HTTP__PORT."""
        return f"{self.env_prefix}_HTTP__PORT"


SERVICES: tuple[Service, ...] = (  # started in this order
    Service("journal", "services.journal", "JOURNAL", 8001, "journal", holds_keys=True),
    Service("diary", "services.diary", "DIARY", 8002, "diary"),  # portal side: never the keys
    Service("exporter", "services.exporter", "EXPORTER", 8003, "exporter", _exporter_extras, True),
    Service("enrollment", "services.enrollment", "ENROLLMENT", 8004, "enrollment", holds_keys=True),
    Service("audit", "services.audit", "AUDIT", 8005, "audit", _audit_extras, holds_keys=True),
    Service("web", "services.web", "WEB", 8000, None, _web_extras),  # the staff's one address
    Service("portal", "services.portal", "PORTAL", 8010, None, _portal_extras),  # the families'
)
NAME_WIDTH = max(8, *(len(s.name) for s in SERVICES))
KEYS_DATABASE = "keys"
"""The school side's key store of personal data (`services.common.keystore`), one database
shared by the services that hold keys: back it up with the installation."""


def service_env(service: Service, context: Context, port: int) -> dict[str, str]:
    """The environment of a service process (and of its command-line tools)."""
    prefix = service.env_prefix
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.update(
        {
            f"{prefix}_NATS__URL": context.infra.nats_url,
            f"{prefix}_NATS__REPLICAS": str(context.infra.nats_replicas),
            f"{prefix}_AUTH__DEV_SECRET": context.secret,
            service.port_var: str(port),
            f"{prefix}_LOG_JSON": "false",
            f"{prefix}_WATCHDOG__ENABLED": "true",  # a stuck or unready process exits
            **service.extras(context),
        }
    )
    if service.database is not None:
        env[f"{prefix}_PG__DSN"] = context.infra.dsn_for(service.database)
    if service.holds_keys:
        env[f"{prefix}_KEYS__DSN"] = context.infra.dsn_for(KEYS_DATABASE)
    if use_color():
        columns = shutil.get_terminal_size().columns - NAME_WIDTH - 3
        env.update({"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": str(max(columns, 40))})
    return env


def tool_env(name: str, state: Path) -> dict[str, str] | None:
    """The environment the launcher gives service `name`'s processes and command-line tools,
    rebuilt from the state folder of a launcher (running or not) without starting anything;
    None when the folder does not say where the servers and services are."""
    ports = Ports(state / "ports.json")
    services = {s.name: s for s in SERVICES}
    infra = recorded_infra(ports) if (state / "ports.json").is_file() else None
    if infra is None or name not in services or not set(services) <= ports.known.keys():
        return None
    urls = {s: f"http://127.0.0.1:{ports.known[s]}" for s in services}
    context = Context(infra, state, dev_secret(state), urls)
    return service_env(services[name], context, ports.known[name])
