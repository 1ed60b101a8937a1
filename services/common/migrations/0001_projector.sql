-- The projector's own tables, applied into every service schema before the service's migrations.
-- Unqualified names: `migrate` sets search_path to the target schema.

-- The last stream sequence applied per projection; written in the same transaction as its rows.
CREATE TABLE projection_checkpoints (
    name       text PRIMARY KEY,
    last_seq   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Events a projection could not apply (undecodable, unknown type or version, or refused by the
-- fold), kept with the reason and the raw message so nothing is ever dropped silently.
CREATE TABLE dead_letters (
    id          bigserial PRIMARY KEY,
    projection  text NOT NULL,
    stream_seq  bigint NOT NULL,
    subject     text NOT NULL,
    event_type  text,
    reason      text NOT NULL,
    body        text NOT NULL,
    headers     jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (projection, stream_seq)
);
