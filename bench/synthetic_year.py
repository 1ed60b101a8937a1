"""A synthetic school year on the JOURNAL stream, of any size (a million events and more).

Publishes valid journal events (the contract models, the envelope, the `Prev-Hash` chain) for a
big school over a whole year, straight to JetStream without the journal's handlers: what the
stream would hold after a year of real use, produced in a minute instead of hours. Each lesson
is scheduled, saved as a whole class (held, topic, homework, marks, attendance), then receives
marks one by one, reasons of absences, and now and then a correction, a cancellation or a
substitution. Deterministic for a seed.

    uv run python -m bench.synthetic_year --nats-url nats://127.0.0.1:4222 --events 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from nats.js import JetStreamContext

from contracts import subjects
from contracts.base import Event
from contracts.chain import GENESIS_HASH, event_hash
from contracts.envelope import (
    HEADER_CORRELATION_ID,
    HEADER_EVENT_TYPE,
    HEADER_MSG_ID,
    HEADER_PREV_HASH,
    HEADER_SCHEMA_VERSION,
)
from contracts.journal import (
    AbsenceEntry,
    AbsenceReasonSet,
    ClassOpened,
    HomeworkSet,
    LessonEntriesSaved,
    LessonScheduled,
    MarkCancelled,
    MarkCorrected,
    MarkEntry,
    MarkRecorded,
    MarkScaleConfigured,
    PupilJoinedClass,
    PupilRegistered,
    SchoolYearOpened,
    StaffMemberRegistered,
    SubjectDefined,
    TeacherSubstituted,
    TeachingAssigned,
    WorkKindsConfigured,
)
from contracts.streams import JOURNAL
from demo.dates import is_school_day, quarters, year_span
from demo.names import NamePicker
from services.common.jetstream import connect, ensure_stream
from services.journal.domain.school import DEFAULT_SCALE, DEFAULT_WORK_KINDS

SUBJECTS = (
    ("math", "Математика"),
    ("rus", "Русский язык"),
    ("lit", "Литература"),
    ("eng", "Английский язык"),
    ("hist", "История"),
    ("bio", "Биология"),
    ("phys", "Физика"),
    ("geo", "География"),
)
LESSONS_PER_DAY = 6
PUPILS_PER_CLASS = 28
_WEIGHTS = {kind.work_kind_id: kind.weight for kind in DEFAULT_WORK_KINDS}
_IN_FLIGHT = 2_000  # publishes awaiting their acknowledgement


@dataclass
class _Subject:
    """One aggregate's chain: its last hash and how many events it has."""

    last_hash: str = GENESIS_HASH


@dataclass
class SyntheticYear:
    """What to generate: `classes` classes over the whole year, about `events` events."""

    school: str = "big"
    year: int = 2026
    classes: int = 110
    seed: int = 2026
    chains: dict[str, _Subject] = field(default_factory=dict)
    pupil_names: list[str] = field(default_factory=list)
    _rng: random.Random | None = field(default=None, repr=False)
    _next_day: dt.date = field(default=dt.date.min, repr=False)

    def envelope(
        self, subject: str, event: Event, occurred_at: dt.datetime
    ) -> tuple[bytes, dict[str, str]]:
        """Body and headers of the next event on `subject`, chained to the previous one."""
        chain = self.chains.setdefault(subject, _Subject())
        event_id = str(uuid.uuid4())
        body = json.dumps(
            {
                "event_id": event_id,
                "event_type": event.event_type,
                "schema_version": event.schema_version,
                "occurred_at": occurred_at.isoformat(),
                "actor": {"id": "adm1", "role": "admin"},
                "school": self.school,
                "year": self.year,
                "correlation_id": event_id,
                "causation_id": event_id,
                "data": event.model_dump(mode="json"),
            },
            ensure_ascii=False,
        ).encode()
        headers = {
            HEADER_MSG_ID: event_id,
            HEADER_EVENT_TYPE: event.event_type,
            HEADER_SCHEMA_VERSION: str(event.schema_version),
            HEADER_PREV_HASH: chain.last_hash,
            HEADER_CORRELATION_ID: event_id,
        }
        chain.last_hash = event_hash(chain.last_hash, subject, event.event_type, body)
        return body, headers

    def events(self, target: int) -> Iterator[tuple[str, Event, dt.datetime]]:
        """(subject, event, time) in publication order, stopping after about `target` events.

        Stops at the end of a school day; `next_days` continues with the following ones.
        """
        self._rng = random.Random(self.seed)
        start, end = year_span(self.year)
        at = dt.datetime.combine(start, dt.time(8), tzinfo=dt.UTC) - dt.timedelta(days=7)
        yield from self._roster(self._rng, start, end, at)
        count = 0
        self._next_day = start
        while self._next_day <= end and count < target:
            for item in self._school_day():
                count += 1
                yield item

    def next_days(self, days: int = 1) -> Iterator[tuple[str, Event, dt.datetime]]:
        """The next `days` school days after those `events` (or earlier calls) generated."""
        if self._rng is None:
            msg = "next_days continues a year: generate it with events() first"
            raise RuntimeError(msg)
        _, end = year_span(self.year)
        done = 0
        while self._next_day <= end and done < days:
            school_day = is_school_day(self.year, self._next_day)
            yield from self._school_day()
            done += school_day

    def _school_day(self) -> Iterator[tuple[str, Event, dt.datetime]]:
        """The events of `_next_day` (none on a day off); moves `_next_day` on by one day."""
        day, self._next_day = self._next_day, self._next_day + dt.timedelta(days=1)
        if self._rng is None or not is_school_day(self.year, day):
            return
        at = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
        for subject, event in self._day(self._rng, day):
            yield subject, event, at

    def _roster(
        self, rng: random.Random, start: dt.date, end: dt.date, at: dt.datetime
    ) -> Iterator[tuple[str, Event, dt.datetime]]:
        school = subjects.school_config(self.year, self.school)
        yield (
            school,
            SchoolYearOpened(
                school_name="Синтетическая школа",
                starts_on=start,
                ends_on=end,
                periods=quarters(self.year),
            ),
            at,
        )
        yield school, MarkScaleConfigured(scale_id="five", values=DEFAULT_SCALE), at
        yield school, WorkKindsConfigured(kinds=DEFAULT_WORK_KINDS), at
        for subject_id, name in SUBJECTS:
            yield school, SubjectDefined(subject_id=subject_id, name=name), at
        names = NamePicker(rng)
        for class_no in range(self.classes):
            class_id = f"c{class_no:03d}"
            for subject_id, _ in SUBJECTS:
                staff_id = self._teacher(class_no, subject_id)
                if class_no % 4 == 0:  # each teacher has four classes
                    yield (
                        subjects.staff_member(self.year, self.school, staff_id),
                        (
                            StaffMemberRegistered(
                                staff_id=staff_id, full_name=names.adult("f"), position="учитель"
                            )
                        ),
                        at,
                    )
            klass = subjects.school_class(self.year, self.school, class_id)
            yield (
                klass,
                ClassOpened(
                    class_id=class_id,
                    grade=1 + class_no % 11,
                    label=f"{1 + class_no % 11}-{class_no}",
                    class_teacher_id=self._teacher(class_no, SUBJECTS[class_no % len(SUBJECTS)][0]),
                ),
                at,
            )
            for subject_id, _ in SUBJECTS:
                yield (
                    klass,
                    TeachingAssigned(
                        teacher_id=self._teacher(class_no, subject_id), subject_id=subject_id
                    ),
                    at,
                )
            for pupil_id in self._pupils(class_no):
                name = names.child("m" if rng.random() < 0.5 else "f")
                self.pupil_names.append(name)
                yield (
                    subjects.pupil(self.year, self.school, pupil_id),
                    PupilRegistered(
                        pupil_id=pupil_id, full_name=name, birth_date=dt.date(self.year - 10, 3, 1)
                    ),
                    at,
                )
                yield klass, PupilJoinedClass(pupil_id=pupil_id, since=start), at

    def _day(self, rng: random.Random, day: dt.date) -> Iterator[tuple[str, Event]]:
        for class_no in range(self.classes):
            class_id = f"c{class_no:03d}"
            pupils = self._pupils(class_no)
            for slot in range(1, LESSONS_PER_DAY + 1):
                subject_id = SUBJECTS[(day.toordinal() + slot + class_no) % len(SUBJECTS)][0]
                lesson_id = f"{class_id}-{day:%Y%m%d}-{slot}"
                subject = subjects.lesson(self.year, self.school, class_id, lesson_id)
                yield from self._lesson(
                    rng,
                    subject,
                    lesson_id=lesson_id,
                    class_no=class_no,
                    subject_id=subject_id,
                    day=day,
                    slot=slot,
                    pupils=pupils,
                )

    def _lesson(  # noqa: PLR0913 - one lesson's coordinates
        self,
        rng: random.Random,
        subject: str,
        *,
        lesson_id: str,
        class_no: int,
        subject_id: str,
        day: dt.date,
        slot: int,
        pupils: list[str],
    ) -> Iterator[tuple[str, Event]]:
        teacher = self._teacher(class_no, subject_id)
        yield (
            subject,
            LessonScheduled(
                lesson_id=lesson_id,
                class_id=f"c{class_no:03d}",
                subject_id=subject_id,
                date=day,
                slot=slot,
                teacher_id=teacher,
            ),
        )
        if rng.random() < 0.01:
            yield (
                subject,
                TeacherSubstituted(
                    substitute_id=self._teacher(class_no + 1, subject_id), reason="болезнь"
                ),
            )
        absent = rng.sample(pupils, 2)
        marks = [
            self._mark(rng, lesson_id, pupil, n) for n, pupil in enumerate(rng.sample(pupils, 3))
        ]
        yield (
            subject,
            LessonEntriesSaved(
                topic=f"Тема урока {day:%d.%m}",
                homework=HomeworkSet(
                    text="§ 12, упражнения 3-5", due_on=day + dt.timedelta(days=2)
                ),
                marks=tuple(marks),
                attendance=tuple(AbsenceEntry(pupil_id=p, kind="absent") for p in absent),
            ),
        )
        for n, pupil in enumerate(rng.sample(pupils, 6), start=len(marks)):
            yield subject, MarkRecorded(mark=self._mark(rng, lesson_id, pupil, n))
        yield subject, AbsenceReasonSet(pupil_id=absent[0], reason="illness")
        if rng.random() < 0.3:
            yield (
                subject,
                MarkCorrected(
                    mark_id=marks[0].mark_id,
                    value="4",
                    work_kind_id=marks[0].work_kind_id,
                    weight=marks[0].weight,
                    reason="пересчёт",
                ),
            )
        if rng.random() < 0.2:
            yield subject, MarkCancelled(mark_id=marks[1].mark_id, reason="ошибка")

    def _mark(self, rng: random.Random, lesson_id: str, pupil: str, n: int) -> MarkEntry:
        kind = rng.choice(tuple(_WEIGHTS))
        return MarkEntry(
            mark_id=f"m-{lesson_id}-{n}",
            pupil_id=pupil,
            value=rng.choice("2345"),
            work_kind_id=kind,
            weight=Decimal(_WEIGHTS[kind]),
        )

    def _pupils(self, class_no: int) -> list[str]:
        return [f"s{class_no:03d}-{n:02d}" for n in range(PUPILS_PER_CLASS)]

    @staticmethod
    def _teacher(class_no: int, subject_id: str) -> str:
        return f"t-{subject_id}-{class_no // 4:02d}"


async def publish(js: JetStreamContext, year: SyntheticYear, target: int) -> int:
    """Publish about `target` events (plus the roster) with many acknowledgements in flight."""
    return await publish_events(js, year, year.events(target))


async def publish_days(js: JetStreamContext, year: SyntheticYear, days: int = 1) -> int:
    """Publish the next `days` school days of a year already published with `publish`."""
    return await publish_events(js, year, year.next_days(days))


async def publish_events(
    js: JetStreamContext,
    year: SyntheticYear,
    events: Iterable[tuple[str, Event, dt.datetime]],
) -> int:
    """Publish `events` in order (chained by `year`), many acknowledgements in flight."""
    await ensure_stream(js, JOURNAL)
    pending: set[asyncio.Future[object]] = set()
    count = 0
    for subject, event, at in events:
        body, headers = year.envelope(subject, event, at)
        pending.add(asyncio.ensure_future(js.publish(subject, body, headers=headers)))
        count += 1
        if len(pending) >= _IN_FLIGHT:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                future.result()
    if pending:
        for future in asyncio.as_completed(pending):
            await future
    return count


async def _main(args: argparse.Namespace) -> None:
    nc = await connect(args.nats_url, name="synthetic-year")
    try:
        started = time.perf_counter()
        year = SyntheticYear(school=args.school, year=args.year, classes=args.classes)
        count = await publish(nc.jetstream(), year, args.events)
        seconds = time.perf_counter() - started
        print(
            json.dumps(
                {
                    "events": count,
                    "seconds": round(seconds, 1),
                    "per_second": round(count / seconds),
                }
            )
        )
    finally:
        await nc.drain()


def main(argv: list[str] | None = None) -> None:
    """Publish a synthetic year to the NATS server given."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nats-url", required=True)
    parser.add_argument("--school", default="big")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--classes", type=int, default=110)
    parser.add_argument("--events", type=int, default=1_000_000)
    asyncio.run(_main(parser.parse_args(argv)))


if __name__ == "__main__":
    main(sys.argv[1:])
