-- What changed for parents («Что нового»): derived when a batch is applied, by comparing the
-- exploded rows of the aggregates it touched before and after (adapters/diary_changes.py).
-- No names: pupils are pseudonyms, texts are what the lesson rows already hold.
--
-- change_id = the batch manifest's DIARY stream sequence * 1 000 000 + the change's position in
-- the batch: increasing in stream order, the same after a rebuild from sequence 1, and tied to
-- its batch (change_id / 1 000 000 is the manifest's `batches.stream_seq`).
-- A mark, an absence or a period mark names its pupil; homework is a lesson's, so `pupil` is NULL
-- and the pupils are the class's members on the lesson's date, resolved when read.
CREATE TABLE changes (
    change_id    bigint PRIMARY KEY,
    school       text NOT NULL,
    year         integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN (
        'mark_added', 'mark_corrected', 'mark_removed', 'homework_set',
        'absence_added', 'absence_changed', 'absence_removed', 'period_mark_set')),
    recorded_at  timestamptz NOT NULL,
    pupil        text,
    class_id     text NOT NULL,
    subject_id   text NOT NULL,
    lesson_id    text,
    date         date,
    period_id    text,
    old          text,
    new          text,
    work_kind_id text,
    weight       numeric,
    due_on       date
);
CREATE INDEX changes_by_pupil ON changes (school, year, pupil, change_id)
    WHERE pupil IS NOT NULL;
CREATE INDEX changes_by_class ON changes (school, year, class_id, change_id)
    WHERE pupil IS NULL;
