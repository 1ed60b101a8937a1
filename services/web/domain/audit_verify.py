"""«Проверка целостности», its pure part: the audit's verification lines and signed anchors
folded into what the page says — all well or not, per stream, and each problem in words.

The audit streams a verification as lines (`problem`, `progress`, `stream`, then `summary`, or
`error` when it could not finish); a verification without its last line did not finish and is
never shown as well. Anchors are listed as the audit answers them; here they are summed up per
stream.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

SHOWN_PROBLEMS: Final = 200
"""Problems listed on the page (all are counted): beyond that, the CLI report is the tool."""
STREAMS: Final = {
    "JOURNAL": "журнал",
    "ENROLLMENT": "заявления и доступ",
    "DIARY": "выгрузка в дневник",
    "PORTAL": "портал",
    "AUDIT": "печати аудита",
}
PROBLEMS: Final = {
    "broken_link": "разрыв цепочки: событие изменено или удалено",
    "reordered": "события переставлены местами",
    "gap": "пропуск номеров: событие удалено",
    "sequence_order": "нарушен порядок номеров",
    "time_backwards": "время события раньше предыдущего",
    "anchor_mismatch": "события не совпадают с подписанной печатью",
    "unanchored": "события между печатями, не вошедшие ни в одну",
    "anchor_signature": "неверная подпись печати",
    "anchor_chain": "цепочка печатей нарушена: печать удалена или изменена",
    "anchor_order": "печати перекрываются или идут не по порядку",
    "unstorable_text": "в событии текст, который база данных не может сохранить",
}


@dataclass(frozen=True, slots=True)
class ProblemLine:
    """A problem found, where it is."""

    stream: str
    kind: str
    text: str
    seq: int
    last_seq: int | None
    subject: str
    detail: str


@dataclass(slots=True)
class StreamLine:
    """The verification of one stream."""

    stream: str
    name: str
    ok: bool = False
    events: int = 0
    anchors: int = 0
    not_anchored: int = 0
    problems: int = 0
    chained: bool = True
    signatures_checked: bool = True
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class Report:
    """The whole verification: `finished` only with its summary line; `ok` only then."""

    finished: bool = False
    ok: bool = False
    error: str = ""
    total: int = 0
    streams: list[StreamLine] = field(default_factory=list)
    problems: list[ProblemLine] = field(default_factory=list)


def report_of(lines: Iterable[Mapping[str, Any]]) -> Report:
    """Fold the verification's lines, in the order they came."""
    report = Report()
    kinds: dict[str, dict[str, int]] = {}
    for line in lines:
        kind = line.get("type")
        if kind == "problem":
            _problem(report, kinds, line)
        elif kind == "stream":
            report.streams.append(_stream(line, kinds.get(str(line.get("stream")), {})))
        elif kind == "summary":
            report.finished = True
            report.ok = bool(line.get("ok"))
            report.total = int(line.get("problems", 0))
        elif kind == "error":
            report.error = str(line.get("detail") or "проверка прервана")
    if report.error:
        report.finished, report.ok = False, False
    return report


def _problem(report: Report, kinds: dict[str, dict[str, int]], line: Mapping[str, Any]) -> None:
    stream, kind = str(line.get("stream")), str(line.get("kind"))
    counted = kinds.setdefault(stream, {})
    counted[kind] = counted.get(kind, 0) + 1
    if len(report.problems) < SHOWN_PROBLEMS:
        last = line.get("last_seq")
        report.problems.append(
            ProblemLine(
                stream=stream,
                kind=kind,
                text=PROBLEMS.get(kind, kind),
                seq=int(line.get("seq", 0)),
                last_seq=int(last) if last is not None else None,
                subject=str(line.get("subject") or ""),
                detail=str(line.get("detail") or ""),
            )
        )


def _stream(line: Mapping[str, Any], kinds: Mapping[str, int]) -> StreamLine:
    stream = str(line.get("stream"))
    return StreamLine(
        stream=stream,
        name=STREAMS.get(stream, stream),
        ok=bool(line.get("ok")),
        events=int(line.get("events", 0)),
        anchors=int(line.get("anchors", 0)),
        not_anchored=int(line.get("not_anchored", 0)),
        problems=int(line.get("problems", 0)),
        chained=bool(line.get("chained", True)),
        signatures_checked=bool(line.get("signatures_checked", True)),
        seconds=float(line.get("seconds", 0.0)),
        kinds={PROBLEMS.get(k, k): n for k, n in kinds.items()},
    )


@dataclass(frozen=True, slots=True)
class AnchorLine:
    """The signed anchors of one stream: how many, up to which day and event, any bad one."""

    stream: str
    name: str
    count: int
    last_day: dt.date | None
    last_seq: int
    invalid: int


def anchor_lines(anchors: Iterable[Mapping[str, Any]]) -> list[AnchorLine]:
    """The anchors summed up per stream, in the streams' usual order."""
    by_stream: dict[str, list[Mapping[str, Any]]] = {}
    for anchor in anchors:
        by_stream.setdefault(str(anchor.get("stream")), []).append(anchor)
    order = [s for s in STREAMS if s in by_stream] + sorted(set(by_stream) - set(STREAMS))
    lines: list[AnchorLine] = []
    for stream in order:
        listed = by_stream[stream]
        days = [dt.date.fromisoformat(str(a["day"])) for a in listed if a.get("day")]
        lines.append(
            AnchorLine(
                stream=stream,
                name=STREAMS.get(stream, stream),
                count=len(listed),
                last_day=max(days) if days else None,
                last_seq=max(int(a.get("last_seq", 0)) for a in listed),
                invalid=sum(1 for a in listed if not a.get("signature_valid", False)),
            )
        )
    return lines
