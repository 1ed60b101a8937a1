"""`ops audit verify|anchor`: the audit service's verification of a stream (with a progress
bar), and its anchoring run on demand.

The work is the audit service's (`services.audit.application.verification.verify`): it walks
the stream from sequence 1 with an ordered consumer, checks every subject's Prev-Hash chain
(`contracts.chain.event_hash`; the first event names `GENESIS_HASH`), the stream's sequences
(a missing one is a removed event) and time, and the signed daily anchors of the AUDIT stream
(a day whose events no longer match its digest). This module only connects, draws the progress
and prints the problems as a table.

A broken link is reported once, where it occurs: an event's own hash is computed from the
Prev-Hash it records, so the events after a tampered one are checked against it, as the event
store itself does when it loads an aggregate (`eventstore.decode_stored`). With `--subject`,
only the chains of the matching subjects are checked (their sequences skip the others', so no
gaps or anchors can be). Anchors' signatures are checked with the keys of `AUDIT_SIGNING_KEY`
and `AUDIT_TRUSTED_KEYS` when set. Events after their school's last anchor are counted: the
service seals them hourly, `anchor` at once (it needs `AUDIT_SIGNING_KEY`).
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict

from rich.console import Console
from rich.table import Table

from deploy.ops.connection import NatsUnreachable, connect_once
from deploy.ops.output import print_json, stdout_console
from services.audit.adapters.stream_walk import JetStreamAnchors, integrity_for
from services.audit.application.anchoring import AnchorRun, SigningSettings, anchor_due
from services.audit.application.verification import Report, Scope
from services.audit.application.verification import verify as verify_stream
from services.common.progress import progress_bar


async def walk(url: str, stream: str, subject: str | None, console: Console) -> Report:
    """Verify the stream (or the subjects matching `subject`) up to its last sequence as of
    now; a progress bar follows the sequence."""
    signing = SigningSettings()
    nc = await connect_once(url, name="ops-audit")
    try:
        integrity = integrity_for(nc.jetstream(), signing.signer(), signing.trusted_keys)
        with progress_bar(console) as bar:
            task = bar.add_task(f"{stream} {subject or ''}".rstrip(), total=None)

            def advance(seq: int, last: int) -> None:
                bar.update(task, completed=min(seq, last), total=last)

            return await verify_stream(integrity, Scope(stream, subject=subject), progress=advance)
    finally:
        await nc.close()


def report(result: Report, console: Console) -> int:
    """Print the problems as a table (or that every chain holds); 1 when anything is wrong."""
    stream = result.stream
    if result.ok:
        anchors = f", {result.anchors} anchor(s) match" if result.anchors else ""
        # DIARY is not hash-chained (the exporter publishes a batch's records concurrently):
        # only its sequence, order and anchors are checked.
        holds = "every chain links" if result.chained else "no gap, in order (not chained)"
        console.print(
            f"{stream}: {result.events} events on {result.subjects} subjects, {holds}{anchors}"
        )
        _not_anchored(result, console)
        return 0
    broken = sum(1 for p in result.problems if p.kind == "broken_link")
    others = result.problem_count - broken
    table = Table(title=f"{stream}: {broken} broken link(s), {others} other problem(s)")
    for column in ("problem", "seq", "subject", "expected prev", "found"):
        table.add_column(column, overflow="fold")
    for p in result.problems:
        seq = f"{p.seq}..{p.last_seq}" if p.last_seq and p.last_seq != p.seq else str(p.seq)
        table.add_row(p.kind, seq, p.subject or "", p.expected or "", p.found or "")
    console.print(table)
    for p in result.problems:
        console.print(f"  {p.kind} at {p.seq}: {p.detail}")
    if result.problem_count > len(result.problems):
        console.print(f"  … and {result.problem_count - len(result.problems)} more")
    console.print(f"{result.events} events on {result.subjects} subjects checked")
    _not_anchored(result, console)
    return 1


def _not_anchored(result: Report, console: Console) -> None:
    if result.not_anchored:
        console.print(
            f"{result.not_anchored} event(s) after their school's last anchor, sealed at the"
            " next hourly run (`ops audit anchor` seals them now)"
        )


def verify(url: str, stream: str, subject: str | None, *, as_json: bool = False) -> int:
    """`audit verify`: walk, report (`as_json`: the whole report as one JSON document), 0 when
    nothing is wrong, else 1; 2 when NATS cannot be reached."""
    try:
        result = asyncio.run(walk(url, stream, subject, Console(stderr=True)))
    except NatsUnreachable as error:
        Console(stderr=True).print(str(error))
        return 2
    if as_json:
        print_json({**asdict(result), "ok": result.ok})
        return 0 if result.ok else 1
    return report(result, stdout_console())


async def _anchor(url: str, school: str | None) -> AnchorRun | None:
    signer = SigningSettings().signer()
    if signer is None:
        return None
    nc = await connect_once(url, name="ops-audit-anchor")
    try:
        js = nc.jetstream()
        await JetStreamAnchors(js).prepare()
        return await anchor_due(integrity_for(js, signer), school=school)
    finally:
        await nc.close()


def anchor(url: str, school: str | None, *, as_json: bool = False) -> int:
    """`audit anchor`: seal every event not anchored yet now (`as_json`: what was written as one
    JSON document); 2 without a signing key or when NATS cannot be reached."""
    try:
        run = asyncio.run(_anchor(url, school))
    except NatsUnreachable as error:
        Console(stderr=True).print(str(error))
        return 2
    if run is None:
        Console(stderr=True).print("AUDIT_SIGNING_KEY is not set: nothing can be signed")
        return 2
    if as_json:
        anchors = [{"subject": s, **a.model_dump(mode="json")} for s, a in run.anchors]
        print_json({"written": run.written, "anchors": anchors})
        return 0
    table = Table(title=f"anchors written: {sum(run.written.values())}")
    for column in ("subject", "day", "seq", "events"):
        table.add_column(column, justify="right" if column == "events" else "left")
    for subject, a in run.anchors:
        table.add_row(subject, a.day.isoformat(), f"{a.first_seq}..{a.last_seq}", str(a.count))
    stdout_console().print(table)
    return 0
