"""`python -m deploy.launcher` (`make run`): the whole system as local processes, no containers.

1. NATS (JetStream) and PostgreSQL: `NATS_URL` / `DATABASE_URL` when set, else private servers
   whose data stays in the state folder (`.local/`), so the next run starts where this one ended.
2. The services of `SERVICES` (journal, e-diary, exporter, enrollment, audit), each
   `python -m <module>` on its own port with its own database, its output prefixed with its
   name, each waited for until `GET /readyz` answers 200; then the two web apps without a
   database: the school staff's pages (`web`) and the e-diary's pages for parents, pupils and
   teachers' UIDs (`portal`), each at its own address.
3. On the first run only (`--no-demo` skips it): the demo school into the journal, then a full
   export into the e-diary and four demo portal users enrolled (see `launcher_demo`).
4. A summary with the URLs and development tokens; then it runs until Ctrl-C or SIGTERM
   (restarting a service that dies or stays unready for 30 s: with backoff, at most 5 times in
   10 minutes, see `launcher_restart.RestartPolicy`; each service also runs its own watchdog),
   and stops the services, then the servers it started.
   `--once` stops right after the summary.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import httpx

from deploy import launcher_demo as demo
from deploy import launcher_summary as summary
from deploy.launcher_infra import (
    Infra,
    Ports,
    mask_password,
    prepare_state,
    recorded_infra,
    start_infrastructure,
)
from deploy.launcher_pg import analyze, ensure_database
from deploy.launcher_procs import (
    Child,
    LaunchError,
    prefix_for,
    say,
    use_color,
    wait_ready,
    write_out,
)
from deploy.launcher_restart import Restarter, servers_down

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60.0


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
        "EXPORTER_PSEUDONYM_KEY": summary.pseudonym_key(context.state),
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
        "WEB_SESSION_SECRET": summary.session_secret(context.state),
        "WEB_DEV_SIGN_IN": "true",
        "WEB_DEV_SCHOOL": summary.SCHOOL,
    }


def _portal_extras(context: Context) -> dict[str, str]:
    """The one API the portal's pages call (the diary: the portal side of the privacy
    boundary never gets a school-side URL), its own session secret (kept in the state folder)
    and the development sign-in page listing the diary's portal users."""
    return {
        "PORTAL_API__DIARY": context.urls["diary"],
        "PORTAL_SESSION_SECRET": summary.portal_session_secret(context.state),
        "PORTAL_DEV_SIGN_IN": "true",
        "PORTAL_SCHOOL": summary.SCHOOL,
    }


def _audit_extras(context: Context) -> dict[str, str]:
    """The key the audit signs its daily anchors with (kept in the state folder)."""
    return {"AUDIT_SIGNING_KEY": summary.signing_key(context.state)}


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


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: stop everything and exit 0."""


@dataclass(frozen=True)
class Running:
    """What `start_all` started: the watched processes, the summary's endpoints, the ports."""

    context: Context
    ports: Ports
    children: list[Child]
    endpoints: list[summary.Endpoint]


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.launcher",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo school")
    parser.add_argument("--reset", action="store_true", help="delete the state folder first")
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=PROJECT_ROOT / ".local",
        help="where private servers keep their data (default: .local)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="start everything, print the summary, stop, exit 0 (tests, CI)",
    )
    parser.add_argument(
        "--infra-only",
        action="store_true",
        help="start NATS and PostgreSQL only (no services, no demo)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the launcher; 0 after a clean stop, 1 when something could not start."""
    args = parse_args(argv)
    try:
        return run(args)
    except LaunchError as error:
        say(f"FAILED: {error}", loud=True)
        return 1


def run(args: argparse.Namespace) -> int:
    """Start everything, wait for a signal (or not, with --once), stop everything."""
    state, lock = prepare_state(args.state_dir, reset=args.reset)
    _on_signal(_interrupt)
    started = time.monotonic()
    failed = False
    with contextlib.ExitStack() as stack:
        stack.callback(lock.close)  # the last thing released
        try:
            running = start_all(args, state, stack)
            failed = not args.infra_only and not load_demo(args, running, stack)
            show_summary(running, time.monotonic() - started, once=args.once)
            if not args.once:
                infra = running.context.infra
                servers = servers_down([("NATS", infra.nats_url), ("PostgreSQL", infra.admin_dsn)])
                supervise(running.children, running.context.urls, servers)
        except Interrupted:
            say("signal received: stopping")
        finally:
            _on_signal(_already_stopping)
            say("stopping everything")
    say("stopped")
    return 1 if failed and args.once else 0


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


def _already_stopping(_signum: int, _frame: FrameType | None) -> None:
    say("already stopping, please wait")


def _on_signal(handler: Callable[[int, FrameType | None], None]) -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, handler)


def start_all(args: argparse.Namespace, state: Path, stack: contextlib.ExitStack) -> Running:
    """Infrastructure, then every service; each registers its stop on `stack`."""
    ports = Ports(state / "ports.json")
    infra, children = start_infrastructure(state, ports, stack)
    context = Context(infra, state, summary.dev_secret(state))
    endpoints = [
        summary.Endpoint("NATS", infra.nats_url, _where(infra.private_nats, state / "nats")),
        summary.Endpoint(
            "PostgreSQL", mask_password(infra.admin_dsn), _where(infra.private_pg, state / "pg")
        ),
    ]
    if not args.infra_only:
        for index, service in enumerate(SERVICES):
            child = start_service(service, index, context, ports)
            stack.callback(_stop_child, child)
            url = context.urls[service.name]
            wait_ready(child, f"{url}/readyz", READY_TIMEOUT_SECONDS)
            say(f"{service.name} is ready at {url}")
            children.append(child)
            endpoints.append(summary.Endpoint(service.name, url, f"python -m {service.module}"))
    return Running(context, ports, children, endpoints)


def _where(private: bool, folder: Path) -> str:
    return f"private, data in {folder}" if private else "from the environment"


def service_env(service: Service, context: Context, port: int) -> dict[str, str]:
    """The environment of a service process (and of its command-line tools)."""
    prefix = service.env_prefix
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.update(
        {
            f"{prefix}_NATS__URL": context.infra.nats_url,
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
    context = Context(infra, state, summary.dev_secret(state), urls)
    return service_env(services[name], context, ports.known[name])


def start_service(service: Service, index: int, context: Context, ports: Ports) -> Child:
    """Create the service's database if missing and start its process (its URL goes into
    `context.urls`)."""
    infra = context.infra
    if service.database is not None:
        ensure_database(infra.admin_dsn, infra.fixed_database or service.database)
    if service.holds_keys:
        ensure_database(infra.admin_dsn, infra.fixed_database or KEYS_DATABASE)
    port = ports.choose(service.name, [service.default_port])
    if port != service.default_port:
        say(f"port {service.default_port} is taken: {service.name} listens on {port}")
    context.urls[service.name] = f"http://127.0.0.1:{port}"
    args = [sys.executable, "-m", service.module]
    env = service_env(service, context, port)
    prefix = prefix_for(service.name, index + 1, NAME_WIDTH)
    say(f"starting {service.name}: python -m {service.module} on port {port}")
    return Child(service.name, args, env, prefix, cwd=PROJECT_ROOT)


def _stop_child(child: Child) -> None:
    child.stop()
    say(f"{child.name} stopped ({child.describe_exit()})")


def load_demo(args: argparse.Namespace, running: Running, stack: contextlib.ExitStack) -> bool:
    """The demo school into the journal, then into the e-diary with its portal users (each once);
    False when a step failed."""
    if args.no_demo:
        say("demo school not loaded (--no-demo)")
        return True
    context = running.context
    services = {s.name: s for s in SERVICES}

    def env_for(name: str) -> dict[str, str]:
        return service_env(services[name], context, running.ports.known[name])

    one_off = demo.OneOff(stack, env_for, NAME_WIDTH, len(SERVICES) + 1)
    nats_url = context.infra.nats_url
    if not demo.load_demo(context.state, nats_url, one_off):
        return False
    if not demo.export_demo(context.state, nats_url, one_off, context.urls["enrollment"]):
        return False
    demo.wait_for_diary(context.urls["diary"], context.state)
    say("refreshing the journal database's planner statistics (ANALYZE)")
    analyze(context.infra.dsn_for("journal"))
    return True


def show_summary(running: Running, seconds: float, *, once: bool) -> None:
    """Print the URLs, tokens and curl examples (tokens also go to <state>/tokens.env)."""
    context = running.context
    if set(context.urls) != {s.name for s in SERVICES}:  # --infra-only
        write_out("\n".join(f"  {e.name:<11} {e.url}  ({e.note})" for e in running.endpoints))
        write_out("\n")
    else:
        diary = summary.diary_demo_of(context.state)
        text = summary.summary(
            context.urls, running.endpoints, context.state, context.secret, diary
        )
        write_out(text)
    then = "stopping now (--once)" if once else "Ctrl-C stops it"
    say(f"everything is up after {seconds:.1f} s; {then}")


def supervise(
    children: list[Child], urls: Mapping[str, str], servers: Callable[[], str | None]
) -> None:
    """Run until a signal. A service (a child with a URL in `urls`) that dies or stays unready
    is restarted with backoff, at most `RestartPolicy.limit` times within its window (not while
    `servers` names one that is down), and reported ready again; any other child (the private
    nats-server) is reported loudly, once. The others keep running."""
    restarters = [
        Restarter(c, f"{urls[c.name]}/readyz", servers=servers) for c in children if c.name in urls
    ]
    others = [c for c in children if c.name not in urls]
    with httpx.Client(timeout=2.0) as client:
        while True:
            for restarter in restarters:
                restarter.tick(client)
            for child in others:
                if not child.reported_dead and child.process.poll() is not None:
                    child.reported_dead = True
                    child.wait_output()
                    message = f"{child.name} DIED ({child.describe_exit()})"
                    say(
                        f"{message}; the others keep running. Its last lines:\n{child.tail()}",
                        loud=True,
                    )
            time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
