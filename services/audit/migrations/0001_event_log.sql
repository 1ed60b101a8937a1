-- The audit's event log: every message of every stream, once, in one table.
-- Four projections (one per stream) write here, each with its own checkpoint; a rebuild replays
-- all four into a fresh schema before swapping it in, so the table is always whole.
CREATE TABLE event_log (
    stream         text NOT NULL,
    seq            bigint NOT NULL,
    -- "C" collation: the (school, subject) index then serves prefix LIKE patterns too.
    subject        text COLLATE "C" NOT NULL,
    event_type     text NOT NULL,
    -- 0 marks a message no registry could decode (its dead letter says why).
    schema_version int NOT NULL,
    occurred_at    timestamptz,
    -- The JetStream timestamp: when the server really stored the message.
    recorded_at    timestamptz NOT NULL,
    actor_id       text,
    actor_role     text,
    school         text NOT NULL,
    year           int,
    correlation_id text,
    causation_id   text,
    data           jsonb NOT NULL,
    prev_hash      text NOT NULL DEFAULT '',
    PRIMARY KEY (stream, seq)
);

CREATE INDEX event_log_by_subject ON event_log (school, subject, stream, seq);
CREATE INDEX event_log_by_time ON event_log (school, stream, recorded_at);
-- Histories and reports look events up by type within a school and stream.
CREATE INDEX event_log_by_type ON event_log (school, stream, event_type, seq);
