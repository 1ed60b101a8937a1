-- The enrollment's copy of the journal roster (projection `enrollment_roster_v1` of JOURNAL).
-- Lives in its own schema (default `enrollment_roster`): a rebuild swaps a whole schema.
-- Unqualified names: `migrate` sets search_path to the target schema.

-- The school's name per school year (printed on application forms).
CREATE TABLE school_years (
    school      text NOT NULL,
    year        int  NOT NULL,
    school_name text NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    PRIMARY KEY (school, year)
);

-- Pupils and staff as last registered (a pupil id names one pupil across years).
CREATE TABLE pupils (
    school     text NOT NULL,
    pupil_id   text NOT NULL,
    full_name  text NOT NULL,
    birth_date date NOT NULL,
    PRIMARY KEY (school, pupil_id)
);

CREATE TABLE staff (
    school    text NOT NULL,
    staff_id  text NOT NULL,
    full_name text NOT NULL,
    position  text NOT NULL,
    PRIMARY KEY (school, staff_id)
);

CREATE TABLE classes (
    school   text NOT NULL,
    year     int  NOT NULL,
    class_id text NOT NULL,
    grade    int  NOT NULL,
    label    text NOT NULL,
    PRIMARY KEY (school, year, class_id)
);

-- A pupil's stays in a class: from `since` to `last_day` (inclusive; NULL while in it).
-- Keyed by the stream sequence of the joining event, so a redelivery cannot add a row twice.
CREATE TABLE memberships (
    seq      bigint PRIMARY KEY,
    school   text NOT NULL,
    year     int  NOT NULL,
    class_id text NOT NULL,
    pupil_id text NOT NULL,
    since    date NOT NULL,
    last_day date
);
CREATE INDEX memberships_pupil ON memberships (school, pupil_id);

-- Class teachers and teaching assignments over time: from/to are the events' occurred_at.
CREATE TABLE class_teachers (
    seq        bigint PRIMARY KEY,
    school     text NOT NULL,
    year       int  NOT NULL,
    class_id   text NOT NULL,
    teacher_id text NOT NULL,
    from_at    timestamptz NOT NULL,
    to_at      timestamptz
);
CREATE INDEX class_teachers_class ON class_teachers (school, year, class_id);

CREATE TABLE teaching (
    seq        bigint PRIMARY KEY,
    school     text NOT NULL,
    year       int  NOT NULL,
    class_id   text NOT NULL,
    subject_id text NOT NULL,
    teacher_id text NOT NULL,
    grp        text NOT NULL DEFAULT '',
    from_at    timestamptz NOT NULL,
    to_at      timestamptz
);
CREATE INDEX teaching_class ON teaching (school, year, class_id);
