-- School years closed by a rollover (journal.SchoolYearClosed), marked by the live export
-- projection in the batch's transaction. A full export of the closed year and one of the new
-- year follow, each once (trigger 'rollover'); `done_at` is set when both are done.
CREATE TABLE rollovers (
    school     text NOT NULL,
    year       integer NOT NULL,        -- the closed year
    next_year  integer NOT NULL,
    noticed_at timestamptz NOT NULL DEFAULT now(),
    done_at    timestamptz,
    PRIMARY KEY (school, year)
);
