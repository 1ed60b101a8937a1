-- The diary's schema: the depersonalised feed staged per batch, the current records, the
-- relational rows the views read (exploded from the records), batches and access grants.
-- Unqualified names: `migrate` sets search_path to the target schema.

-- Records wait here until their batch's manifest arrives (or forever, if it never does).
CREATE TABLE staged_records (
    batch_id   text NOT NULL,
    idx        integer NOT NULL,
    school     text NOT NULL,
    year       integer NOT NULL,
    kind       text NOT NULL,
    record_id  text NOT NULL,
    seq        bigint NOT NULL,
    digest     text NOT NULL,
    content    jsonb NOT NULL,
    staged_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (batch_id, idx)
);
-- The full batch's anti-join (current records not in the batch) looks records up by key.
CREATE INDEX staged_records_by_key ON staged_records (batch_id, kind, record_id);

-- The current state: one row per aggregate, the record with the highest seq.
-- Byte-order collation: `GET /records` streams them in (kind, id) byte order off this key.
CREATE TABLE records (
    school     text NOT NULL,
    year       integer NOT NULL,
    kind       text COLLATE "C" NOT NULL,
    record_id  text COLLATE "C" NOT NULL,
    seq        bigint NOT NULL,
    digest     text NOT NULL,
    content    jsonb NOT NULL,
    batch_id   text NOT NULL,
    PRIMARY KEY (school, year, kind, record_id)
);

-- Every batch whose manifest arrived: applied, or rejected with the reason.
CREATE TABLE batches (
    batch_id        text PRIMARY KEY,
    school          text NOT NULL,
    year            integer NOT NULL,
    kind            text NOT NULL,
    from_seq        bigint NOT NULL,
    to_seq          bigint NOT NULL,
    records         integer NOT NULL,
    checksum        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason          text,
    cut_at          timestamptz NOT NULL,
    received_at     timestamptz NOT NULL,
    applied_at      timestamptz NOT NULL DEFAULT now(),
    stream_seq      bigint NOT NULL,
    drift_missing   integer,
    drift_extra     integer,
    drift_different integer,
    drift_same      integer
);
CREATE INDEX batches_recent ON batches (stream_seq DESC);

-- Access grants of portal users, per school year; a revoked grant keeps its row with revoked_at
-- set until the same grant (same user and scope) is given again.
CREATE TABLE grants (
    grant_id      text NOT NULL,
    school        text NOT NULL,
    year          integer NOT NULL,
    uid           bigint NOT NULL,
    scope_kind    text NOT NULL CHECK (scope_kind IN ('pupil', 'class')),
    pupil         text,
    relation      text,
    class_id      text,
    subject_id    text,
    granted_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason text,
    PRIMARY KEY (school, year, grant_id)
);
CREATE INDEX grants_live ON grants (school, year, uid) WHERE revoked_at IS NULL;

-- ------------------------------------------------------------ rows exploded from records

-- From the school record (one per school and year).
CREATE TABLE school_config (
    school     text NOT NULL,
    year       integer NOT NULL,
    starts_on  date,
    ends_on    date,
    PRIMARY KEY (school, year)
);
CREATE TABLE periods (
    school     text NOT NULL,
    year       integer NOT NULL,
    period_id  text NOT NULL,
    name       text NOT NULL,
    starts_on  date NOT NULL,
    ends_on    date NOT NULL,
    PRIMARY KEY (school, year, period_id)
);
CREATE TABLE scale (
    school     text NOT NULL,
    year       integer NOT NULL,
    value      text NOT NULL,
    numeric    integer,
    label      text NOT NULL,
    PRIMARY KEY (school, year, value)
);
CREATE TABLE work_kinds (
    school       text NOT NULL,
    year         integer NOT NULL,
    work_kind_id text NOT NULL,
    name         text NOT NULL,
    weight       numeric NOT NULL,
    PRIMARY KEY (school, year, work_kind_id)
);
CREATE TABLE subjects (
    school     text NOT NULL,
    year       integer NOT NULL,
    subject_id text NOT NULL,
    name       text NOT NULL,
    PRIMARY KEY (school, year, subject_id)
);

-- From class records.
CREATE TABLE classes (
    school           text NOT NULL,
    year             integer NOT NULL,
    class_id         text NOT NULL,
    grade            integer NOT NULL,
    label            text NOT NULL,
    class_teacher_id text NOT NULL,
    PRIMARY KEY (school, year, class_id)
);
CREATE TABLE class_members (
    school     text NOT NULL,
    year       integer NOT NULL,
    class_id   text NOT NULL,
    pupil      text NOT NULL,
    since      date NOT NULL,
    last_day   date,
    PRIMARY KEY (school, year, class_id, pupil, since)
);
CREATE INDEX class_members_by_pupil ON class_members (school, year, pupil);
CREATE TABLE class_teaching (
    school     text NOT NULL,
    year       integer NOT NULL,
    class_id   text NOT NULL,
    position   integer NOT NULL,
    teacher_id text NOT NULL,
    subject_id text NOT NULL,
    grp        text,
    PRIMARY KEY (school, year, class_id, position)
);

-- From lesson records.
CREATE TABLE lessons (
    school          text NOT NULL,
    year            integer NOT NULL,
    lesson_id       text NOT NULL,
    class_id        text NOT NULL,
    subject_id      text NOT NULL,
    date            date NOT NULL,
    slot            integer NOT NULL,
    grp             text,
    teacher_id      text NOT NULL,
    status          text NOT NULL,
    topic           text,
    homework        text,
    homework_due_on date,
    PRIMARY KEY (school, year, lesson_id)
);
CREATE INDEX lessons_by_class_date ON lessons (school, year, class_id, date, slot);
CREATE INDEX lessons_by_class_subject ON lessons (school, year, class_id, subject_id, date);
CREATE TABLE lesson_files (
    school        text NOT NULL,
    year          integer NOT NULL,
    lesson_id     text NOT NULL,
    position      integer NOT NULL,
    attachment_id text NOT NULL,
    name          text NOT NULL,
    size          bigint NOT NULL,
    media_type    text NOT NULL,
    sha256        text NOT NULL,
    PRIMARY KEY (school, year, lesson_id, position)
);
CREATE INDEX lesson_files_by_attachment ON lesson_files (school, year, attachment_id);
CREATE TABLE marks (
    school       text NOT NULL,
    year         integer NOT NULL,
    lesson_id    text NOT NULL,
    position     integer NOT NULL,
    mark_id      text NOT NULL,
    pupil        text NOT NULL,
    value        text NOT NULL,
    work_kind_id text NOT NULL,
    weight       numeric NOT NULL,
    comment      text,
    counts       boolean NOT NULL,
    corrected    boolean NOT NULL,
    PRIMARY KEY (school, year, lesson_id, position)
);
CREATE INDEX marks_by_pupil ON marks (school, year, pupil);
CREATE TABLE absences (
    school       text NOT NULL,
    year         integer NOT NULL,
    lesson_id    text NOT NULL,
    position     integer NOT NULL,
    pupil        text NOT NULL,
    kind         text NOT NULL,
    minutes_late integer,
    reason       text NOT NULL,
    letter       text NOT NULL,
    PRIMARY KEY (school, year, lesson_id, position)
);
CREATE INDEX absences_by_pupil ON absences (school, year, pupil);
