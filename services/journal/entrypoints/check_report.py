"""The monthly check's report as a printable page (standalone HTML, Russian headings) and as
CSV. Every value is escaped: names, remark texts and notes are free text."""

from __future__ import annotations

import csv
import io
from html import escape

from services.journal.application.check_models import RemarkView, ShownStatus
from services.journal.application.check_reads import CheckReport, ReportRow

KIND_LABELS = {
    "no_topic": "не записана тема урока",
    "not_marked_held": "урок не отмечен проведённым или отменённым",
    "no_attendance": "не отмечена посещаемость",
    "absence_without_reason": "пропуск без причины",
    "no_homework": "не записано домашнее задание",
    "late_entry": "запись внесена позже дня урока",
}
STATUS_LABELS: dict[ShownStatus, str] = {
    "issued": "выдано",
    "resolved": "исправлено учителем",
    "fixed_automatically": "исправлено (автоматически)",
    "confirmed": "подтверждено",
    "reopened": "возвращено на доработку",
}
SCOPE_LABELS = {"school": "вся школа", "class": "класс", "teacher": "учитель"}
_GROUP = {"teacher": "Учитель", "class": "Класс"}
_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}"
    "th,td{border:1px solid #444;padding:4px 8px;text-align:left;vertical-align:top}"
    "@media print{body{margin:0}}"
)


def render_html(report: CheckReport) -> str:
    """The printable page."""
    check = report.check
    target = f" {check.target_id}" if check.target_id else ""
    title = f"Проверка журнала за {check.month}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ru"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(report.school_name or '')}. Охват: "
        f"{escape(SCOPE_LABELS[check.scope] + target)}. "
        f"Проверка {'закрыта' if check.closed else 'открыта'}.</p>",
        f"<h2>Сводка по {'учителям' if report.by == 'teacher' else 'классам'}</h2>",
        _summary_table(report),
    ]
    for row in report.rows:
        parts.append(f"<h2>{escape(_group_name(row))}</h2>")
        parts.append(_findings_table(row))
        parts.append(_remarks_table(row.remarks))
    parts.append("</body></html>")
    return "\n".join(parts)


def _group_name(row: ReportRow) -> str:
    if not row.key:
        return "Без класса"
    return f"{row.name} ({row.key})" if row.name else row.key


def _summary_table(report: CheckReport) -> str:
    head = [_GROUP[report.by], *SUMMARY_HEADINGS[2:]]  # the code is part of the name here
    lines = [_tr(head, cell="th")]
    lines += [_tr([_group_name(row), *map(str, _counts(row))]) for row in report.rows]
    return f"<table>{''.join(lines)}</table>"


def _findings_table(row: ReportRow) -> str:
    if not row.findings_now:
        return "<p>Нарушений сейчас нет.</p>"
    lines = [_tr(["Дата", "Урок", "Нарушение", "Подробности"], cell="th")]
    lines += [
        _tr([f"{f.date:%d.%m.%Y}", f.lesson_id or "", KIND_LABELS[f.kind], f.detail])
        for f in row.findings_now
    ]
    return f"<h3>Нарушения сейчас</h3><table>{''.join(lines)}</table>"


def _remarks_table(remarks: list[RemarkView]) -> str:
    if not remarks:
        return "<p>Замечаний нет.</p>"
    lines = [_tr(["Учитель", "Урок", "Замечание", "Состояние", "Ответ учителя"], cell="th")]
    for r in remarks:
        lesson = " ".join(
            x for x in (f"{r.lesson_date:%d.%m.%Y}" if r.lesson_date else "", r.class_label or "",
                        r.subject_name or "") if x
        )  # fmt: skip
        teacher = r.teacher_name or r.teacher_id
        lines.append(
            _tr([teacher, lesson, r.text, STATUS_LABELS[r.shown_status], r.resolve_note or ""])
        )
    return f"<h3>Замечания</h3><table>{''.join(lines)}</table>"


def _tr(cells: list[str], cell: str = "td") -> str:
    return "<tr>" + "".join(f"<{cell}>{escape(c)}</{cell}>" for c in cells) + "</tr>"


SUMMARY_HEADINGS = (
    "Группа",
    "Код",
    "Нарушений при открытии",
    "Нарушений сейчас",
    "Замечаний",
    *STATUS_LABELS.values(),
)


def _counts(row: ReportRow) -> list[int]:
    return [
        row.findings_at_opening,
        len(row.findings_now),
        len(row.remarks),
        *(row.count(status) for status in STATUS_LABELS),
    ]


def render_csv(report: CheckReport) -> str:
    """One line per teacher (or class): counts of findings and of remarks by status."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_GROUP[report.by], *SUMMARY_HEADINGS[1:]])
    for row in report.rows:
        writer.writerow([_cell(row.name or ""), _cell(row.key), *_counts(row)])
    return out.getvalue()


def _cell(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value
