"""`verify`, `anchor` and `keygen`: the tamper evidence on the command line, as JSON lines.

  verify [--stream S]... [--school X] [--subject F]   walk streams, one line per problem and
                                                      per stream; exit 1 when anything is wrong
  anchor [--school X] [--stream S]...                 seal what is not anchored yet, now
  keygen                                              a new signing key (AUDIT_SIGNING_KEY)

NATS from `AUDIT_NATS__URL` (or `--nats-url`); the key from `AUDIT_SIGNING_KEY`, `AUDIT_KEY_ID`
and `AUDIT_TRUSTED_KEYS` (`services.audit.application.anchoring.SigningSettings`). The
operator's table view of `verify` is `python -m deploy.ops audit verify`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
from dataclasses import asdict
from typing import Any

from contracts.streams import AUDIT, AUDITED_STREAMS
from services.audit.adapters.stream_walk import JetStreamAnchors, integrity_for
from services.audit.application.anchoring import SigningSettings, anchor_due
from services.audit.application.verification import Scope, verify
from services.audit.domain.anchors import Signer
from services.audit.domain.chain import Problem
from services.common.jetstream import connect
from services.common.logging import configure_logging

STREAMS = [spec.name for spec in AUDITED_STREAMS]
DEFAULT_NATS_URL = "nats://127.0.0.1:4222"


def _emit(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


async def run_verify(args: argparse.Namespace) -> int:
    """Verify each stream in turn; 1 when any problem was found."""
    signing = SigningSettings()
    nc = await connect(args.nats_url, name="audit-verify")
    total = 0
    try:
        integrity = integrity_for(nc.jetstream(), signing.signer(), signing.trusted_keys)
        for stream in args.stream or [*STREAMS, AUDIT.name]:

            def problem(p: Problem, stream: str = stream) -> None:
                _emit({"type": "problem", "stream": stream, **asdict(p)})

            scope = Scope(stream, school=args.school, subject=args.subject)
            report = await verify(integrity, scope, on_problem=problem)
            total += report.problem_count
            _emit(
                {
                    "type": "stream",
                    "stream": stream,
                    "ok": report.ok,
                    "events": report.events,
                    "subjects": report.subjects,
                    "anchors": report.anchors,
                    "problems": report.problem_count,
                    "not_anchored": report.not_anchored,
                    "seconds": round(report.seconds, 3),
                    "events_per_s": round(report.events / max(report.seconds, 1e-9)),
                }
            )
    finally:
        await nc.close()
    _emit({"type": "summary", "ok": total == 0, "problems": total})
    return 1 if total else 0


async def run_anchor(args: argparse.Namespace) -> int:
    """Publish the anchors of every event not anchored yet (the service does so hourly)."""
    signer = SigningSettings().signer()
    if signer is None:
        sys.stderr.write("AUDIT_SIGNING_KEY is not set: nothing can be signed\n")
        return 2
    nc = await connect(args.nats_url, name="audit-anchor")
    try:
        js = nc.jetstream()
        await JetStreamAnchors(js).prepare()
        integrity = integrity_for(js, signer)
        run = await anchor_due(integrity, streams=args.stream or STREAMS, school=args.school)
    finally:
        await nc.close()
    for subject, anchor in run.anchors:
        _emit({"type": "anchor", "subject": subject, **anchor.model_dump(mode="json")})
    _emit({"type": "anchored", "written": run.written, "key_id": signer.key_id})
    return 0


def keygen() -> int:
    """Print a fresh signing key seed, its key id and public key."""
    seed = os.urandom(32)
    signer = Signer(seed)
    _emit(
        {
            "AUDIT_SIGNING_KEY": base64.b64encode(seed).decode(),
            "AUDIT_KEY_ID": signer.key_id,
            "public_key": base64.b64encode(signer.public_key).decode(),
        }
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="audit", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nats-url", default=os.environ.get("AUDIT_NATS__URL", DEFAULT_NATS_URL))
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("verify", help="walk streams and report every problem")
    check.add_argument("--stream", action="append", help=f"repeat; default {STREAMS} and AUDIT")
    check.add_argument("--school", default=None, help="only this school's chains and anchors")
    check.add_argument("--subject", default=None, help="only subjects matching this filter")
    anchor = commands.add_parser("anchor", help="sign and publish what is not anchored yet")
    anchor.add_argument("--school", default=None, help="only this school's events")
    anchor.add_argument("--stream", action="append", help=f"repeat; default {STREAMS}")
    commands.add_parser("keygen", help="print a new Ed25519 signing key for AUDIT_SIGNING_KEY")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse and run one command; its exit code."""
    args = build_parser().parse_args(argv)
    configure_logging(json=True)  # logs go to stderr: stdout carries the JSON answers
    if args.command == "keygen":
        return keygen()
    if args.command == "anchor":
        return asyncio.run(run_anchor(args))
    return asyncio.run(run_verify(args))


if __name__ == "__main__":
    sys.exit(main())
