-- The year's plan per grade (issue 18), folded by kernel/school.py into the configuration row:
-- the schemes of periods still in force for some grade, the subjects assessed otherwise than on
-- the scale in some grades, and the calendar's days off. Rows built before these events existed
-- hold none of them, which is what the empty defaults say.
ALTER TABLE school_config
    ADD COLUMN schemes     jsonb NOT NULL DEFAULT '[]',  -- [PeriodSchemeSet without envelope]
    ADD COLUMN assessments jsonb NOT NULL DEFAULT '[]',  -- [SubjectAssessmentSet]
    ADD COLUMN days_off    jsonb NOT NULL DEFAULT '[]';  -- [{name, kind, starts_on, ends_on}]
