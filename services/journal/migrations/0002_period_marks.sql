-- Period marks and corrections of closed periods, built by the journal view's projection
-- (services/journal/adapters/closing_projection.py) from the JOURNAL stream.
-- Unqualified names: `migrate` sets search_path to the service's (or a rebuild's) schema.

-- The mark last set for a pupil, subject and period, with what produced the average beside it.
CREATE TABLE period_marks (
    school            text NOT NULL,
    year              integer NOT NULL,
    class_id          text NOT NULL,
    subject_id        text NOT NULL,
    period_id         text NOT NULL,
    pupil_id          text NOT NULL,
    value             text NOT NULL,            -- the teacher's mark (on the scale, н/а, осв)
    average           numeric(6, 2),            -- the weighted average when it was set
    suggested         text,                     -- the average rounded under the rules
    inputs            jsonb NOT NULL,           -- [{mark_id, lesson_id, date, value, weight, counts}]
    rules_version     integer NOT NULL,         -- 0: the defaults
    rounding          text NOT NULL,
    min_marks         integer NOT NULL,
    correction_reason text,                     -- set when corrected after the period closed
    set_by            text NOT NULL,
    set_at            timestamptz NOT NULL,
    last_seq          bigint NOT NULL,
    PRIMARY KEY (school, year, class_id, subject_id, period_id, pupil_id)
);

-- One row per lesson edit made as a correction of a closed period (or a sealed year): what it
-- touched (marks, pupils), why and by whom. Append-only, like the events it comes from.
CREATE TABLE lesson_corrections (
    school      text NOT NULL,
    year        integer NOT NULL,
    lesson_id   text NOT NULL,
    seq         bigint NOT NULL,                -- the stream sequence of the event
    kind        text NOT NULL,                  -- the event type, e.g. journal.MarkCorrected
    reason      text NOT NULL,
    actor_id    text NOT NULL,
    recorded_at timestamptz NOT NULL,
    mark_ids    text[] NOT NULL,
    pupil_ids   text[] NOT NULL,
    PRIMARY KEY (school, year, lesson_id, seq)
);
