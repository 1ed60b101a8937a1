"""`python -m deploy.launcher` (`make run`): the whole system as local processes, no containers.

1. NATS (JetStream) and PostgreSQL: `NATS_URL` / `DATABASE_URL` when set, else private servers
   whose data stays in the state folder (`.local/`), so the next run starts where this one ended.
2. The services of `SERVICES`, each `python -m <module>` on its own port, its output prefixed
   with its name, each waited for until `GET /readyz` answers 200.
3. The demo school, on the first run only (`--no-demo` skips it).
4. A summary with the URLs and development tokens; then it runs until Ctrl-C or SIGTERM, and
   stops the services, then the servers it started. `--once` stops right after the summary.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from contracts.streams import JOURNAL
from deploy import launcher_summary as summary
from deploy.launcher_infra import (
    Infra,
    Ports,
    mask_password,
    prepare_state,
    start_infrastructure,
)
from deploy.launcher_pg import ensure_database
from deploy.launcher_procs import (
    Child,
    LaunchError,
    prefix_for,
    run_foreground,
    say,
    use_color,
    wait_ready,
    write_out,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Service:
    """One line of the service table: how to start a service and where it listens."""

    name: str
    module: str
    env_prefix: str
    default_port: int
    database: str

    @property
    def port_var(self) -> str:
        """The environment variable with the HTTP port, e.g. JOURNAL_HTTP__PORT."""
        return f"{self.env_prefix}_HTTP__PORT"


SERVICES: tuple[Service, ...] = (
    Service("journal", "services.journal", "JOURNAL", 8001, "journal"),
)
DEMO_COMMAND = ("services.journal.entrypoints.cli", "demo", "load")
DEMO_SERVICE = "journal"
NAME_WIDTH = max(8, *(len(s.name) for s in SERVICES))


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: stop everything and exit 0."""


@dataclass(frozen=True)
class Running:
    """What `start_all` started: the watched processes, the summary's endpoints, the ports."""

    infra: Infra
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
            failed = not args.infra_only and not load_demo(args, state, running, stack)
            show_summary(state, running.endpoints, time.monotonic() - started, once=args.once)
            if not args.once:
                supervise(running.children)
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
    endpoints = [
        summary.Endpoint("NATS", infra.nats_url, _where(infra.private_nats, state / "nats")),
        summary.Endpoint(
            "PostgreSQL", mask_password(infra.admin_dsn), _where(infra.private_pg, state / "pg")
        ),
    ]
    if not args.infra_only:
        secret = summary.dev_secret(state)
        for index, service in enumerate(SERVICES):
            child, url = start_service(service, index, infra, ports, secret)
            stack.callback(_stop_child, child)
            wait_ready(child, f"{url}/readyz", READY_TIMEOUT_SECONDS)
            say(f"{service.name} is ready at {url}")
            children.append(child)
            endpoints.append(summary.Endpoint(service.name, url, f"python -m {service.module}"))
    return Running(infra, ports, children, endpoints)


def _where(private: bool, folder: Path) -> str:
    return f"private, data in {folder}" if private else "from the environment"


def service_env(service: Service, infra: Infra, secret: str, port: int) -> dict[str, str]:
    """The environment of a service process (and of its command-line tools)."""
    prefix = service.env_prefix
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.update(
        {
            f"{prefix}_NATS__URL": infra.nats_url,
            f"{prefix}_PG__DSN": infra.dsn_for(service.database),
            f"{prefix}_AUTH__DEV_SECRET": secret,
            service.port_var: str(port),
            f"{prefix}_LOG_JSON": "false",
        }
    )
    if use_color():
        columns = shutil.get_terminal_size().columns - NAME_WIDTH - 3
        env.update({"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1", "COLUMNS": str(max(columns, 40))})
    return env


def start_service(
    service: Service, index: int, infra: Infra, ports: Ports, secret: str
) -> tuple[Child, str]:
    """Create the service's database if missing and start its process; return it and its URL."""
    ensure_database(infra.admin_dsn, infra.fixed_database or service.database)
    port = ports.choose(service.name, [service.default_port])
    if port != service.default_port:
        say(f"port {service.default_port} is taken: {service.name} listens on {port}")
    args = [sys.executable, "-m", service.module]
    env = service_env(service, infra, secret, port)
    prefix = prefix_for(service.name, index + 1, NAME_WIDTH)
    say(f"starting {service.name}: python -m {service.module} on port {port}")
    return Child(service.name, args, env, prefix, cwd=PROJECT_ROOT), f"http://127.0.0.1:{port}"


def _stop_child(child: Child) -> None:
    child.stop()
    say(f"{child.name} stopped ({child.describe_exit()})")


def load_demo(
    args: argparse.Namespace, state: Path, running: Running, stack: contextlib.ExitStack
) -> bool:
    """Load the demo school on the first run; False when the loader failed."""
    if args.no_demo:
        say("demo school not loaded (--no-demo)")
        return True
    infra = running.infra
    if summary.demo_already_loaded(state, infra.nats_url, JOURNAL.name):
        say("demo school already loaded (an earlier run did it; --reset starts afresh)")
        return True
    service = next(s for s in SERVICES if s.name == DEMO_SERVICE)
    port = running.ports.known[service.name]
    env = service_env(service, infra, summary.dev_secret(state), port)
    say("loading the demo school (first run only)")
    child = Child(
        "demo",
        [sys.executable, "-m", *DEMO_COMMAND],
        env,
        prefix_for("demo", len(SERVICES) + 1, NAME_WIDTH),
        cwd=PROJECT_ROOT,
    )
    stack.callback(child.stop)
    code = run_foreground(child)
    if code != 0:
        say(f"the demo loader failed (exit code {code}); the services keep running", loud=True)
        return False
    summary.mark_demo_loaded(state, infra.nats_url)
    return True


def show_summary(
    state: Path, endpoints: list[summary.Endpoint], seconds: float, *, once: bool
) -> None:
    """Print the URLs, tokens and a curl example (tokens also go to <state>/tokens.env)."""
    journal = next((e.url for e in endpoints if e.name == DEMO_SERVICE), None)
    if journal is None:
        write_out("\n".join(f"  {e.name:<11} {e.url}  ({e.note})" for e in endpoints) + "\n")
    else:
        write_out(summary.summary(journal, endpoints, state, summary.dev_secret(state)))
    then = "stopping now (--once)" if once else "Ctrl-C stops it"
    say(f"everything is up after {seconds:.1f} s; {then}")


def supervise(children: list[Child]) -> None:
    """Run until a signal; report loudly (once) any child that dies, keep the others running."""
    while True:
        for child in children:
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
