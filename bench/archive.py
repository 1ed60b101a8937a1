"""The year archive's PDF: the time to lay out each class's bound year, and the memory it takes,
for a school of N classes (36 by default) × 15 subjects × 27 pupils × a whole year of lessons
(34 weeks of 30 lessons; a mark in 30 % of the cells, an absence in 5 %, a topic per lesson;
synthetic, so no server is needed), beside a raw baseline in the same run: the same cells
put with fpdf2's plainest call (`text`: no widths, no parts, no line breaking, no rules).

    uv run python -m bench.archive [--classes 36] [--runs 3]

Prints one JSON line: the median seconds per class (archive and raw) over the runs, their
ratio, the whole school's seconds (median of the runs), the PDF's bytes per class, and the
peak RSS after the first class and after the last (flat: each class's document is dropped
before the next is laid out). Reading the journal for an archive (`paperwork.class_archive`)
is not in it: measure it with `time uv run school-ops archive year --out DIR` on the demo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from decimal import Decimal
from typing import Any

import fpdf

from bench.harness import median, peak_rss_mib
from kernel.answers import ClassGrid, GridCell, GridLesson, GridMark, GridRow
from services.common.pdf_fonts import DEFAULT_FONT_DIR, FAMILY, add_dejavu
from services.journal.adapters.archive_pdf import render_archive
from services.journal.application.journal_sheets import (
    Archive,
    SubjectYear,
    class_archive,
)
from services.journal.application.roster_reads import Roster

YEAR = 2026
WEEKS = 34
HOURS = (5, 4, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1)  # 27 lessons a week in 15 subjects
PUPILS = 27


def _roster(class_id: str) -> Roster:
    subjects = [{"subject_id": f"s{n:02d}", "name": f"Предмет {n}"} for n in range(len(HOURS))]
    return Roster.model_validate(
        {
            "school": "s1",
            "year": YEAR,
            "school_name": "Школа № 1",
            "starts_on": dt.date(YEAR, 9, 1),
            "ends_on": dt.date(YEAR + 1, 5, 31),
            "periods": [],
            "scale_id": None,
            "scale": [],
            "work_kinds": [],
            "subjects": subjects,
            "staff": [{"staff_id": "t1", "full_name": "Иванова Анна Петровна", "position": "у"}],
            "classes": [
                {"class_id": class_id, "grade": 5, "label": "5А", "class_teacher_id": "t1"}
            ],
            "assignments": [
                {
                    "class_id": class_id,
                    "subject_id": s["subject_id"],
                    "teacher_id": "t1",
                    "group": None,
                }
                for s in subjects
            ],
        }
    )


def _grid(rng: random.Random, class_id: str, subject: int) -> ClassGrid:
    start = dt.date(YEAR, 9, 1)
    lessons = [
        GridLesson(
            f"{class_id}-s{subject}-{n}",
            start + dt.timedelta(days=7 * (n // HOURS[subject]) + n % HOURS[subject]),
            1 + n % 6,
            "held",
            f"Тема урока номер {n}: повторение и новый материал",
            "t1",
        )
        for n in range(WEEKS * HOURS[subject])
    ]
    rows = []
    for pupil in range(PUPILS):
        cells = []
        for lesson in lessons:
            draw = rng.random()
            marks = [GridMark("m", str(rng.randint(2, 5)), "k", Decimal(1), False)]
            cells.append(
                GridCell(
                    lesson.lesson_id,
                    marks if draw < 0.3 else [],
                    absence="Н" if 0.3 <= draw < 0.35 else None,
                )
            )
        name = f"Фамилия{pupil:02d} Имя Отчество"
        rows.append(GridRow(f"p{pupil}", name, start, None, cells, Decimal("4.12"), 3, 1))
    subject_id = f"s{subject:02d}"
    end = dt.date(YEAR + 1, 5, 31)
    return ClassGrid("s1", YEAR, class_id, subject_id, start, end, lessons, rows)


def _archive(rng: random.Random, number: int) -> Archive:
    class_id = f"c{number}"
    subjects = [SubjectYear(_grid(rng, class_id, s), (), ()) for s in range(len(HOURS))]
    return class_archive(_roster(class_id), class_id, subjects)


def _raw(archive: Archive) -> bytes:
    """Every cell of the archive's tables put with `text` (a string at a place), a row of them
    to a line, 50 lines to a page: no widths, no parts, no line breaking, no rules."""
    pdf = fpdf.FPDF(orientation="landscape", unit="mm", format="A4")
    add_dejavu(pdf, DEFAULT_FONT_DIR)
    pdf.set_font(FAMILY, "", 7)
    line = 50
    for _, tables in archive.sections:
        for table in tables:
            for row in table.rows:
                if line == 50:
                    pdf.add_page()
                    line = 0
                line += 1
                for column, value in enumerate(row):
                    if value is not None and value != "":
                        pdf.text(10 + 2 * column, 10 + 3.6 * line, str(value))
    return bytes(pdf.output())


def _one_run(classes: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    archive_seconds, raw_seconds, sizes = [], [], []
    peak_after_first = 0.0
    started = time.perf_counter()
    for number in range(classes):
        archive = _archive(rng, number)
        begun = time.perf_counter()
        sizes.append(len(render_archive(archive)))
        archive_seconds.append(time.perf_counter() - begun)
        begun = time.perf_counter()
        _raw(archive)
        raw_seconds.append(time.perf_counter() - begun)
        if number == 0:
            peak_after_first = peak_rss_mib()
    return {
        "per_class": median(archive_seconds),
        "raw_per_class": median(raw_seconds),
        "school": sum(archive_seconds),
        "wall": time.perf_counter() - started,
        "bytes": median(sizes),
        "peak_after_first_mib": peak_after_first,
        "peak_after_last_mib": peak_rss_mib(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--classes", type=int, default=36)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [_one_run(args.classes, seed) for seed in range(args.runs)]
    per_class = median([r["per_class"] for r in runs])
    raw = median([r["raw_per_class"] for r in runs])
    cells = sum(HOURS) * WEEKS * PUPILS
    print(
        json.dumps(
            {
                "bench": "archive",
                "classes": args.classes,
                "cells_per_class": cells,
                "runs": args.runs,
                "seconds_per_class": round(per_class, 3),
                "raw_seconds_per_class": round(raw, 3),
                "ratio_raw_to_archive": round(raw / per_class, 3),
                "school_seconds": round(median([r["school"] for r in runs]), 1),
                "pdf_bytes_per_class": int(median([r["bytes"] for r in runs])),
                "peak_rss_after_first_class_mib": runs[0]["peak_after_first_mib"],
                "peak_rss_after_last_class_mib": max(r["peak_after_last_mib"] for r in runs),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
