-- The exporter's tables. Unqualified names: `migrate` sets search_path to the service's (or a
-- full export's scratch) schema.

-- The export state (projection `export_docs_v1`): the diary-side document of every exported
-- journal aggregate, as of journal sequence `seq` (the last event folded into it).
CREATE TABLE docs (
    school    text NOT NULL,
    year      integer NOT NULL,
    kind      text NOT NULL CHECK (kind IN ('school', 'class', 'lesson')),
    record_id text NOT NULL,
    seq       bigint NOT NULL,
    content   jsonb NOT NULL,
    digest    text NOT NULL,
    PRIMARY KEY (school, year, kind, record_id)
);

-- A delta reads the documents changed in a range of sequences (then keeps its school year).
-- Not led by (school, year): lookups by key must find the primary key the better index.
CREATE INDEX docs_changed ON docs (seq);

-- Every export run: what it covered, how it ended. The delta cursor of (school, year) is the
-- `to_seq` of its last 'published' or 'empty' delta.
CREATE TABLE runs (
    run_id       uuid PRIMARY KEY,
    batch_id     text,
    school       text NOT NULL,
    year         integer NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('delta', 'full')),
    trigger      text NOT NULL CHECK (trigger IN ('schedule', 'api', 'cli', 'rollover')),
    from_seq     bigint NOT NULL,
    to_seq       bigint,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    status       text NOT NULL CHECK (status IN ('running', 'published', 'empty', 'failed')),
    records      integer NOT NULL DEFAULT 0,
    files_copied integer NOT NULL DEFAULT 0,
    files_missing integer NOT NULL DEFAULT 0,  -- named by lessons, absent from the school's bucket
    checksum     text,
    duration_ms  integer,
    error        text
);

CREATE INDEX runs_recent ON runs (school, year, started_at DESC);
CREATE INDEX runs_batch ON runs (batch_id);
