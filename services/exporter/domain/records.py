"""From documents to contract records: the one mapping of a document's state to what its record
says (`published`), and the record itself (`to_record`, built only when publishing: validation
costs)."""

from __future__ import annotations

from collections.abc import Callable

from contracts.diary import (
    ClassRecord,
    LessonRecord,
    PeriodMarksRecord,
    Record,
    SchoolRecord,
    StaffDirectoryRecord,
)
from contracts.text import STORED
from services.exporter.domain.docs import Content, Doc, Folded, State
from services.exporter.domain.fold_class import ClassState, class_content
from services.exporter.domain.fold_lesson import LessonState
from services.exporter.domain.fold_period_marks import PeriodMarksState, period_marks_content
from services.exporter.domain.fold_school import SchoolState, school_content
from services.exporter.domain.fold_staff import Directory, Roll, directory_content
from services.exporter.domain.lesson_record import lesson_content

Pseudonym = Callable[[str], str]

RECORD_MODELS: dict[str, type[Record]] = {
    "school": SchoolRecord,
    "class": ClassRecord,
    "lesson": LessonRecord,
    "period-marks": PeriodMarksRecord,
    "staff": StaffDirectoryRecord,
}
"""The published kinds of document (the staff roll is never published)."""
PRESORTED: frozenset[str] = frozenset({"lesson"})
"""Kinds whose content is built with every mapping's keys in sorted order (`lesson_content`),
so that its canonical JSON is its JSON as it is (`contracts.diary.presorted_json`)."""


def published(doc: Folded, pseudonym: Pseudonym) -> Doc:
    """What the document's record says, pupils by pseudonym."""
    return Doc(doc.kind, doc.record_id, doc.seq, content_of(doc.state, pseudonym))


def content_of(state: State, pseudonym: Pseudonym) -> Content:
    """The record content of a document's state (`docs.State`)."""
    match state:
        case LessonState():
            return lesson_content(state, pseudonym)
        case ClassState():
            return class_content(state, pseudonym)
        case PeriodMarksState():
            return period_marks_content(state, pseudonym)
        case SchoolState():
            return school_content(state)
        case Directory():
            return directory_content(state)
        case Roll():
            msg = "the staff roll is never published"
            raise ValueError(msg)


def to_record(doc: Doc, batch: str, index: int) -> Record:
    """The document as the `index`-th record of `batch` (validated as its contract model).

    Its texts are those of stored events, so they are read as stored (`contracts.text`).
    """
    model = RECORD_MODELS[doc.kind]
    content = {**doc.content, "batch_id": batch, "index": index, "seq": doc.seq}
    return model.model_validate(content, context=STORED)
