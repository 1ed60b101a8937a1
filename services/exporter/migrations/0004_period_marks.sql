-- The period marks of a class in a subject are exported too (record kind 'period-marks').
ALTER TABLE docs DROP CONSTRAINT docs_kind_check;
ALTER TABLE docs ADD CONSTRAINT docs_kind_check
    CHECK (kind IN ('school', 'class', 'lesson', 'period-marks'));
