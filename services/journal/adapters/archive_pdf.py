"""A class's year archive (`journal_sheets.Archive`) as a landscape A4 PDF in DejaVu Sans.

A title page, then each subject from a new page: its heading, then its tables. A table wider
than the page (a year of lessons) is cut into parts of as many lesson columns as fit, the
number and the pupil's name repeated in each part, as a paper journal repeats the names on
every spread; the column headings repeat on every page a part runs over. The same archive
gives the same bytes: the document's date is the year's last day, never the printing time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import fpdf
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from services.common.pdf_fonts import DEFAULT_FONT_DIR, FAMILY, add_dejavu
from services.journal.application.journal_sheets import Archive, Table, value_text

_SIZE: Final = 7.0
_LINE: Final = 3.6
_FIXED_COLUMNS: Final = 2  # the number and the pupil, repeated in every part of a wide table
_NARROWEST: Final = 8.0
_WIDEST: Final = 90.0
_PADDING: Final = 1.0  # on either side of a cell's text
_VERTICAL: Final = 0.6  # above and below it
_BASELINE: Final = 0.78  # of a line's height, from its top
_SLACK: Final = 0.5  # a text exactly as wide as its cell would still be broken


def render_archive(archive: Archive, *, font_dir: Path = DEFAULT_FONT_DIR) -> bytes:
    """The archive as PDF bytes (FileNotFoundError, naming the package, without the fonts)."""
    pdf = fpdf.FPDF(orientation="landscape", unit="mm", format="A4")
    add_dejavu(pdf, font_dir)
    pdf.set_margins(left=10, top=10, right=10)
    pdf.set_auto_page_break(auto=True, margin=10)
    pdf.set_title(" ".join(archive.title[1:3]))
    pdf.set_lang("ru")
    pdf.set_creator("school-journal")
    pdf.set_creation_date(dt.datetime.combine(archive.closed_on, dt.time(), tzinfo=dt.UTC))
    pdf.set_fill_color(235, 235, 235)  # the column headings' background
    pdf.set_line_width(0.2)
    _title_page(pdf, archive.title)
    for heading, tables in archive.sections:
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 11)
        pdf.multi_cell(0, 6, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for table in tables:
            _table(pdf, table)
    return bytes(pdf.output())


def _title_page(pdf: fpdf.FPDF, lines: Sequence[str]) -> None:
    pdf.add_page()
    pdf.set_y(60)
    for number, line in enumerate(lines):
        pdf.set_font(FAMILY, "B" if number == 1 else "", 20 if number == 1 else 13)
        pdf.multi_cell(0, 10, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: fpdf.FPDF, table: Table) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 9)
    pdf.cell(0, 5, table.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not table.rows:
        pdf.set_font(FAMILY, "", _SIZE)
        pdf.cell(0, 5, "Нет записей.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    pdf.set_font(FAMILY, "", _SIZE)
    widths = _widths(pdf, table)
    for part in column_parts(widths, pdf.epw):
        _part(pdf, table, part, widths)


def _widths(pdf: fpdf.FPDF, table: Table) -> list[float]:
    """Each column as wide as its longest text within limits (a topic, a long heading wrap);
    the headings measured in bold, as they are set."""
    pdf.set_font(FAMILY, "B", _SIZE)
    titles = [pdf.get_string_width(title) for title in table.columns]
    pdf.set_font(FAMILY, "", _SIZE)
    widths = []
    for column, title in enumerate(titles):
        longest = max(
            [title, *(pdf.get_string_width(value_text(row[column])) for row in table.rows)]
        )
        widths.append(min(max(longest + 2 * _PADDING + _SLACK, _NARROWEST), _WIDEST))
    return widths


def column_parts(widths: Sequence[float], room: float) -> list[list[int]]:
    """The columns of each part: the fixed ones, then as many others as fit beside them."""
    fixed = list(range(min(_FIXED_COLUMNS, len(widths))))
    if sum(widths) <= room or len(widths) <= _FIXED_COLUMNS:
        return [list(range(len(widths)))]
    parts: list[list[int]] = []
    current: list[int] = []
    left = room - sum(widths[c] for c in fixed)
    for column in range(_FIXED_COLUMNS, len(widths)):
        if current and widths[column] > left:
            parts.append(fixed + current)
            current, left = [], room - sum(widths[c] for c in fixed)
        current.append(column)
        left -= widths[column]
    parts.append(fixed + current)
    return parts


def _part(pdf: fpdf.FPDF, table: Table, columns: Sequence[int], widths: Sequence[float]) -> None:
    """One part of a table, its headings repeated on every page it runs over.

    Drawn with the PDF's plainest operations rather than fpdf2's `table()`, which lays out
    every cell as a paragraph: a class's year holds some 25,000 cells, nearly all one short
    line or empty, and that took about 4 s a class. Each text is put at its place, broken into
    lines only when it does not fit; a row is closed by one rule, and the columns' rules are
    drawn once per page."""
    chosen = [widths[c] for c in columns]
    headings = [table.columns[c] for c in columns]
    top = _headings(pdf, headings, chosen)
    for row in table.rows:
        lines = _lines_of(pdf, [value_text(row[c]) for c in columns], chosen)
        if pdf.get_y() + _height(lines) > pdf.page_break_trigger:
            _column_rules(pdf, chosen, top)
            pdf.add_page()
            top = _headings(pdf, headings, chosen)
        _draw(pdf, lines, chosen)
    _column_rules(pdf, chosen, top)
    pdf.ln(2)


def _headings(pdf: fpdf.FPDF, texts: Sequence[str], widths: Sequence[float]) -> float:
    """The headings' row, shaded; where the part's rules start on this page."""
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", _SIZE)
    lines = _lines_of(pdf, texts, widths)
    pdf.rect(pdf.l_margin, top, sum(widths), _height(lines), style="DF")
    _draw(pdf, lines, widths)
    pdf.set_font(FAMILY, "", _SIZE)
    return top


def _lines_of(pdf: fpdf.FPDF, texts: Sequence[str], widths: Sequence[float]) -> list[list[str]]:
    """Each cell's text as the lines it takes in its column."""
    found: list[list[str]] = []
    for text, width in zip(texts, widths, strict=True):
        room = width - 2 * _PADDING
        if not text:
            found.append([])
        elif pdf.get_string_width(text) <= room:
            found.append([text])
        else:
            broken = pdf.multi_cell(room, _LINE, text, dry_run=True, output=MethodReturnValue.LINES)
            assert isinstance(broken, list)  # noqa: S101 - what output=LINES returns
            found.append(broken)
    return found


def _height(lines: Sequence[Sequence[str]]) -> float:
    return max([1, *(len(cell) for cell in lines)]) * _LINE + 2 * _VERTICAL


def _draw(pdf: fpdf.FPDF, lines: Sequence[Sequence[str]], widths: Sequence[float]) -> None:
    """A row's texts at their places, and the rule under it."""
    x, y, height = pdf.l_margin, pdf.get_y(), _height(lines)
    for cell, width in zip(lines, widths, strict=True):
        for number, line in enumerate(cell):
            pdf.text(x + _PADDING, y + _VERTICAL + (number + _BASELINE) * _LINE, line)
        x += width
    pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
    pdf.set_xy(pdf.l_margin, y + height)


def _column_rules(pdf: fpdf.FPDF, widths: Sequence[float], top: float) -> None:
    """The part's frame and the rules between its columns, from `top` to the last row."""
    x, bottom = pdf.l_margin, pdf.get_y()
    pdf.line(x, top, x + sum(widths), top)
    for width in (0.0, *widths):
        x += width
        pdf.line(x, top, x, bottom)
