"""What the journal view says about each class and lesson, in the shape of the diary's records.

For the check that the diary agrees with the journal: one JSON line per class and per lesson,
ordered by (kind, id), built by PostgreSQL and streamed through a cursor so that a whole school
year never sits in memory. Pupils appear by their school-side ids; the exporter, which holds the
pseudonym key, substitutes them before comparing with the diary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.common.db import Pool

# Cancelled marks are not in the diary; the fields are those of `contracts.diary.ClassRecord`
# and `LessonRecord`, with `pupil_id` where the diary has a pseudonym.
_FACTS = """
SELECT kind, id, content FROM (
SELECT 'class' AS kind, c.class_id AS id, json_build_object(
    'class_id', c.class_id, 'grade', c.grade, 'label', c.label,
    'class_teacher_id', c.class_teacher_id,
    'members', (SELECT coalesce(json_agg(json_build_object(
                    'pupil_id', m.pupil_id, 'since', m.since, 'last_day', m.last_day)
                    ORDER BY m.pupil_id, m.since), '[]')
                FROM memberships m
                WHERE m.school = c.school AND m.year = c.year AND m.class_id = c.class_id),
    'teaching', (SELECT coalesce(json_agg(json_build_object(
                    'teacher_id', a.teacher_id, 'subject_id', a.subject_id, 'group', a.grp)
                    ORDER BY a.teacher_id, a.subject_id, a.grp), '[]')
                 FROM assignments a
                 WHERE a.school = c.school AND a.year = c.year AND a.class_id = c.class_id)
)::text AS content
FROM classes c WHERE c.school = $1 AND c.year = $2
UNION ALL
SELECT 'lesson', l.lesson_id, json_build_object(
    'lesson_id', l.lesson_id, 'class_id', l.class_id, 'subject_id', l.subject_id,
    'date', l.date, 'slot', l.slot, 'group', l.grp, 'teacher_id', l.teacher_id,
    'status', l.status, 'topic', l.topic, 'homework', l.homework_text,
    'homework_due_on', l.homework_due, 'files', l.attachments,
    'marks', (SELECT coalesce(json_agg(json_build_object(
                  'mark_id', m.mark_id, 'pupil_id', m.pupil_id, 'value', m.value,
                  'work_kind_id', m.work_kind_id, 'weight', m.weight, 'comment', m.comment,
                  'counts', m.counts, 'corrected', m.corrected) ORDER BY m.mark_id), '[]')
              FROM marks m
              WHERE m.school = l.school AND m.year = l.year AND m.lesson_id = l.lesson_id
                AND NOT m.cancelled),
    'absences', (SELECT coalesce(json_agg(json_build_object(
                     'pupil_id', a.pupil_id, 'kind', a.kind, 'minutes_late', a.minutes_late,
                     'reason', a.reason, 'letter', a.letter) ORDER BY a.pupil_id), '[]')
                 FROM absences a
                 WHERE a.school = l.school AND a.year = l.year AND a.lesson_id = l.lesson_id)
)::text
FROM lessons l WHERE l.school = $1 AND l.year = $2
) facts
ORDER BY kind COLLATE "C", id COLLATE "C"  -- byte order, as the check's merge expects"""

_PREFETCH = 500


async def record_facts(pool: Pool, school: str, year: int) -> AsyncIterator[bytes]:
    """NDJSON lines `{"kind", "id", "content"}` for every class and lesson of the year.

    Read in one REPEATABLE READ snapshot, so the lines agree with each other while the
    projector goes on committing.
    """
    async with (
        pool.acquire() as conn,
        conn.transaction(isolation="repeatable_read", readonly=True),
    ):
        async for row in conn.cursor(_FACTS, school, year, prefetch=_PREFETCH):
            yield (
                f'{{"kind":"{row["kind"]}","id":"{row["id"]}","content":{row["content"]}}}\n'
            ).encode()
