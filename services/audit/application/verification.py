"""Verifying a stream: walk it from sequence 1 and report every broken link, gap and anchor
that does not match, with its position (`services.audit.domain.chain`).

The ports it needs are declared here (`StreamSource`, `AnchorStore`) and bundled in
`Integrity`, which the composition root builds (`services.audit.adapters.stream_walk`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from contracts import subjects
from contracts.audit import CHAINED_STREAMS, DailyAnchor
from contracts.streams import AUDIT, AUDITED_STREAMS
from services.audit.domain.anchors import Signer, check_anchors
from services.audit.domain.chain import Message, Problem, Verifier
from services.common.text_repair import has_unstorable_text

_ANCHORED = frozenset(spec.name for spec in AUDITED_STREAMS)
"""The streams the anchoring runs seal (the AUDIT stream holds the anchors themselves)."""

Progress = Callable[[int, int], None]
"""Called now and then with (sequence reached, the stream's last sequence)."""
ProblemSink = Callable[[Problem], None]


class StreamSource(Protocol):
    """Reading a stream in order, every message, from sequence 1."""

    async def last_seq(self, stream: str) -> int:
        """The stream's last sequence now (0 when empty or missing)."""
        ...

    async def read(
        self,
        stream: str,
        handle: Callable[[Message], None],
        *,
        subject: str | None = None,
        strip_prefix: str = "",
        progress: Progress | None = None,
    ) -> int:
        """Call `handle` with every message (matching `subject`) up to the stream's last
        sequence as of the call, in order, subjects stripped of `strip_prefix`; answer that
        last sequence."""
        ...


class AnchorStore(Protocol):
    """The AUDIT stream's anchors."""

    async def prepare(self) -> None:
        """Create the AUDIT stream if it is missing (the audit service is its only writer)."""
        ...

    async def anchors(self, school: str | None = None) -> list[DailyAnchor]:
        """Every anchor (of the school), in the order written."""
        ...

    async def publish(self, anchor: DailyAnchor, subject: str) -> bool:
        """Write a signed anchor once on `subject` (`domain.chain.anchor_subject`); False when
        the subject holds one already."""
        ...


@dataclass(frozen=True, slots=True)
class Integrity:
    """What verification and anchoring run with: the streams, the anchors, the keys.

    `signer` is None where no signing key is configured (verification still runs). `keys` are
    the public keys anchors may be signed with (key id -> raw 32 bytes), the signer's included.
    """

    source: StreamSource
    store: AnchorStore
    signer: Signer | None = None
    keys: Mapping[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a verification of one stream."""

    stream: str
    school: str | None
    events: int
    subjects: int
    last_seq: int
    anchors: int
    problems: tuple[Problem, ...]
    problem_count: int
    seconds: float
    chained: bool
    signatures_checked: bool
    unstorable_text: int = 0
    """Events whose stored body holds text PostgreSQL cannot store (each also a problem)."""
    not_anchored: int = 0
    """Events after their school's last anchor (not a problem): until the next anchoring run
    (hourly) only the Prev-Hash chain protects them, and it cannot catch an altered last
    event of a subject."""

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return self.problem_count == 0 and self.unstorable_text == 0


@dataclass(frozen=True, slots=True)
class Scope:
    """What to verify: a stream (or a copy of one standing for `as_stream`), a school's part of
    it, or only the subjects matching `subject` (then no gaps or anchors can be checked)."""

    stream: str
    school: str | None = None
    subject: str | None = None
    as_stream: str | None = None
    strip_prefix: str = ""

    @property
    def audited(self) -> str:
        """The stream whose history this is (the original of a copy)."""
        return self.as_stream or self.stream


async def verify(
    integrity: Integrity,
    scope: Scope,
    *,
    anchors: Sequence[DailyAnchor] | None = None,
    on_problem: ProblemSink | None = None,
    progress: Progress | None = None,
) -> Report:
    """Walk the stream once and report what is wrong, each problem as it is found.

    `anchors`: those to check the stream against; None loads them from the AUDIT stream
    (the school's, or all), `()` checks none.
    """
    started = time.perf_counter()
    if anchors is None:
        anchors = [] if scope.subject else await integrity.store.anchors(scope.school)
    own = [a for a in anchors if a.stream == scope.audited]
    verifier = Verifier(
        scope.audited,
        school=scope.school,
        chained=scope.audited in CHAINED_STREAMS or scope.audited == AUDIT.name,
        check_gaps=scope.subject is None,
        anchors=() if scope.subject else own,
        anchored=scope.subject is None and scope.audited in _ANCHORED,
    )
    sink = on_problem or _ignore
    anchor_problems = check_anchors(own, integrity.keys or None)
    verifier.problem_count += len(anchor_problems)
    verifier.problems.extend(anchor_problems)
    for problem in anchor_problems:
        sink(problem)

    text = _TextCheck(verifier, sink, scope.school)

    def handle(message: Message) -> None:
        for problem in verifier.add(message):
            sink(problem)
        text.check(message)

    last_seq = await integrity.source.read(
        scope.stream,
        handle,
        subject=scope.subject,
        strip_prefix=scope.strip_prefix,
        progress=progress,
    )
    for problem in verifier.finish(last_seq):
        sink(problem)
    return Report(
        stream=scope.stream,
        school=scope.school,
        events=verifier.checked,
        subjects=verifier.subjects,
        last_seq=last_seq,
        anchors=0 if scope.subject else len(own),
        problems=tuple(verifier.problems),
        problem_count=verifier.problem_count,
        seconds=time.perf_counter() - started,
        chained=verifier.chained,
        # Signatures are the anchors': with none yet (a fresh install), none was checked.
        signatures_checked=bool(integrity.keys) and bool(own),
        unstorable_text=text.count,
        not_anchored=verifier.not_anchored,
    )


@dataclass(slots=True)
class _TextCheck:
    """Finds the events whose body holds a NUL or a lone surrogate in a string: stored before
    the contracts refused them, applied by the projections only after a repair (U+FFFD, in
    `text_repairs`). Each is a problem `unstorable_text`, counted apart too."""

    verifier: Verifier
    sink: ProblemSink
    school: str | None
    count: int = 0

    def check(self, message: Message) -> None:
        """Note the message if its body holds text PostgreSQL cannot store."""
        if self.school is not None and subjects.school_of(message.subject) != self.school:
            return
        if not has_unstorable_text(message.body):
            return
        self.count += 1
        problem = Problem(
            "unstorable_text",
            message.seq,
            "a string holds NUL or a lone surrogate: projections apply it with U+FFFD",
            message.subject,
        )
        self.verifier.problem_count += 1
        if len(self.verifier.problems) < self.verifier.keep:
            self.verifier.problems.append(problem)
        self.sink(problem)


def _ignore(_problem: Problem) -> None:
    """No one listens for problems as they are found."""
