-- The school year's plan, from the school record (fields it gained later: a record stored
-- before them explodes into no rows here, which reads as the year's periods for every grade,
-- the default assessments and no day off).

-- The periods of each grade a scheme governs (quarters for 2-9, halves for 10-11, ...); a
-- grade with no row works in the year's own `periods`.
CREATE TABLE grade_periods (
    school      text NOT NULL,
    year        integer NOT NULL,
    grade       integer NOT NULL,
    scheme_id   text NOT NULL,
    scheme_name text NOT NULL,
    period_id   text NOT NULL,
    name        text NOT NULL,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL,
    PRIMARY KEY (school, year, grade, period_id)
);

-- How a subject is assessed in a grade, where the school said so (elsewhere: on the scale, and
-- not at all in the first grade: `kernel.year_plan`).
CREATE TABLE subject_assessments (
    school     text NOT NULL,
    year       integer NOT NULL,
    subject_id text NOT NULL,
    grade      integer NOT NULL,
    assessment text NOT NULL CHECK (assessment IN ('scale', 'pass_fail', 'unmarked')),
    PRIMARY KEY (school, year, subject_id, grade)
);

-- Holidays and vacations, in the school's order.
CREATE TABLE days_off (
    school    text NOT NULL,
    year      integer NOT NULL,
    position  integer NOT NULL,
    name      text NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('holiday', 'vacation')),
    starts_on date NOT NULL,
    ends_on   date NOT NULL,
    PRIMARY KEY (school, year, position)
);
