-- The access grants the exporter published to the DIARY stream, and the school years due for a
-- sync. Not part of a projection: a rebuild of the export state leaves them alone.

-- One row per grant of a school year: its current state (live, or revoked with a reason) since
-- `since`, and the event that tells the diary so. `sent` stays false until the stream
-- acknowledged that event: a sync publishes every unsent row first (the outbox).
CREATE TABLE grants (
    school   text NOT NULL,
    year     integer NOT NULL,
    grant_id text NOT NULL,
    uid      bigint NOT NULL,
    scope    jsonb NOT NULL,           -- contracts.diary PupilScope or ClassScope: no names
    live     boolean NOT NULL,
    since    timestamptz NOT NULL,
    reason   text,                     -- the revocation's reason token while not live
    event_id uuid NOT NULL,
    sent     boolean NOT NULL,
    PRIMARY KEY (school, year, grant_id)
);

CREATE INDEX grants_unsent ON grants (school, year) WHERE NOT sent;

-- School years whose grants must be synced, marked in the same transaction as the projection
-- batch that changed their facts. Year 0: every year of the school (an enrollment change).
-- `version` grows with every mark, so that a sync clears only the marks it has seen.
CREATE TABLE grant_syncs_due (
    school  text NOT NULL,
    year    integer NOT NULL CHECK (year = 0 OR year >= 2000),
    version bigint NOT NULL DEFAULT 1,
    PRIMARY KEY (school, year)
);
