"""Starting everything: the servers, then each service waited for until ready, then the demo on
the first run, then the summary."""

from __future__ import annotations

import argparse
import contextlib
import sys
from dataclasses import dataclass
from pathlib import Path

from deploy.launcher import demo_load
from deploy.launcher.infra import mask_password, start_infrastructure
from deploy.launcher.markers import diary_demo_of
from deploy.launcher.output import Output, kept_off_terminal, prefix_for, say, write_out
from deploy.launcher.paths import PROJECT_ROOT, logs_of
from deploy.launcher.ports import Ports
from deploy.launcher.postgres import analyze, ensure_database
from deploy.launcher.procs import Child, wait_ready
from deploy.launcher.services import (
    KEYS_DATABASE,
    NAME_WIDTH,
    SERVICES,
    Context,
    Service,
    service_env,
)
from deploy.launcher.state_secrets import dev_secret
from deploy.launcher.summary import Endpoint, summary

READY_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class Running:
    """What `start_all` started: the watched processes, the summary's endpoints, the ports."""

    context: Context
    ports: Ports
    children: list[Child]
    endpoints: list[Endpoint]


def start_all(args: argparse.Namespace, state: Path, stack: contextlib.ExitStack) -> Running:
    """Infrastructure, then every service; each registers its stop on `stack`."""
    ports = Ports(state / "ports.json")
    infra, children = start_infrastructure(state, ports, stack, cluster=args.cluster)
    context = Context(infra, state, dev_secret(state))
    nats_data = state / ("nats-cluster" if args.cluster else "nats")
    endpoints = [
        Endpoint("NATS", infra.nats_url, _where(infra.private_nats, nats_data)),
        Endpoint(
            "PostgreSQL", mask_password(infra.admin_dsn), _where(infra.private_pg, state / "pg")
        ),
    ]
    if not args.infra_only:
        for index, service in enumerate(SERVICES):
            child = start_service(service, index, context, ports, verbose=args.verbose)
            stack.callback(_stop_child, child)
            url = context.urls[service.name]
            wait_ready(child, f"{url}/readyz", READY_TIMEOUT_SECONDS)
            say(f"{service.name} is ready at {url}")
            children.append(child)
            endpoints.append(Endpoint(service.name, url, f"python -m {service.module}"))
    return Running(context, ports, children, endpoints)


def _where(private: bool, folder: Path) -> str:
    return f"private, data in {folder}" if private else "from the environment"


def start_service(
    service: Service, index: int, context: Context, ports: Ports, *, verbose: bool = False
) -> Child:
    """Create the service's database if missing and start its process (its URL goes into
    `context.urls`). Its whole output goes to `<state>/logs/<name>.log`; the terminal shows its
    warnings and errors (everything when `verbose`)."""
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
    log = logs_of(context.state) / f"{service.name}.log"
    output = Output(prefix, kept_off_terminal(verbose), log)
    return Child(service.name, args, env, output, cwd=PROJECT_ROOT)


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

    quiet = kept_off_terminal(args.verbose)
    output = demo_load.Outputs(NAME_WIDTH, len(SERVICES) + 1, quiet, logs_of(context.state))
    one_off = demo_load.OneOff(stack, env_for, output)
    nats_url = context.infra.nats_url
    if not demo_load.load_demo(context.state, nats_url, one_off):
        return False
    if not demo_load.export_demo(context.state, nats_url, one_off, context.urls["enrollment"]):
        return False
    demo_load.wait_for_diary(context.urls["diary"], context.state)
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
        diary = diary_demo_of(context.state)
        text = summary(context.urls, running.endpoints, context.state, context.secret, diary)
        write_out(text)
    then = "stopping now (--once)" if once else "Ctrl-C stops it"
    say(f"everything is up after {seconds:.1f} s; {then}")
