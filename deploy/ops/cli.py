"""`python -m deploy.ops`: one command line for the operator, over the services' own commands.

  demo load [--json]                          the demo school into the journal
  export run|runs|check [--school S --year Y] the exporter's runs and the diary check
  projection rebuild journal|diary|exporter|enrollment|audit
                                              replay a service's projections from sequence 1
  projection status [--json]                  every projection's checkpoint and lag
  status [--json]                             streams, consumers, dead letters, last runs
                                              (exit 1: needs attention, 2: unreachable)
  audit verify [--stream S] [--subject F] [--json]
                                              the streams' hash chains, gaps and signed
                                              anchors (exit 1: anything wrong)
  audit anchor [--school S] [--json]          sign and publish the anchors due now (the audit
                                              service anchors hourly)
  token mint --sub U --role R --school S [--json]
                                              a development token
  person erase pupil|staff ID --reason R [--school S] [--json]
                                              erase a person's personal data (irreversible)
  person erasures [--school S]                every erasure: who, when, by whom, why
  person retention [--dry-run] [--school S]   the retention rule: who is due, or erase them
  archive year --out DIR [--school S --year Y] [--json]
                                              every class's journal of the year as PDF, with
                                              manifest.json and SHA256SUMS

Configuration: the services' variables (JOURNAL_*, DIARY_*, EXPORTER_*); those not set are
taken from the launcher's state folder (--state-dir, default .local) when it exists, exactly as
the launcher sets them for its services. Export commands print JSON lines; every other command
that answers with tables or a line prints one JSON document instead with --json.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from contracts.roles import ROLES
from deploy.launcher.paths import DEFAULT_STATE_DIR
from services.common.entry import Lazy

if TYPE_CHECKING:
    from deploy.ops.handlers import Handler

PROJECTIONS = ("journal", "diary", "exporter", "enrollment", "audit")


def _handler(name: str) -> Lazy:
    """A command's handler in `deploy.ops.handlers`, imported only when that command runs: the
    handlers import the launcher, the services and their clients, which `--help` needs none of."""
    return Lazy(f"deploy.ops.handlers:{name}")


def _group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help_text: str
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    group = commands.add_parser(name, help=help_text, description=help_text)
    return group.add_subparsers(dest="command", required=True, metavar="COMMAND")


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")


def _school_year(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--school", help="school id, e.g. s1 (default: the only one known)")
    parser.add_argument(
        "--year", type=int, help="the school year's first year (default: the school's latest)"
    )


def _add_demo(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    load = _group(commands, "demo", "the demo school").add_parser(
        "load", help="load the demo school through the journal's handlers (idempotent)"
    )
    load.add_argument("--seed", type=int, default=2026, help="generator seed (default 2026)")
    load.add_argument("--weeks", type=int, default=8, help="weeks of lessons from 1 September")
    _json_option(load)
    load.set_defaults(handler=_handler("demo_load_command"))


def _add_export(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = _group(commands, "export", "the exporter: runs and the diary check")
    run = export.add_parser("run", help="export now (delta: the changes; full: the whole year)")
    run.add_argument("--kind", choices=("delta", "full"), default="delta", help="default delta")
    run.add_argument("--force", action="store_true", help="full only: a new batch anyway")
    runs = export.add_parser("runs", help="recent runs, newest first")
    check = export.add_parser("check", help="compare the journal with the diary (exit 1: differ)")
    for parser, limit in ((runs, 20), (check, 100)):
        parser.add_argument("--limit", type=int, default=limit, help=f"default {limit}")
    for parser in (run, runs, check):
        _school_year(parser)
        parser.set_defaults(handler=_handler("export_command"))


def _add_projection(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    projection = _group(commands, "projection", "the services' projections")
    rebuild = projection.add_parser(
        "rebuild", help="replay a projection from sequence 1 into a fresh schema and swap it in"
    )
    rebuild.add_argument("service", choices=PROJECTIONS, help="whose projection")
    status = projection.add_parser("status", help="checkpoint, stream position, dead letters")
    _json_option(status)
    for parser in (rebuild, status):
        parser.set_defaults(handler=_handler("projection_command"))


def _add_audit(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = _group(commands, "audit", "the event streams' integrity")
    verify = audit.add_parser(
        "verify",
        help="recompute every subject's Prev-Hash chain; list broken links (exit 1 if any)",
        description=(
            "Walk the stream from sequence 1 with an ordered consumer and check that every"
            " event's Prev-Hash is the hash of the previous event on its subject. Lists every"
            " broken link (subject, seq, expected prev, found); exit 1 if any. The last hash of"
            " every subject is kept in memory during the walk."
        ),
    )
    verify.add_argument("--stream", default="JOURNAL", help="default JOURNAL")
    verify.add_argument("--subject", default=None, help="subject filter, e.g. jrn.2026.s1.>")
    _json_option(verify)
    verify.set_defaults(handler=_handler("audit_command"))
    anchor = audit.add_parser(
        "anchor",
        help="sign and publish the anchors of every event not anchored yet, now",
        description=(
            "Seal every school's events not anchored yet (today's so far included) in signed"
            " anchors on the AUDIT stream, as the audit service does every hour. Needs"
            " AUDIT_SIGNING_KEY. Idempotent: with nothing new, nothing is written."
        ),
    )
    anchor.add_argument("--school", default=None, help="only this school (default: every one)")
    _json_option(anchor)
    anchor.set_defaults(handler=_handler("audit_command"))


def _add_person(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    help_text = (
        "personal data: erasure and retention (exit 0 done, 1 failed, 2 cannot run as asked,"
        " 3 unknown person)"
    )
    person = _group(commands, "person", help_text)
    erase = person.add_parser(
        "erase",
        help="erase a pupil's or a member of staff's personal data (irreversible)",
        description=(
            "Record the erasure (journal.PersonErased: who, why), then destroy the person's key"
            " and, for a pupil, their applicants' keys: their names and birth date read"
            " «[удалено]» everywhere from then on; marks and lessons stay. Erasing an erased"
            " person records nothing and shows the earlier erasure (exit 0)."
        ),
    )
    erase.add_argument("kind", choices=("pupil", "staff"), help="whose data")
    erase.add_argument("person", help="the pupil's or member of staff's id")
    erase.add_argument("--reason", required=True, help="why (recorded, shown in the audit)")
    erase.add_argument("--by", default=None, help="who asks (default ops:<user>)")
    listed = person.add_parser("erasures", help="every erasure of the school")
    rule = person.add_parser(
        "retention",
        help="the retention rule: erase whoever is due now (--dry-run: only list them)",
        description=(
            "Erase the personal data of the pupils who left the school more than"
            " JOURNAL_RETENTION__LEAVER_YEARS years ago (as the journal's daily run does)."
            " --dry-run lists them and why, erasing nothing."
        ),
    )
    rule.add_argument("--dry-run", action="store_true", help="list, erase nothing")
    rule.add_argument(
        "--leaver-years", type=int, default=None, help="this rule instead of the configured one"
    )
    for parser in (erase, listed, rule):
        parser.add_argument("--school", default=None, help="default: the only school known")
        _json_option(parser)
        parser.set_defaults(handler=_handler("person_command"))


def _add_archive(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    archive = _group(commands, "archive", "the printed archive of the journal")
    year = archive.add_parser(
        "year",
        help="every class's journal of a school year as PDF, with a manifest (SHA-256)",
        description=(
            "Write archive-<year>-<class>.pdf per class (the journal as it would be bound:"
            " marks, topics, period and final marks, corrections after closing with their"
            " reasons), manifest.json and SHA256SUMS into the folder; `sha256sum -c"
            " SHA256SUMS` there checks them later. The same journal gives the same bytes."
        ),
    )
    year.add_argument("--out", type=Path, required=True, help="the folder to write into")
    year.add_argument("--school", default=None, help="default: the only school known")
    year.add_argument("--year", type=int, default=None, help="default: the current school year")
    _json_option(year)
    year.set_defaults(handler=_handler("archive_command"))


def _add_token(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mint = _group(commands, "token", "development tokens").add_parser(
        "mint", help="print a development token signed with JOURNAL_AUTH__DEV_SECRET"
    )
    mint.add_argument("--sub", required=True, help="user id (the token's subject)")
    mint.add_argument(
        "--role", action="append", required=True, choices=sorted(ROLES), help="repeat for more"
    )
    mint.add_argument("--school", required=True, help="school id")
    mint.add_argument("--uid", type=int, default=None, help="portal UID (portal users)")
    mint.add_argument("--ttl-hours", type=float, default=12.0, help="lifetime (default 12)")
    _json_option(mint)
    mint.set_defaults(handler=_handler("token_command"))


def build_parser() -> argparse.ArgumentParser:
    """The whole command line."""
    parser = argparse.ArgumentParser(
        prog="python -m deploy.ops",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=DEFAULT_STATE_DIR,
        help="the launcher's state folder, for settings not in the environment (default .local)",
    )
    commands = parser.add_subparsers(dest="group", required=True, metavar="COMMAND")
    _add_demo(commands)
    _add_export(commands)
    _add_projection(commands)
    status = commands.add_parser(
        "status",
        help="streams, consumers and their lag, dead letters, last export runs (exit 0 well,"
        " 1 needs attention, 2 unreachable)",
        description=(
            "Streams (messages, bytes, first/last seq), consumers with their lag, dead letters"
            " per service schema and the last export runs per school and year, as tables."
            " Exit 0: all is well; 1: a dead letter or a failed last export run; 2: NATS or a"
            " configured database could not be reached."
        ),
    )
    _json_option(status)
    status.set_defaults(handler=_handler("status_command"))
    _add_audit(commands)
    _add_person(commands)
    _add_archive(commands)
    _add_token(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, complete the configuration, run one command; its exit code."""
    args = build_parser().parse_args(argv)
    from deploy.ops import env  # noqa: PLC0415 - after parsing: `--help` does without it
    from services.common.logging import configure_command_logging  # noqa: PLC0415 - likewise

    configure_command_logging()
    env.complete_environment(args.state_dir)
    handler: Handler = args.handler
    return handler(args)
