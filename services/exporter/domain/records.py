"""From documents to contract records (built only when publishing: validation costs)."""

from __future__ import annotations

from contracts.diary import (
    ClassRecord,
    LessonRecord,
    PeriodMarksRecord,
    Record,
    SchoolRecord,
    StaffDirectoryRecord,
)
from contracts.text import STORED
from services.exporter.domain.docs import Doc

RECORD_MODELS: dict[str, type[Record]] = {
    "school": SchoolRecord,
    "class": ClassRecord,
    "lesson": LessonRecord,
    "period-marks": PeriodMarksRecord,
    "staff": StaffDirectoryRecord,
}
"""The published kinds of document (the staff roll is never published)."""


def to_record(doc: Doc, batch: str, index: int) -> Record:
    """The document as the `index`-th record of `batch` (validated as its contract model).

    Its texts are those of stored events, so they are read as stored (`contracts.text`).
    """
    model = RECORD_MODELS[doc.kind]
    content = {**doc.content, "batch_id": batch, "index": index, "seq": doc.seq}
    return model.model_validate(content, context=STORED)
