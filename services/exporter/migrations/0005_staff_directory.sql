-- The staff directory of each school year is exported too (record kind 'staff': teachers by
-- surname and initials, with their subjects), derived from the staff roll (kind 'staff-roll':
-- short names and teaching assignments, the fold's memory, never published).
-- A school year folded before this migration has neither: `projection rebuild` folds them from
-- the journal, and the next full export carries the directory to the diary.
ALTER TABLE docs DROP CONSTRAINT docs_kind_check;
ALTER TABLE docs ADD CONSTRAINT docs_kind_check
    CHECK (kind IN ('school', 'class', 'lesson', 'period-marks', 'staff', 'staff-roll'));
