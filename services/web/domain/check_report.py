"""The report of a monthly check, by teacher or by class: a table for the printable page and a
CSV file that a Russian spreadsheet opens as it is.

The rows are the check's findings (at opening and now) and remarks as the API answered them,
grouped and counted; a remark's state is the API's `shown_status`. The CSV is what Excel with
Russian regional settings expects from a double-clicked file: UTF-8 with a byte order mark
(otherwise it reads cp1251), `;` between fields (`,` is the decimal separator there), CRLF line
ends, fields quoted only where needed. A text cell that a spreadsheet would run as a formula
(`=`, `+`, `-`, `@` first) is written with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from services.web.domain.check_models import STATUS_LABELS, Check, Finding, Names, Remark
from services.web.domain.checks import GroupBy, natural_key

BOM: Final = "\ufeff"
GROUP_HEADINGS: Final = {"teacher": "Учитель", "class": "Класс"}
COUNT_HEADINGS: Final = (
    "Нарушений при открытии",
    "Нарушений сейчас",
    "Замечаний",
    *(f"Замечаний: {label}" for label in STATUS_LABELS.values()),
)
_FORMULA_STARTS: Final = frozenset({"=", "+", "-", "@", "\t", "\r"})


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One teacher's (or class's) part of the check."""

    key: str
    name: str
    at_opening: int
    now: tuple[Finding, ...]
    remarks: tuple[Remark, ...]

    def count(self, status: str) -> int:
        """How many of the group's remarks show this status."""
        return sum(1 for remark in self.remarks if remark.shown_status == status)

    @property
    def counts(self) -> tuple[int, ...]:
        """The numbers of the summary, in the order of `COUNT_HEADINGS`."""
        by_status = (self.count(status) for status in STATUS_LABELS)
        return (self.at_opening, len(self.now), len(self.remarks), *by_status)


def report_rows(check: Check, by: GroupBy, names: Names) -> list[ReportRow]:
    """The check by teacher (or class), sorted by name; a remark without a class is in the
    class report's group "" ("без класса")."""

    def key(item: Finding | Remark) -> str:
        return item.teacher_id if by == "teacher" else (item.class_id or "")

    opening: dict[str, int] = {}
    for finding in check.at_opening:
        opening[key(finding)] = opening.get(key(finding), 0) + 1
    now: dict[str, list[Finding]] = {}
    for finding in check.now:
        now.setdefault(key(finding), []).append(finding)
    remarks: dict[str, list[Remark]] = {}
    for remark in check.remarks:
        remarks.setdefault(key(remark), []).append(remark)
    rows = [
        ReportRow(
            key=k,
            name=_name(k, by, names),
            at_opening=opening.get(k, 0),
            now=tuple(sorted(now.get(k, []), key=lambda f: (f.day, f.finding_id))),
            remarks=tuple(remarks.get(k, [])),
        )
        for k in set(opening) | set(now) | set(remarks)
    ]
    return sorted(rows, key=lambda row: (natural_key(row.name), row.key))


def _name(key: str, by: GroupBy, names: Names) -> str:
    if not key:
        return "Без класса"
    return names.person(key) if by == "teacher" else names.klass(key)


def report_table(rows: Sequence[ReportRow], by: GroupBy) -> list[list[str]]:
    """The summary as cells: the headings, then one line per group (name, id, counts)."""
    table = [[GROUP_HEADINGS[by], "Код", *COUNT_HEADINGS]]
    table += [[row.name, row.key, *map(str, row.counts)] for row in rows]
    return table


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value[:1] in _FORMULA_STARTS else value


def to_csv(table: Sequence[Sequence[str]]) -> str:
    """Cells as the CSV text Russian Excel opens: BOM, `;`, CRLF, minimal quoting."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([safe_cell(cell) for cell in line] for line in table)
    return BOM + out.getvalue()


def report_csv(rows: Sequence[ReportRow], by: GroupBy) -> str:
    """The report's summary as a CSV file (see `to_csv`)."""
    return to_csv(report_table(rows, by))


def csv_filename(check_id: str, by: GroupBy) -> str:
    """The downloaded file's name (ASCII: every browser keeps it as it is)."""
    return f"proverka-{check_id}-{'uchitelya' if by == 'teacher' else 'klassy'}.csv"
