-- The monthly check (issue 5): when lesson entries were really made, and the checks with their
-- remarks. Built by the projection `journal_view_v1` (the check rows by
-- services/journal/adapters/check_projection.py, from the fold
-- services/journal/domain/projection/checks.py).

-- Envelope time (`occurred_at`: when the server accepted the command) of the first topic, the
-- first attendance and the last new mark of the lesson. NULL for lessons folded before this
-- migration until the view is rebuilt (`python -m services.journal.entrypoints.cli projection rebuild`).
ALTER TABLE lessons
    ADD COLUMN topic_entered_at      timestamptz,
    ADD COLUMN attendance_entered_at timestamptz,
    ADD COLUMN last_mark_entered_at  timestamptz;

-- No new index on lessons: a class or teacher check reads through lessons_by_class_subject /
-- lessons_by_teacher; a whole-school check scans the school's lessons once (rare, and an index
-- on the date would slow every rebuild for it).

CREATE TABLE checks (
    school    text NOT NULL,
    year      integer NOT NULL,
    check_id  text NOT NULL,
    month     text NOT NULL,                                  -- YYYY-MM
    scope     text NOT NULL CHECK (scope IN ('school', 'class', 'teacher')),
    target_id text,                                           -- the class or teacher checked
    findings  jsonb NOT NULL DEFAULT '[]',                    -- [Finding] at opening
    opened_by text NOT NULL,
    opened_at timestamptz NOT NULL,
    last_seq  bigint NOT NULL,
    closed    boolean NOT NULL,
    closed_by text,
    closed_at timestamptz,
    PRIMARY KEY (school, year, check_id)
);

CREATE TABLE remarks (
    school        text NOT NULL,
    year          integer NOT NULL,
    check_id      text NOT NULL,
    remark_id     text NOT NULL,
    teacher_id    text NOT NULL,                              -- addressed to
    about         text NOT NULL CHECK (about IN ('lesson', 'class_subject', 'teacher')),
    text          text NOT NULL,
    lesson_id     text,
    class_id      text,
    subject_id    text,
    finding_id    text,
    issued_by     text NOT NULL,
    issued_at     timestamptz NOT NULL,
    last_seq      bigint NOT NULL,
    status        text NOT NULL CHECK (status IN ('issued', 'resolved', 'confirmed', 'reopened')),
    resolved_at   timestamptz,
    resolve_note  text,
    confirmed_at  timestamptz,
    reopened_at   timestamptz,
    reopen_reason text,
    PRIMARY KEY (school, year, check_id, remark_id)
);
CREATE INDEX remarks_by_teacher ON remarks (teacher_id, school, year);
