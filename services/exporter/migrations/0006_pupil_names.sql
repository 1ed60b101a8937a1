-- The name guard (issue 20): the full names of the school's pupils, folded from the journal's
-- `PupilRegistered` by the export projection in its batches' transactions. School side only:
-- never published. The exporter replaces every mention of these pupils in an exported free
-- text with a neutral mark. A renamed pupil keeps their earlier names here too (a teacher may
-- still type the old one).
CREATE TABLE pupil_names (
    school    text NOT NULL,
    year      integer NOT NULL,
    pupil_id  text NOT NULL,
    full_name text NOT NULL,
    seq       bigint NOT NULL,  -- the journal sequence of the registration that named them so
    PRIMARY KEY (school, year, pupil_id, full_name)
);

-- How many mentions of pupils a run's batch replaced.
ALTER TABLE runs ADD COLUMN names_redacted integer NOT NULL DEFAULT 0;

-- An export state folded before this migration knows no pupil's name: the service fills
-- `pupil_names` once, at its next start, from the journal's pupil subjects alone (a short
-- replay), and clears the mark (`PgExportState.backfill_names`). A fresh state, and the scratch
-- schema of a full export or a rebuild, fold the names with everything else.
CREATE TABLE pupil_names_backfill (due boolean NOT NULL);
INSERT INTO pupil_names_backfill (due)
SELECT EXISTS (
    SELECT 1 FROM projection_checkpoints WHERE name = 'export_docs_v1' AND last_seq > 0
);
