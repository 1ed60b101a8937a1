"""A homework file's download: only from a lesson the caller sees (their pupil's class on that
day, or a class and subject they teach)."""

from __future__ import annotations

from dataclasses import dataclass

from services.diary.application.ports import DiaryReads, FileStore
from services.diary.application.views import NotFound, Scope, my_grants
from services.diary.domain import access
from services.diary.domain.calendar import classes_on


@dataclass(frozen=True, slots=True)
class Download:
    """A file the caller may download."""

    name: str
    media_type: str
    data: bytes


async def download(
    reads: DiaryReads, files: FileStore, scope: Scope, attachment_id: str
) -> Download:
    """The bytes of a homework file referenced by a lesson the caller sees; NotFound else."""
    grants = await my_grants(reads, scope)
    found = await reads.files_by_attachment(scope.school, scope.year, attachment_id)
    pupils = access.own_pupils(scope.caller, grants)
    memberships = await reads.memberships(scope.school, scope.year, pupils) if pupils else []
    teaching = access.class_visibility(scope.caller, grants, {x.class_id for x, _ in found})
    visible = [
        meta
        for lesson, meta in found
        if teaching.sees(lesson.class_id, lesson.subject_id)
        or lesson.class_id in classes_on(memberships, lesson.date)
    ]
    if not visible:
        raise NotFound(f"no file {attachment_id!r} in your diary")
    data = await files.get(attachment_id)
    if data is None:
        raise NotFound(f"the file {attachment_id!r} is not available")
    return Download(visible[0].name, visible[0].media_type, data)
