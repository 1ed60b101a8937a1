"""Verifying a stream from its messages in order: chains, sequences, time and signed anchors.

`Verifier` is fed the messages of one stream in stream order (`add`), then closed (`finish`
with the stream's last sequence). It reports every problem with its position:

- `broken_link`: an event's `Prev-Hash` is not the hash of the previous event on its subject.
  The event named before it was altered, or events between the two were removed (or this one
  was altered in its `Prev-Hash`). Reported at the event whose link breaks; `previous_seq` is
  the event it should have linked to.
- `reordered`: two events of one subject whose links fit each other's places: a swap. Reported
  beside the two broken links it explains.
- `gap`: stream sequences missing between two messages, or after the last one up to the
  stream's last sequence. JetStream never reuses or skips a sequence (and our streams deny
  deletes), so a missing one is a removed event.
- `sequence_order`: a sequence not above the previous one (only a hand-made copy can do that).
- `time_backwards`: a message stamped earlier than the one before it in the stream.
- `anchor_mismatch` / `unanchored`: against the signed anchors (`DailyAnchor`), the
  events of an anchored sequence range whose count or digest differ from the anchor, and
  events of a school found between its anchored ranges. These catch alteration, removal,
  insertion and reordering even when whoever tampered recomputed the whole chain.

Events after their school's last anchor are not a problem but are counted (`not_anchored`):
until the next anchoring run seals them only the chain protects them, and the chain cannot
tell an altered last event of a subject (no later event names its hash yet).

Memory stays bounded by the number of subjects: the last hash and sequence of each subject,
the digests of the anchors open at the current position (one per school), and the first
`keep` problems (the rest are counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from contracts import envelope as hdr
from contracts import subjects
from contracts.audit import AnchorDigest, DailyAnchor
from contracts.chain import GENESIS_HASH, event_hash

MISSING = "(missing)"


@dataclass(frozen=True, slots=True)
class Message:
    """One stream message as read: its position, subject, headers, body and server time."""

    seq: int
    subject: str
    headers: Mapping[str, str]
    body: bytes
    time: dt.datetime


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the stream, where it is.

    `seq` is the position (for a gap, the first missing sequence; for an anchor, the first
    sequence of its range) and `last_seq` the end of a range (gaps, anchors, swaps).
    """

    kind: str
    seq: int
    detail: str
    subject: str | None = None
    last_seq: int | None = None
    previous_seq: int | None = None
    expected: str | None = None
    found: str | None = None


def anchor_subject(anchor: DailyAnchor, previous: DailyAnchor | None) -> str:
    """The AUDIT subject of an anchor: a day's first anchor has the day's subject (as every
    anchor had when anchors were daily), a later one of the same day also its first sequence.
    `previous` is the anchor before it of the same school and stream."""
    continued = previous is not None and previous.day == anchor.day
    first = anchor.first_seq if continued else None
    return subjects.audit_anchor(
        anchor.school, anchor.stream, anchor.day.isoformat(), continues_at=first
    )


@dataclass(slots=True)
class _Link:
    """A subject's chain head, and the last break on it while the next event may explain it."""

    hash: str
    seq: int
    break_expected: str | None = None
    break_found: str | None = None
    break_seq: int = 0


@dataclass(slots=True)
class _Range:
    """The anchors of one school (in sequence order) and the digest of the open one."""

    anchors: list[DailyAnchor]
    index: int = 0
    digest: AnchorDigest = field(default_factory=AnchorDigest)


@dataclass(slots=True)
class Verifier:
    """The state of a verification walk over one stream (see the module's docstring).

    `school` limits the chain and anchor checks to one school's subjects (sequence gaps are
    the stream's and are checked whatever the school). `check_gaps` is off for a walk over a
    subject filter, whose sequences skip the other subjects by nature. `chained` is off for a
    stream whose writers do not chain (`contracts.audit.CHAINED_STREAMS`). `anchored` says
    that anchoring covers the stream, so events past their school's last anchor are counted
    in `not_anchored`.
    """

    stream: str
    school: str | None = None
    chained: bool = True
    check_gaps: bool = True
    anchors: Iterable[DailyAnchor] = ()
    keep: int = 1000
    anchored: bool = False
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    checked: int = 0
    not_anchored: int = 0
    last_seq: int = 0
    _heads: dict[str, _Link] = field(default_factory=dict)
    _ranges: dict[str, _Range] = field(default_factory=dict)
    _last_time: dt.datetime | None = None

    def __post_init__(self) -> None:
        by_school: dict[str, list[DailyAnchor]] = {}
        for anchor in self.anchors:
            if anchor.stream == self.stream and self.school in (None, anchor.school):
                by_school.setdefault(anchor.school, []).append(anchor)
        self._ranges = {
            school: _Range(sorted(found, key=lambda a: a.first_seq))
            for school, found in by_school.items()
        }

    @property
    def subjects(self) -> int:
        """How many subjects the walk has seen (of the school, when one is chosen)."""
        return len(self._heads)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return self.problem_count == 0

    def add(self, message: Message) -> list[Problem]:
        """Check the next message of the stream; answer the problems it shows."""
        found: list[Problem] = []
        self._check_position(message, found)
        school = subjects.school_of(message.subject)
        if self.school is None or school == self.school:
            own_hash = self._check_chain(message, found)
            if school is not None and school in self._ranges:
                self._check_anchored(school, message, own_hash, found)
            elif school is not None and self.anchored:
                self.not_anchored += 1  # the school has no anchor yet
            self.checked += 1
        if found:
            self._note(found)
        return found

    def finish(self, stream_last_seq: int) -> list[Problem]:
        """Close the walk at the stream's last sequence: trailing gap, anchors still open."""
        found: list[Problem] = []
        if self.check_gaps and stream_last_seq > self.last_seq:
            found.append(_gap(self.last_seq + 1, stream_last_seq))
        for school, state in self._ranges.items():
            while state.index < len(state.anchors):
                self._close(school, state, found)
        self._note(found)
        return found

    def _note(self, found: list[Problem]) -> None:
        self.problem_count += len(found)
        room = self.keep - len(self.problems)
        if room > 0:
            self.problems.extend(found[:room])

    def _check_position(self, message: Message, found: list[Problem]) -> None:
        seq = message.seq
        if seq <= self.last_seq:
            found.append(
                Problem(
                    "sequence_order",
                    seq,
                    f"sequence {seq} comes after {self.last_seq}",
                    message.subject,
                    previous_seq=self.last_seq,
                )
            )
        elif self.check_gaps and seq > self.last_seq + 1:
            found.append(_gap(self.last_seq + 1, seq - 1))
        if self._last_time is not None and message.time < self._last_time:
            found.append(
                Problem(
                    "time_backwards",
                    seq,
                    f"stamped {message.time.isoformat()}, before the previous message's "
                    f"{self._last_time.isoformat()}: moved from elsewhere in the stream",
                    message.subject,
                    previous_seq=self.last_seq,
                )
            )
        self.last_seq = max(seq, self.last_seq)
        self._last_time = max(message.time, self._last_time or message.time)

    def _check_chain(self, message: Message, found: list[Problem]) -> str:
        """Check the message's link, move its subject's head on, answer its own hash."""
        headers = message.headers
        prev = headers.get(hdr.HEADER_PREV_HASH)
        own = event_hash(
            prev or GENESIS_HASH,
            message.subject,
            headers.get(hdr.HEADER_EVENT_TYPE, ""),
            message.body,
        )
        head = self._heads.get(message.subject)
        if not self.chained:
            if head is None:  # counted, never checked
                self._heads[message.subject] = _Link(own, message.seq)
            return own
        expected = head.hash if head is not None else GENESIS_HASH
        if prev != expected:
            found.append(_broken(message, head, expected, prev))
            if head is not None and head.break_expected == prev and head.break_found == own:
                found.append(_swap(message.subject, head.break_seq, message.seq))
                # The pair is whole again; the chain goes on from the later of the two.
                head.seq, head.break_expected = message.seq, None
                return own
            self._heads[message.subject] = _Link(own, message.seq, expected, prev, message.seq)
        elif head is None:
            self._heads[message.subject] = _Link(own, message.seq)
        else:
            head.hash, head.seq, head.break_expected = own, message.seq, None
        return own

    def _check_anchored(
        self, school: str, message: Message, own: str, found: list[Problem]
    ) -> None:
        state = self._ranges[school]
        seq = message.seq
        while state.index < len(state.anchors) and state.anchors[state.index].last_seq < seq:
            self._close(school, state, found)
        if state.index >= len(state.anchors):
            if self.anchored:
                self.not_anchored += 1  # past the last anchor: not sealed yet
            return
        if state.anchors[state.index].first_seq <= seq:
            state.digest.add(seq, own)
        elif state.index > 0:
            found.append(
                Problem(
                    "unanchored",
                    seq,
                    "an event of the school between two anchored ranges: inserted",
                    message.subject,
                    previous_seq=state.anchors[state.index - 1].last_seq,
                )
            )

    def _close(self, school: str, state: _Range, found: list[Problem]) -> None:
        anchor = state.anchors[state.index]
        digest = state.digest
        if digest.count != anchor.count or digest.hexdigest() != anchor.digest:
            found.append(
                Problem(
                    "anchor_mismatch",
                    anchor.first_seq,
                    f"{school} {anchor.day.isoformat()}: {digest.count} event(s) in "
                    f"{anchor.first_seq}..{anchor.last_seq} where the signed anchor counts "
                    f"{anchor.count}; the digest differs: altered, removed, inserted or moved",
                    anchor_subject(anchor, state.anchors[state.index - 1] if state.index else None),
                    last_seq=anchor.last_seq,
                    expected=anchor.digest,
                    found=digest.hexdigest(),
                )
            )
        state.index += 1
        state.digest = AnchorDigest()


def _gap(first: int, last: int) -> Problem:
    count = last - first + 1
    return Problem(
        "gap",
        first,
        f"{count} sequence(s) {first}..{last} missing: removed from the stream",
        last_seq=last,
    )


def _broken(message: Message, head: _Link | None, expected: str, prev: str | None) -> Problem:
    before = f"the event at {head.seq}" if head is not None else "no event (the subject's first)"
    return Problem(
        "broken_link",
        message.seq,
        f"Prev-Hash does not name {before}: that one altered, or events between them removed",
        message.subject,
        previous_seq=head.seq if head is not None else None,
        expected=expected,
        found=prev or MISSING,
    )


def _swap(subject: str, first: int, second: int) -> Problem:
    return Problem(
        "reordered",
        first,
        f"the events at {first} and {second} fit each other's places: swapped",
        subject,
        last_seq=second,
    )
