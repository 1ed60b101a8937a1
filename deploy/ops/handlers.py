"""What each `python -m deploy.ops` command runs: mostly a service's own command line or an ops
module, imported only when its command is chosen (they import the services)."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from deploy.ops import env

Handler = Callable[[argparse.Namespace], int]


def demo_load_command(args: argparse.Namespace) -> int:
    """`demo load`: the demo school into the journal (`python -m demo load`)."""
    from demo import cli  # noqa: PLC0415 - heavy, imported when used

    argv = ["load", "--seed", str(args.seed), "--weeks", str(args.weeks)]
    return cli.main([*argv, *(["--json"] if args.json else [])])


def export_command(args: argparse.Namespace) -> int:
    """`export run|runs|check`: the exporter's own command line."""
    from services.exporter.entrypoints import cli  # noqa: PLC0415 - heavy, imported when used

    argv = [args.command]
    argv += ["--school", args.school] if args.school is not None else []
    argv += ["--year", str(args.year)] if args.year is not None else []
    if args.command == "run":
        argv += ["--kind", args.kind, *(["--force"] if args.force else [])]
    else:
        argv += ["--limit", str(args.limit)]
    return cli.main(argv)


def projection_command(args: argparse.Namespace) -> int:
    """`projection rebuild SERVICE|status`."""
    from deploy.ops import projection  # noqa: PLC0415 - imports the services

    if args.command == "rebuild":
        return projection.rebuild(args.service)
    return projection.status(as_json=args.json)


def status_command(args: argparse.Namespace) -> int:
    """`status [--json]`: streams, consumers, dead letters, last export runs."""
    from deploy.ops import status  # noqa: PLC0415

    return status.show(env.nats_url(), env.projection_databases(), as_json=args.json)


def audit_command(args: argparse.Namespace) -> int:
    """`audit verify|anchor`."""
    from deploy.ops import audit  # noqa: PLC0415

    if args.command == "anchor":
        return audit.anchor(env.nats_url(), args.school, as_json=args.json)
    return audit.verify(env.nats_url(), args.stream, args.subject, as_json=args.json)


def person_command(args: argparse.Namespace) -> int:
    """`person erase|erasures|retention`."""
    from deploy.ops import person  # noqa: PLC0415 - imports the journal

    if args.command == "erase":
        return person.erase(args.kind, args.person, args.reason, args.school, args.by, args.json)
    if args.command == "erasures":
        return person.erasures(args.school, args.json)
    return person.retention(args.school, args.dry_run, args.leaver_years, args.json)


def archive_command(args: argparse.Namespace) -> int:
    """`archive year`."""
    from deploy.ops import archive  # noqa: PLC0415 - imports the journal

    return archive.year(args.school, args.year, args.out, args.json)


def token_command(args: argparse.Namespace) -> int:
    """`token mint`: the services' own token command."""
    from services.common import tokens  # noqa: PLC0415

    argv = ["mint", "--sub", args.sub, "--school", args.school]
    argv += [item for role in args.role for item in ("--role", role)]
    argv += ["--ttl-hours", str(args.ttl_hours), *(["--json"] if args.json else [])]
    return tokens.main([*argv, *(["--uid", str(args.uid)] if args.uid is not None else [])])
