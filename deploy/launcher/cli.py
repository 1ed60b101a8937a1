"""`python -m deploy.launcher` (`make run`): the whole system as local processes, no containers.

1. NATS (JetStream) and PostgreSQL: `NATS_URL` / `DATABASE_URL` when set, else private servers
   whose data stays in the state folder (`.local/`), so the next run starts where this one ended.
2. The services of `SERVICES` (journal, e-diary, exporter, enrollment, audit), each
   `python -m <module>` on its own port with its own database, its output prefixed with its
   name, each waited for until `GET /readyz` answers 200; then the two web apps without a
   database: the school staff's pages (`web`) and the e-diary's pages for parents, pupils and
   teachers' UIDs (`portal`), each at its own address.
3. On the first run only (`--no-demo` skips it): the demo school into the journal, then a full
   export into the e-diary and four demo portal users enrolled (see `demo_load`).
4. A summary with the URLs and development tokens; then it runs until Ctrl-C or SIGTERM
   (restarting a service that dies or stays unready for 30 s: with backoff, at most 5 times in
   10 minutes, see `restart.RestartPolicy`; each service also runs its own watchdog),
   and stops the services, then the servers it started.
   `--once` stops right after the summary.
"""

from __future__ import annotations

import argparse
import contextlib
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

import httpx

from deploy.launcher.output import say
from deploy.launcher.paths import DEFAULT_STATE_DIR
from deploy.launcher.procs import Child, LaunchError
from deploy.launcher.restart import Restarter, servers_down
from deploy.launcher.start import load_demo, show_summary, start_all
from deploy.launcher.state import prepare_state


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: stop everything and exit 0."""


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
        default=DEFAULT_STATE_DIR,
        help="where private servers keep their data (default: .local)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="start everything, print the summary, stop, exit 0 (tests, CI)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show every line the services log (else: warnings and errors; all in <state>/logs)",
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="three NATS nodes forming one JetStream cluster, every stream and bucket at R3 "
        "(their data in <state>/nats-cluster; with NATS_URL, that cluster's nodes)",
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
