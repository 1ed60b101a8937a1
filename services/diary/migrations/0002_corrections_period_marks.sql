-- Corrections after close flagged on lessons and marks, and the period marks of each class and
-- subject (record kind 'period-marks'). Rows exploded from records, as in 0001.

ALTER TABLE lessons ADD COLUMN corrected_after_close boolean NOT NULL DEFAULT false;
ALTER TABLE marks ADD COLUMN corrected_after_close boolean NOT NULL DEFAULT false;

-- From period-marks records (record id `<class_id>--<subject_id>`): the mark last set for a
-- pupil and period, with the average beside it. No inputs, no reasons, no names.
CREATE TABLE period_marks (
    school                text NOT NULL,
    year                  integer NOT NULL,
    record_id             text NOT NULL,
    class_id              text NOT NULL,
    subject_id            text NOT NULL,
    period_id             text NOT NULL,
    pupil                 text NOT NULL,
    value                 text NOT NULL,
    average               numeric(6, 2),
    corrected_after_close boolean NOT NULL,
    PRIMARY KEY (school, year, record_id, period_id, pupil)
);
CREATE INDEX period_marks_by_pupil ON period_marks (school, year, pupil, subject_id);
