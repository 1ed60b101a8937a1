"""The lesson API, what a teacher enters about the pupils: marks (recorded, corrected,
cancelled), attendance and the reasons of absences, and the whole lesson page saved at once.
A text for the diary that names a pupil comes back with a warning, as on the lesson's own routes
(`lesson_routes`)."""

from __future__ import annotations

from fastapi import APIRouter

from contracts.base import Token
from services.journal.application import lessons
from services.journal.application.handling import Meta
from services.journal.application.ids import mark_id
from services.journal.application.name_warnings import DiaryText
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.deps import (
    DepsDep,
    EditorDep,
)
from services.journal.entrypoints.dto import (
    AbsenceReasonBody,
    AttendanceBody,
    CancelBody,
    CorrectMarkBody,
    EntriesBody,
    MarkBody,
    RecordMarkBody,
)
from services.journal.entrypoints.lesson_routes import (
    COMMENT,
    HOMEWORK,
    LESSON,
    PREFIX,
    TOPIC,
    diary_text_warnings,
    run_edit,
)
from services.journal.entrypoints.recorded_dto import (
    EntriesOut,
    MarkRecordedOut,
    RecordedOut,
    RecordedTextOut,
)

router = APIRouter(prefix=PREFIX, tags=["lessons"])


@router.post(LESSON + "/marks", summary="Record a mark", status_code=201)
async def record_mark(
    class_id: Token, lesson_id: Token, body: RecordMarkBody, editor: EditorDep, deps: DepsDep
) -> MarkRecordedOut:
    meta = editor.acting(body.correction_reason)
    new = _new_mark(meta, 0, body)
    cmd = c.RecordMark(new, correction_reason=body.correction_reason)
    recorded = await lessons.run(deps, meta, class_id, lesson_id, cmd)
    warnings = await diary_text_warnings(deps, meta, DiaryText("comment", COMMENT, body.comment))
    return MarkRecordedOut(**out(recorded).model_dump(), mark_id=new.mark_id, warnings=warnings)


@router.post(LESSON + "/marks/{mark_id}/correct", summary="Correct a mark, with a reason")
async def correct_mark(
    class_id: Token,
    lesson_id: Token,
    mark_id: Token,
    body: CorrectMarkBody,
    editor: EditorDep,
    deps: DepsDep,
) -> RecordedTextOut:
    cmd = c.CorrectMark(
        mark_id,
        body.value,
        body.work_kind_id,
        body.reason,
        body.comment if "comment" in body.model_fields_set else c.KEEP,
        c.KEEP if body.counts is None else body.counts,
        correction_reason=body.correction_reason,
    )
    meta = editor.acting(body.correction_reason)
    recorded = out(await lessons.run(deps, meta, class_id, lesson_id, cmd))
    warnings = await diary_text_warnings(deps, meta, DiaryText("comment", COMMENT, body.comment))
    return RecordedTextOut(**recorded.model_dump(), warnings=warnings)


@router.post(LESSON + "/marks/{mark_id}/cancel", summary="Cancel a mark, with a reason")
async def cancel_mark(
    class_id: Token,
    lesson_id: Token,
    mark_id: Token,
    body: CancelBody,
    editor: EditorDep,
    deps: DepsDep,
) -> RecordedOut:
    cmd = c.CancelMark(mark_id, body.reason, correction_reason=body.correction_reason)
    return await run_edit(deps, editor, class_id, lesson_id, cmd)


@router.put(LESSON + "/attendance", summary="Record who was absent or late (the whole class)")
async def take_attendance(
    class_id: Token, lesson_id: Token, body: AttendanceBody, editor: EditorDep, deps: DepsDep
) -> RecordedOut:
    cmd = c.TakeAttendance(tuple(body.absences), correction_reason=body.correction_reason)
    return await run_edit(deps, editor, class_id, lesson_id, cmd)


@router.put(
    LESSON + "/absences/{pupil_id}/reason",
    summary="Set the reason of an absence (lesson teacher or class teacher)",
)
async def set_absence_reason(
    class_id: Token,
    lesson_id: Token,
    pupil_id: Token,
    body: AbsenceReasonBody,
    editor: EditorDep,
    deps: DepsDep,
) -> RecordedOut:
    cmd = c.SetAbsenceReason(
        pupil_id, body.reason, body.evidence, correction_reason=body.correction_reason
    )
    return await run_edit(deps, editor, class_id, lesson_id, cmd)


@router.post(
    LESSON + "/entries",
    summary="Save the lesson page at once: held, topic, homework, marks and attendance",
)
async def save_entries(
    class_id: Token, lesson_id: Token, body: EntriesBody, editor: EditorDep, deps: DepsDep
) -> EntriesOut:
    meta = editor.acting(body.correction_reason)
    marks = tuple(_new_mark(meta, i, m) for i, m in enumerate(body.marks))
    homework = c.SetHomework(body.homework.text, body.homework.due_on) if body.homework else None
    cmd = c.SaveLessonEntries(
        held=body.held,
        topic=body.topic,
        homework=homework,
        marks=marks,
        attendance=tuple(body.attendance) if body.attendance is not None else None,
        correction_reason=body.correction_reason,
    )
    recorded = await lessons.run(deps, meta, class_id, lesson_id, cmd)
    texts = [
        DiaryText("topic", TOPIC, body.topic),
        DiaryText("homework.text", HOMEWORK, body.homework.text if body.homework else None),
        *(DiaryText(f"marks[{i}].comment", COMMENT, m.comment) for i, m in enumerate(body.marks)),
    ]
    return EntriesOut(
        **out(recorded).model_dump(),
        mark_ids=[m.mark_id for m in marks],
        warnings=await diary_text_warnings(deps, meta, *texts),
    )


def _new_mark(meta: Meta, index: int, body: MarkBody) -> c.NewMark:
    return c.NewMark(
        mark_id=mark_id(meta.command_id, index),
        pupil_id=body.pupil_id,
        value=body.value,
        work_kind_id=body.work_kind_id,
        comment=body.comment,
        counts=body.counts,
    )
