-- Who runs a scheduled export: one row per school year, kind and scheduled moment, inserted by
-- the first replica that takes it (INSERT ... ON CONFLICT DO NOTHING). The other replicas go on
-- to the next school year, so the schools are spread over them and none is exported twice for
-- one moment. A few rows per school a day.
CREATE TABLE scheduled_claims (
    school     text NOT NULL,
    year       integer NOT NULL,
    kind       text NOT NULL,
    due_at     timestamptz NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (school, year, kind, due_at)
);
