"""What sealing a text that names a pupil costs one event, on the CPU: writing a whole-class save
(personal fields and named texts sealed, `services.common.keystore`) and reading it back as the
projectors do (`services.common.projector_batch`), with and without a topic and a comment that
name a pupil, beside a plain JSON parse of the same body measured in the same run.

    uv run python -m bench.named_texts [--events 3000] [--runs 5]

Keys in memory, no servers: the round trips to the key store are measured by `bench.write_path`.
Prints one JSON line (medians of the runs, microseconds per event).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import time
import uuid

from nats.aio.msg import Msg

from bench.harness import PUPIL_NAMES, PUPILS, SCHOOL, median
from contracts.envelope import Actor, Envelope
from contracts.journal import HomeworkSet, LessonEntriesSaved, MarkEntry
from contracts.registry import JOURNAL_REGISTRY
from services.common.keystore import keys_of_bodies, seal_payload
from services.common.keystore_memory import InMemoryKeyStore
from services.common.name_guard import RosterGuard
from services.common.named_sealing import seal_named_texts
from services.common.projector_batch import DeadLetter
from services.common.projector_decode import decode_batch


class _Roster:
    """The bench class's pupils as the journal's writer sees them."""

    def __init__(self) -> None:
        self._guard = RosterGuard(zip(PUPILS, PUPIL_NAMES, strict=True))

    async def guard(self, school: str) -> RosterGuard:
        return self._guard


def _save(naming: bool) -> LessonEntriesSaved:
    surname, first, _ = PUPIL_NAMES[3].split()
    marks = tuple(
        MarkEntry(
            mark_id=f"m{k}",
            pupil_id=PUPILS[k],
            value="54354"[k],
            work_kind_id="oral",
            weight=1,
            comment=f"{surname} {first[0]}. — молодец" if naming and k == 0 else None,
        )
        for k in range(5)
    )
    topic = f"Доклад: {first} {surname}" if naming else "Сложение дробей"
    return LessonEntriesSaved(topic=topic, homework=HomeworkSet(text="§3, упр. 1-3"), marks=marks)


def _body(event: LessonEntriesSaved, payload: dict[str, object]) -> bytes:
    envelope = Envelope(
        event_id=uuid.uuid4(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        occurred_at=dt.datetime.now(dt.UTC),
        actor=Actor(id="t-bench", role="teacher"),
        school=SCHOOL,
        year=2026,
        correlation_id="bench",
        causation_id="bench",
        data=payload,
    )
    return envelope.model_dump_json().encode()


def _message(seq: int, body: bytes, headers: dict[str, str]) -> Msg:
    """A message as a pull consumer delivers it (its reply subject carries the position)."""
    reply = f"$JS.ACK.JOURNAL.bench.1.{seq}.{seq}.1795918110657766920.0"
    subject = "jrn.2026.s1.9a.lesson.l1"
    return Msg(_client=None, subject=subject, reply=reply, data=body, headers=headers)  # type: ignore[arg-type]


async def _one_run(naming: bool, events: int) -> dict[str, float]:
    keys, roster, event = InMemoryKeyStore(), _Roster(), _save(naming)
    started = time.perf_counter()
    for _ in range(events):
        payload = await seal_payload(keys, SCHOOL, event)
        payload = await seal_named_texts(keys, roster, SCHOOL, type(event), payload)
    write_us = (time.perf_counter() - started) / events * 1e6
    body = _body(event, payload)
    headers = {"Event-Type": event.event_type, "Schema-Version": str(event.schema_version)}
    msgs = [_message(seq, body, headers) for seq in range(1, events + 1)]
    started = time.perf_counter()
    wanted = keys_of_bodies(m.data for m in msgs)
    batch = decode_batch(msgs, JOURNAL_REGISTRY, await keys.ring(wanted) if wanted else None)
    read_us = (time.perf_counter() - started) / events * 1e6
    decoded = sum(1 for item in batch.items if not isinstance(item, DeadLetter))
    if decoded != events:
        raise RuntimeError(f"{events - decoded} messages did not decode")
    started = time.perf_counter()
    for msg in msgs:
        json.loads(msg.data)
    parse_us = (time.perf_counter() - started) / events * 1e6
    return {"write_us": write_us, "read_us": read_us, "json_parse_us": parse_us, "bytes": len(body)}


def main() -> None:
    """Run the benchmark and print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result: dict[str, object] = {"bench": "named_texts", "events": args.events, "runs": args.runs}
    for naming in (False, True):
        runs = [asyncio.run(_one_run(naming, args.events)) for _ in range(args.runs)]
        result["naming" if naming else "plain"] = {
            k: round(median([r[k] for r in runs]), 1) for k in runs[0]
        }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
