"""Reports as printable HTML pages (standalone, Russian headings, every value escaped) and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from html import escape
from zoneinfo import ZoneInfo

from services.audit.application.reports import AccessReport, Report
from services.audit.domain.present import Row, rows

KIND_TITLES = {"class": "класса", "teacher": "учителя", "pupil": "ученика"}
CHANGE_COLUMNS = (
    "Поток",
    "№",
    "Записано",
    "Время события",
    "Кто",
    "Роль",
    "Событие",
    "Что",
    "Поле",
    "Было",
    "Стало",
    "Причина",
)
ACCESS_COLUMNS = (
    "Кто",
    "Вид доступа",
    "UID",
    "Что видел",
    "С",
    "По",
    "Кто предоставил",
    "Основание",
    "Кто прекратил",
    "Причина прекращения",
)
_STYLE = (
    "body{font-family:sans-serif;font-size:11pt;margin:1.5em}"
    "table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #888;padding:3px 5px;vertical-align:top;text-align:left}"
    "th{background:#eee}@media print{body{margin:0}}"
)


def _moment(value: dt.datetime | None, zone: ZoneInfo) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _change_cells(row: Row, zone: ZoneInfo) -> tuple[str, ...]:
    return (
        row.stream,
        str(row.seq),
        _moment(row.recorded_at, zone),
        _moment(row.occurred_at, zone),
        row.actor,
        row.role,
        row.event_type,
        row.target,
        row.field,
        row.before,
        row.after,
        row.why,
    )


def _span(start: dt.datetime | None, end: dt.datetime | None, zone: ZoneInfo) -> str:
    first = "…" if start is None else start.astimezone(zone).date().isoformat()
    last = "…" if end is None else (end.astimezone(zone) - dt.timedelta(days=1)).date().isoformat()
    return f"{first} — {last}"


def _page(
    title: str, lines: Sequence[str], header: Sequence[str], body: Iterable[Sequence[str]]
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    trs = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>" for cells in body
    )
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        '<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>{paragraphs}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table></body></html>"
    )


def _csv(header: Sequence[str], body: Iterable[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def report_title(report: Report) -> str:
    """`Журнал изменений: отчёт ученика p1 (Иванов И.)`."""
    kind = "pupil" if report.kind == "pupil" else "staff"
    who = report.names.of(kind, report.subject_id) if report.kind != "class" else report.subject_id
    return f"Журнал изменений: отчёт {KIND_TITLES[report.kind]} {who}"


def report_html(report: Report, school: str, zone: ZoneInfo) -> str:
    """The audit report as a printable page."""
    lines = rows(report.entries, report.names)
    info = [
        f"Школа: {school}; учебный год {report.year}/{report.year + 1}",
        f"Период: {_span(report.start, report.end, zone)} (время: {zone.key})",
        f"Изменений: {len(lines)}",
    ]
    cells = [_change_cells(row, zone) for row in lines]
    return _page(report_title(report), info, CHANGE_COLUMNS, cells)


def report_csv(report: Report, zone: ZoneInfo) -> str:
    """The audit report as CSV (one change a line)."""
    lines = rows(report.entries, report.names)
    return _csv(CHANGE_COLUMNS, [_change_cells(row, zone) for row in lines])


def _access_cells(report: AccessReport, zone: ZoneInfo) -> list[tuple[str, ...]]:
    return [
        (
            p.who,
            p.kind,
            str(p.uid),
            p.scope,
            _moment(p.since, zone),
            _moment(p.until, zone) or "по настоящее время",
            p.granted_by,
            p.why,
            p.ended_by,
            p.end_reason,
        )
        for p in report.periods
    ]


def access_html(report: AccessReport, school: str, zone: ZoneInfo) -> str:
    """The personal-data access report as a printable page."""
    pupil = f"{report.pupil_id} ({report.pupil_name})" if report.pupil_name else report.pupil_id
    info = [
        f"Школа: {school}; ученик: {pupil}",
        f"Период: {_span(report.start, report.end, zone)} (время: {zone.key})",
        "Доступ родителей и ученика — по заявлениям (зачисление); сотрудников — по выданным "
        "правам на класс в электронном дневнике.",
    ]
    title = "Отчёт о доступе к персональным данным ученика"
    return _page(title, info, ACCESS_COLUMNS, _access_cells(report, zone))


def access_csv(report: AccessReport, zone: ZoneInfo) -> str:
    """The personal-data access report as CSV."""
    return _csv(ACCESS_COLUMNS, _access_cells(report, zone))
