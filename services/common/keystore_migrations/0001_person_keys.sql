-- The school side's key store: one key per person whose data events carry sealed
-- (`contracts.personal`). Destroying a key (key = NULL) erases that person's data from every
-- stream at once; the row stays as the record of who erased it, when and why.
-- Back it up with the installation: without it, no sealed name or birth date can be read again.
CREATE TABLE person_keys (
    key_id       text PRIMARY KEY,
    school       text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('pupil', 'staff', 'applicant')),
    person       text NOT NULL,
    -- The pupil an applicant's key belongs to: erasing a pupil erases their applicants' data.
    pupil        text,
    key          bytea CHECK (key IS NULL OR length(key) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    erased_at    timestamptz,
    erased_by    text,
    erase_reason text,
    CHECK ((key IS NULL) = (erased_at IS NOT NULL))
);

CREATE INDEX person_keys_by_person ON person_keys (school, kind, person);
CREATE INDEX person_keys_by_pupil ON person_keys (school, pupil) WHERE pupil IS NOT NULL;
