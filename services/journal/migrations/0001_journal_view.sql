-- The journal view (school side: names allowed), built by the projection `journal_view_v1`
-- (services/journal/adapters/journal_projection.py) from the JOURNAL stream.
-- Unqualified names: `migrate` sets search_path to the service's (or a rebuild's) schema.
-- Every row is keyed by (school, year, ...); `last_seq` / `last_event_seq` is the stream
-- sequence of the last event folded into the row.

CREATE TABLE school_config (
    school      text NOT NULL,
    year        integer NOT NULL,
    school_name text,
    starts_on   date,
    ends_on     date,
    periods     jsonb NOT NULL DEFAULT '[]',   -- [{period_id, name, starts_on, ends_on}]
    scale_id    text,
    scale       jsonb NOT NULL DEFAULT '{}',   -- {value: numeric or null}
    work_kinds  jsonb NOT NULL DEFAULT '[]',   -- [{work_kind_id, name, weight}]
    last_seq    bigint NOT NULL,
    PRIMARY KEY (school, year)
);

CREATE TABLE subjects (
    school     text NOT NULL,
    year       integer NOT NULL,
    subject_id text NOT NULL,
    name       text NOT NULL,
    last_seq   bigint NOT NULL,
    PRIMARY KEY (school, year, subject_id)
);

CREATE TABLE staff (
    school    text NOT NULL,
    year      integer NOT NULL,
    staff_id  text NOT NULL,
    full_name text NOT NULL,
    position  text NOT NULL,
    last_seq  bigint NOT NULL,
    PRIMARY KEY (school, year, staff_id)
);

CREATE TABLE pupils (
    school     text NOT NULL,
    year       integer NOT NULL,
    pupil_id   text NOT NULL,
    full_name  text NOT NULL,
    birth_date date NOT NULL,
    last_seq   bigint NOT NULL,
    PRIMARY KEY (school, year, pupil_id)
);

CREATE TABLE classes (
    school           text NOT NULL,
    year             integer NOT NULL,
    class_id         text NOT NULL,
    grade            smallint NOT NULL,
    label            text NOT NULL,
    class_teacher_id text NOT NULL,
    last_seq         bigint NOT NULL,
    PRIMARY KEY (school, year, class_id)
);

-- One row per interval of membership; a pupil who leaves and rejoins has two.
CREATE TABLE memberships (
    school   text NOT NULL,
    year     integer NOT NULL,
    class_id text NOT NULL,
    pupil_id text NOT NULL,
    since    date NOT NULL,
    last_day date,
    PRIMARY KEY (school, year, class_id, pupil_id, since)
);

CREATE TABLE assignments (
    school     text NOT NULL,
    year       integer NOT NULL,
    class_id   text NOT NULL,
    teacher_id text NOT NULL,
    subject_id text NOT NULL,
    grp        text
);
CREATE UNIQUE INDEX assignments_key
    ON assignments (school, year, class_id, subject_id, teacher_id, (coalesce(grp, '')));

CREATE TABLE lessons (
    school                text NOT NULL,
    year                  integer NOT NULL,
    lesson_id             text NOT NULL,
    class_id              text NOT NULL,
    subject_id            text NOT NULL,
    date                  date NOT NULL,
    slot                  smallint NOT NULL,
    grp                   text,
    timetabled_teacher_id text NOT NULL,
    teacher_id            text NOT NULL,                -- the teacher of record
    substituted           boolean NOT NULL,
    status                text NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    cancel_reason         text,
    topic                 text,
    homework_text         text,
    homework_due          date,
    attachments           jsonb NOT NULL DEFAULT '[]',  -- [{attachment_id, name, size, media_type, sha256}]
    attendance_taken      boolean NOT NULL,
    last_event_seq        bigint NOT NULL,
    first_entry_at        timestamptz,                  -- server time of the first entry
    last_entry_at         timestamptz,                  -- ... and of the last one
    PRIMARY KEY (school, year, lesson_id)
);
-- Secondary indexes lead with the class (or teacher), not with (school, year): a freshly built
-- table has no statistics yet, and an index led by (school, year) would look as good as the key
-- to the planner for the projection's key lookups, and be far worse.
CREATE INDEX lessons_by_class_subject ON lessons (class_id, subject_id, school, year, date, slot);
CREATE INDEX lessons_by_teacher ON lessons (teacher_id, date, school, year, slot);

CREATE TABLE marks (
    school       text NOT NULL,
    year         integer NOT NULL,
    lesson_id    text NOT NULL,
    mark_id      text NOT NULL,
    class_id     text NOT NULL,
    subject_id   text NOT NULL,
    date         date NOT NULL,
    pupil_id     text NOT NULL,
    value        text NOT NULL,
    numeric      integer,                 -- from the school's scale at the time; NULL if not numeric
    work_kind_id text NOT NULL,
    weight       numeric(4, 2) NOT NULL,
    comment      text,
    counts       boolean NOT NULL,
    cancelled    boolean NOT NULL,
    corrected    boolean NOT NULL,
    last_reason  text,                    -- of the last correction or cancellation
    recorded_by  text NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (school, year, lesson_id, mark_id)
);
-- No index besides the key: the grid reaches marks through its lessons (key prefix), which keeps
-- the biggest tables cheap to write during a rebuild.

CREATE TABLE absences (
    school        text NOT NULL,
    year          integer NOT NULL,
    lesson_id     text NOT NULL,
    pupil_id      text NOT NULL,
    class_id      text NOT NULL,
    subject_id    text NOT NULL,
    date          date NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('absent', 'late')),
    minutes_late  smallint,
    reason        text NOT NULL CHECK (reason IN ('illness', 'valid', 'unexcused', 'unknown')),
    evidence      text,
    letter        text NOT NULL,          -- Н, Б, У, П or ОП
    observed_by   text NOT NULL,
    reason_set_by text,
    PRIMARY KEY (school, year, lesson_id, pupil_id)
);
-- Reached through lessons, like marks.
