-- Erasing a person's personal data (issue 20): built by the projection `journal_view_v1`
-- (services/journal/adapters/erasure_projection.py, from the fold
-- services/journal/domain/projection/erasures.py).

-- An erased pupil's rows (every school year's) keep no birth date; their name reads «[удалено]».
ALTER TABLE pupils ALTER COLUMN birth_date DROP NOT NULL;

-- Every recorded erasure (`journal.PersonErased`): who was erased, when, by whom and why. The
-- keys themselves are destroyed in the key store (services/common/keystore.py), which keeps its
-- own record of each destroyed key.
CREATE TABLE erasures (
    school       text NOT NULL,
    year         integer NOT NULL,              -- the school year the erasure was recorded in
    kind         text NOT NULL CHECK (kind IN ('pupil', 'staff')),
    person       text NOT NULL,
    applications text[] NOT NULL,               -- applications whose applicants' data went too
    reason       text NOT NULL,
    actor_id     text NOT NULL,
    actor_role   text NOT NULL,                 -- 'system' for the retention rule
    erased_at    timestamptz NOT NULL,          -- the envelope's occurred_at
    seq          bigint NOT NULL,
    PRIMARY KEY (school, kind, person, seq)
);
