"""The lesson API: the lesson itself (added, substituted, held or cancelled), its topic, homework
and homework files; what a teacher enters about the pupils is `lesson_entry_routes`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from contracts.base import Token
from contracts.journal import CorrectionReason
from contracts.text import FileName
from services.common.limits import upload
from services.common.text_problems import FILE_NAME, checked_text
from services.journal.application import lessons
from services.journal.application.handling import Meta
from services.journal.application.ids import lesson_id as make_lesson_id
from services.journal.application.name_warnings import DiaryText, name_warnings
from services.journal.application.ports import Deps
from services.journal.domain import commands as c
from services.journal.entrypoints.admin_routes import out
from services.journal.entrypoints.deps import (
    AdminMeta,
    CancelMeta,
    DepsDep,
    Editor,
    EditorDep,
    ManagementMeta,
)
from services.journal.entrypoints.dto import (
    CancelBody,
    ExtraLessonBody,
    HeldBody,
    SetHomeworkBody,
    SubstituteBody,
    TopicBody,
)
from services.journal.entrypoints.recorded_dto import (
    AttachmentOut,
    DiaryTextWarning,
    LessonAddedOut,
    RecordedOut,
    RecordedTextOut,
)

PREFIX = "/journal/v1/schools/{school}/years/{year}/classes/{class_id}"
router = APIRouter(prefix=PREFIX, tags=["lessons"])
LESSON = "/lessons/{lesson_id}"
# What the lesson page calls the texts that go to the diary (the warnings name them so).
TOPIC, HOMEWORK, COMMENT, FILE = "Тема урока", "Домашнее задание", "Комментарий к оценке", "Файл"


@router.post("/lessons", summary="Add a lesson outside the timetable", status_code=201)
async def add_lesson(
    class_id: Token, body: ExtraLessonBody, meta: AdminMeta, deps: DepsDep
) -> LessonAddedOut:
    lid = make_lesson_id(class_id, f"{body.date:%Y%m%d}", body.slot, body.group)
    cmd = c.ScheduleLesson(
        lid, class_id, body.subject_id, body.date, body.slot, body.teacher_id, body.group
    )
    recorded = out(await lessons.run(deps, meta, class_id, lid, cmd))
    return LessonAddedOut(**recorded.model_dump(), lesson_id=lid)


@router.post(LESSON + "/substitute", summary="Another teacher holds the lesson")
async def substitute(
    class_id: Token, lesson_id: Token, body: SubstituteBody, meta: ManagementMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.SubstituteTeacher(body.substitute_id, body.reason)
    return out(await lessons.run(deps, meta, class_id, lesson_id, cmd))


@router.post(LESSON + "/held", summary="Confirm the lesson took place")
async def mark_held(
    class_id: Token,
    lesson_id: Token,
    editor: EditorDep,
    deps: DepsDep,
    body: HeldBody | None = None,
) -> RecordedOut:
    correction = None if body is None else body.correction_reason
    return await run_edit(
        deps, editor, class_id, lesson_id, c.MarkLessonHeld(correction_reason=correction)
    )


@router.post(LESSON + "/cancel", summary="The lesson did not take place")
async def cancel(
    class_id: Token, lesson_id: Token, body: CancelBody, meta: CancelMeta, deps: DepsDep
) -> RecordedOut:
    cmd = c.CancelLesson(body.reason, correction_reason=body.correction_reason)
    return out(await lessons.run(deps, meta, class_id, lesson_id, cmd))


@router.put(LESSON + "/topic", summary="Set the lesson's topic")
async def set_topic(
    class_id: Token, lesson_id: Token, body: TopicBody, editor: EditorDep, deps: DepsDep
) -> RecordedTextOut:
    """Set the topic; `warnings` when it names a pupil of the school (the diary gets
    «[ученик]» in place of the name)."""
    meta = editor.acting(body.correction_reason)
    cmd = c.SetTopic(body.topic, correction_reason=body.correction_reason)
    recorded = out(await lessons.run(deps, meta, class_id, lesson_id, cmd))
    warnings = await diary_text_warnings(deps, meta, DiaryText("topic", TOPIC, body.topic))
    return RecordedTextOut(**recorded.model_dump(), warnings=warnings)


@router.put(LESSON + "/homework", summary="Set the homework")
async def set_homework(
    class_id: Token, lesson_id: Token, body: SetHomeworkBody, editor: EditorDep, deps: DepsDep
) -> RecordedTextOut:
    """Set the homework; `warnings` when its text names a pupil of the school."""
    meta = editor.acting(body.correction_reason)
    cmd = c.SetHomework(body.text, body.due_on, correction_reason=body.correction_reason)
    recorded = out(await lessons.run(deps, meta, class_id, lesson_id, cmd))
    warnings = await diary_text_warnings(deps, meta, DiaryText("text", HOMEWORK, body.text))
    return RecordedTextOut(**recorded.model_dump(), warnings=warnings)


@router.post(
    LESSON + "/homework/attachments",
    summary="Attach a file to the homework",
    status_code=201,
    responses={415: {"description": "The file's type is not accepted (`unsupported_file_type`)"}},
)
@upload("file_too_large")
async def attach(
    class_id: Token,
    lesson_id: Token,
    file: Annotated[UploadFile, File(description="the file (size and type are limited)")],
    editor: EditorDep,
    deps: DepsDep,
    name: Annotated[FileName | None, Form()] = None,
    correction_reason: Annotated[
        CorrectionReason | None, Form(description="see Correctable")
    ] = None,
) -> AttachmentOut:
    # The upload's own name is the sender's text too: refused like a field of the form.
    name = name or checked_text(FILE_NAME, file.filename or "file", ("body", "file", "filename"))
    data = await file.read(deps.file_limits.max_bytes + 1)
    meta = editor.acting(correction_reason)
    recorded, attachment_id = await lessons.attach_file(
        deps,
        meta,
        class_id,
        lesson_id,
        name=name,
        media_type=file.content_type or "application/octet-stream",
        data=data,
        correction_reason=correction_reason,
    )
    warnings = await diary_text_warnings(deps, meta, DiaryText("name", FILE, name))
    return AttachmentOut(
        **out(recorded).model_dump(), attachment_id=attachment_id, warnings=warnings
    )


async def diary_text_warnings(deps: Deps, meta: Meta, *texts: DiaryText) -> list[DiaryTextWarning]:
    """A warning for each text for the diary that names a pupil of the school."""
    found = await name_warnings(deps, meta.school, texts)
    return [DiaryTextWarning(field=w.field, detail=w.detail) for w in found]


async def run_edit(
    deps: Deps, editor: Editor, class_id: str, lesson_id: str, cmd: c.EditCommand
) -> RecordedOut:
    """Run a lesson edit as its editor: in the corrector's role when the command corrects a
    closed period, as the teacher otherwise."""
    meta = editor.acting(cmd.correction_reason)
    return out(await lessons.run(deps, meta, class_id, lesson_id, cmd))
