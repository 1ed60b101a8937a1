"""The journal's paperwork as files: XLSX (XlsxWriter) and CSV that Russian Excel opens as it is.

- **XLSX**: one worksheet per table, the heading lines in bold above the column headings, the
  headings and the names frozen while scrolling, averages as numbers shown to two decimals. No
  text is ever read as a formula, a number or a link (`strings_to_*` off): a topic typed as
  «=1+1» stays text. The document's creation time is fixed, so the same journal gives the
  same bytes.
- **CSV**: the tables one after another, laid out as the worksheets (the heading lines, a blank
  line, the column headings, the rows) with a blank line between them, semicolon-separated,
  UTF-8 with a byte-order mark (what Excel set to Russian expects), decimal commas. A cell that
  Excel would take for a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return) gets a leading apostrophe, as OWASP advises against CSV injection.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Final

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from services.journal.application.journal_sheets import Paper, Table, Value, value_text

XLSX_MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE: Final = "text/csv; charset=utf-8"
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_CREATED: Final = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
_WIDEST: Final = 60  # a topic


def xlsx(paper: Paper) -> bytes:
    """The paper as an XLSX workbook, one worksheet per table."""
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(buffer, options) as book:
        book.set_properties({"created": _CREATED, "title": ", ".join(paper.tables[0].heading)})
        bold = book.add_format({"bold": True})
        heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        average = book.add_format({"num_format": "0.00"})
        for table in paper.tables:
            _worksheet(book, table, bold, heading, average)
    return buffer.getvalue()


def _worksheet(
    book: xlsxwriter.Workbook, table: Table, bold: Format, heading: Format, average: Format
) -> None:
    sheet = book.add_worksheet(table.title[:31])
    for line, text in enumerate(table.heading):
        sheet.write_string(line, 0, text, bold)
    top = len(table.heading) + 1
    for column, title in enumerate(table.columns):
        sheet.write_string(top, column, title, heading)
    for offset, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            _write(sheet, top + offset, column, value, average)
    sheet.freeze_panes(top + 1, 2)
    for column, width in enumerate(_widths(table)):
        sheet.set_column(column, column, width)


def _write(sheet: Worksheet, row: int, column: int, value: Value, average: Format) -> None:
    if value is None or value == "":
        return  # an empty cell, not an empty text
    if isinstance(value, Decimal):
        sheet.write_number(row, column, float(value), average)
    elif isinstance(value, int):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, value)


def _widths(table: Table) -> list[float]:
    """A column as wide as its longest text, within limits (a heading may wrap)."""
    widths = []
    for column, title in enumerate(table.columns):
        longest = max([len(title) // 2, *(len(str(r[column] or "")) for r in table.rows)])
        widths.append(float(min(max(longest + 2, 5), _WIDEST)))
    return widths


def csv_bytes(paper: Paper) -> bytes:
    """The paper as one CSV file for Excel set to Russian."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    for number, table in enumerate(paper.tables):
        if number:
            writer.writerow([])
        writer.writerows([_safe(line)] for line in table.heading)
        writer.writerow([])  # as in the workbook: a blank line before the headings
        writer.writerow([_safe(title) for title in table.columns])
        writer.writerows([_csv_value(value) for value in row] for row in table.rows)
    return text.getvalue().encode("utf-8-sig")


def _csv_value(value: Value) -> str:
    return _safe(value) if isinstance(value, str) else value_text(value)


def _safe(text: str) -> str:
    """`text`, never read by a spreadsheet as a formula."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
