-- Events applied although they held text PostgreSQL cannot store (NUL, lone surrogates): each
-- such character was replaced by U+FFFD before decoding (services/common/text_repair.py). One
-- row per event and projection, written in the batch's transaction, so nothing is changed
-- silently; `fields` names where (e.g. `data.mark.comment`).
CREATE TABLE text_repairs (
    projection  text NOT NULL,
    stream_seq  bigint NOT NULL,
    subject     text NOT NULL,
    event_type  text NOT NULL,
    fields      text[] NOT NULL,
    repaired_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, stream_seq)
);
