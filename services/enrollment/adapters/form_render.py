"""The printed application form as a standalone HTML page and as an A4 PDF.

Both renderers lay out the same `FormContent` (`services.enrollment.application.form.describe`),
so the page and the PDF never say different things; only layout lives here.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Final

import fpdf
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from services.common.pdf_fonts import DEFAULT_FONT_DIR, FAMILY, add_dejavu
from services.enrollment.application.form import (
    ApplicationForm,
    FormContent,
    Line,
    Paragraph,
    Section,
    describe,
)

_CSS: Final = """
@page { size: A4; margin: 20mm 15mm 20mm 25mm; }
* { box-sizing: border-box; }
body {
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 11pt; line-height: 1.4; color: #000; background: #fff;
  max-width: 180mm; margin: 10mm auto; padding: 0 5mm;
  overflow-wrap: anywhere;
}
.addressee { margin-left: 50%; margin-bottom: 8mm; }
.addressee p { margin: 0; }
h1 { font-size: 13pt; text-align: center; margin: 0 0 1mm; }
.reference { text-align: center; margin: 0 0 6mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 0 0 2mm; text-align: justify; }
p.small { font-size: 8.5pt; }
table.lines { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
table.lines th { width: 42%; text-align: left; font-weight: bold; vertical-align: top;
  padding: 1mm 3mm 1mm 0; }
table.lines td { vertical-align: top; padding: 1mm 0; }
table.lines td.blank { border-bottom: 1px solid #000; height: 7mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; }
  section { break-inside: avoid; }
}
"""


def render_html(form: ApplicationForm) -> str:
    """The application as a complete, standalone, printable HTML document (no scripts)."""
    content = describe(form)
    body = [
        '<div class="addressee">',
        *(f"<p>{escape(line)}</p>" for line in content.addressee),
        "</div>",
        f"<h1>{escape(content.title)}</h1>",
        f'<p class="reference">{escape(content.reference)}</p>',
        *(_html_section(section) for section in content.sections),
    ]
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="ru">',
            "<head>",
            '<meta charset="utf-8">',
            f"<title>{escape(content.title)} {escape(content.reference)}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def _html_section(section: Section) -> str:
    parts = ["<section>"]
    if section.heading is not None:
        parts.append(f"<h2>{escape(section.heading)}</h2>")
    lines: list[Line] = []
    for block in section.blocks:
        if isinstance(block, Line):
            lines.append(block)
            continue
        parts.extend(_html_lines(lines))
        lines = []
        css = ' class="small"' if block.small else ""
        parts.append(f"<p{css}>{escape(block.text)}</p>")
    parts.extend(_html_lines(lines))
    parts.append("</section>")
    return "\n".join(parts)


def _html_lines(lines: list[Line]) -> list[str]:
    """Consecutive lines as one two-column table; a blank value is an underline to write on."""
    if not lines:
        return []
    rows = [
        f"<tr><th>{escape(line.label)}:</th>"
        + ('<td class="blank"></td>' if line.value is None else f"<td>{escape(line.value)}</td>")
        + "</tr>"
        for line in lines
    ]
    return ['<table class="lines">', *rows, "</table>"]


def render_pdf(
    form: ApplicationForm,
    *,
    font_dir: Path | str = DEFAULT_FONT_DIR,
    compress: bool = True,
) -> bytes:
    """The application as an A4 PDF, byte for byte the same for the same form.

    `font_dir` holds DejaVuSans.ttf and DejaVuSans-Bold.ttf (Cyrillic needs a Unicode font).
    `compress=False` leaves the page streams readable, for tests.
    Raises FileNotFoundError, naming the Debian package, when a font is missing.
    """
    pdf = _Document(Path(font_dir))
    pdf.set_compression(compress)
    content = describe(form)
    pdf.set_title(f"{content.title} {content.reference}")
    pdf.set_lang("ru")
    # Fixed metadata: the creation date would otherwise be "now" and change the bytes.
    pdf.set_creation_date(dt.datetime.combine(form.submitted_on, dt.time(), tzinfo=dt.UTC))
    pdf.set_creator("school-journal enrollment")
    pdf.add_page()
    pdf.write_content(content)
    return bytes(pdf.output())


class _Document(fpdf.FPDF):
    """An A4 page in DejaVu Sans with the layout of the form's blocks."""

    _SIZE: Final = 10.0
    _LINE_HEIGHT: Final = 5.2
    _BLANK_HEIGHT: Final = 7.0
    """An underline to write on is a little taller than a line of text."""
    _LABEL_SHARE: Final = 0.42
    _KEEP_WITH_HEADING: Final = 25.0
    """A heading moves to the next page unless this much of its section fits under it."""

    def __init__(self, font_dir: Path) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        add_dejavu(self, font_dir)
        self.set_margins(left=25, top=12, right=15)
        self.set_auto_page_break(auto=True, margin=12)

    def write_content(self, content: FormContent) -> None:
        """Lay out the whole form from the current position."""
        self.set_font(FAMILY, "", self._SIZE)
        half = self.epw / 2
        for line in content.addressee:
            self.set_x(self.l_margin + half)
            self.multi_cell(half, self._LINE_HEIGHT, line, align=Align.L, new_x=XPos.LMARGIN)
        self.ln(6)
        self.set_font(FAMILY, "B", 12)
        self._full(content.title, 6, Align.C)
        self.set_font(FAMILY, "", self._SIZE)
        self._full(content.reference, self._LINE_HEIGHT, Align.C)
        self.ln(3)
        for section in content.sections:
            self._section(section)

    def _section(self, section: Section) -> None:
        self.ln(2)
        if section.heading is not None:
            if self.will_page_break(self._LINE_HEIGHT + self._KEEP_WITH_HEADING):
                self.add_page()
            self.set_font(FAMILY, "B", self._SIZE)
            self._full(section.heading, self._LINE_HEIGHT, Align.L)
            self.ln(1)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self._paragraph(block)
            else:
                self._line(block)

    def _paragraph(self, block: Paragraph) -> None:
        size, height = (8.0, 4.0) if block.small else (self._SIZE, self._LINE_HEIGHT)
        self.set_font(FAMILY, "", size)
        self._full(block.text, height, Align.J)
        self.ln(1.5)

    def _line(self, line: Line) -> None:
        """Label on the left, value (wrapped) or an underline to write on, on the right."""
        label = f"{line.label}:"
        label_w = self.epw * self._LABEL_SHARE
        value_w = self.epw - label_w
        self.set_font(FAMILY, "B", self._SIZE)
        label_h = self._height(label_w, label)
        self.set_font(FAMILY, "", self._SIZE)
        value_h = self._BLANK_HEIGHT if line.value is None else self._height(value_w, line.value)
        row_h = max(label_h, value_h)
        if row_h > self.page_break_trigger - self.t_margin:
            # Longer than a page: two columns cannot break across pages, so stack them.
            self.set_font(FAMILY, "B", self._SIZE)
            self._full(label, self._LINE_HEIGHT, Align.L)
            self.set_font(FAMILY, "", self._SIZE)
            self._full(line.value or "", self._LINE_HEIGHT, Align.L)
            self.ln(1)
            return
        # Both columns start on the same page: break first if the taller one would not fit.
        if self.will_page_break(row_h):
            self.add_page()
        top = self.y
        self.set_font(FAMILY, "B", self._SIZE)
        self.multi_cell(
            label_w, self._LINE_HEIGHT, label, align=Align.L, new_x=XPos.RIGHT, new_y=YPos.TOP
        )
        self.set_font(FAMILY, "", self._SIZE)
        if line.value is None:
            self.cell(value_w, self._BLANK_HEIGHT, "", border="B")
        else:
            self.multi_cell(value_w, self._LINE_HEIGHT, line.value, align=Align.L)
        self.set_xy(self.l_margin, top + row_h + 1)

    def _full(self, text: str, height: float, align: Align) -> None:
        """Text across the page's width, wrapped; the next block starts at the left margin."""
        self.multi_cell(0, height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def _height(self, width: float, text: str) -> float:
        """The height `text` takes in a column `width` wide, in the current font."""
        height = self.multi_cell(
            width, self._LINE_HEIGHT, text, dry_run=True, output=MethodReturnValue.HEIGHT
        )
        if not isinstance(height, float):  # output=HEIGHT returns the height alone
            raise TypeError(f"fpdf returned {height!r} for a height")
        return height
