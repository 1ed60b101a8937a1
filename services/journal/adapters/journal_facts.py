"""What the journal view says about each class and lesson, in the shape of the diary's records.

For the check that the diary agrees with the journal: one JSON line per class, per lesson and
per class-and-subject of period marks (id `<class>--<subject>`), ordered by (kind, id), built
by PostgreSQL and streamed through a cursor so that a whole school year never sits in memory.
Pupils appear by their school-side ids; the exporter, which holds the pseudonym key,
substitutes them before comparing with the diary.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from services.common.db import Pool

# Cancelled marks are not in the diary; the fields are those of `contracts.diary.ClassRecord`,
# `LessonRecord` and `PeriodMarksRecord`, with `pupil_id` where the diary has a pseudonym. The
# flags of corrections after close come from `lesson_corrections` (a lesson: any row; a mark:
# named by a row) and a period mark's `correction_reason`; the reasons themselves stay here.
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
                  'counts', m.counts, 'corrected', m.corrected,
                  'corrected_after_close', EXISTS (
                      SELECT 1 FROM lesson_corrections lc
                      WHERE lc.school = m.school AND lc.year = m.year
                        AND lc.lesson_id = m.lesson_id AND m.mark_id = ANY(lc.mark_ids)))
                  ORDER BY m.mark_id), '[]')
              FROM marks m
              WHERE m.school = l.school AND m.year = l.year AND m.lesson_id = l.lesson_id
                AND NOT m.cancelled),
    'absences', (SELECT coalesce(json_agg(json_build_object(
                     'pupil_id', a.pupil_id, 'kind', a.kind, 'minutes_late', a.minutes_late,
                     'reason', a.reason, 'letter', a.letter) ORDER BY a.pupil_id), '[]')
                 FROM absences a
                 WHERE a.school = l.school AND a.year = l.year AND a.lesson_id = l.lesson_id),
    'corrected_after_close', EXISTS (
        SELECT 1 FROM lesson_corrections lc
        WHERE lc.school = l.school AND lc.year = l.year AND lc.lesson_id = l.lesson_id)
)::text
FROM lessons l WHERE l.school = $1 AND l.year = $2
UNION ALL
SELECT 'period-marks', p.class_id || '--' || p.subject_id, json_build_object(
    'class_id', p.class_id, 'subject_id', p.subject_id,
    'marks', json_agg(json_build_object(
        'pupil_id', p.pupil_id, 'period_id', p.period_id, 'value', p.value,
        'average', p.average, 'corrected_after_close', p.correction_reason IS NOT NULL)
        ORDER BY p.period_id, p.pupil_id)
)::text
FROM period_marks p WHERE p.school = $1 AND p.year = $2
GROUP BY p.class_id, p.subject_id
) facts
ORDER BY kind COLLATE "C", id COLLATE "C"  -- byte order, as the check's merge expects"""

_PREFETCH = 500


async def record_facts(pool: Pool, school: str, year: int) -> AsyncIterator[bytes]:
    """NDJSON lines `{"kind", "id", "content"}` for every class, lesson and class-and-subject
    of period marks of the year.

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
