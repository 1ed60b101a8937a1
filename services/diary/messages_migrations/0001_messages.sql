-- The messages' read model, projected from the PORTAL stream into its own schema (by default
-- `<diary schema>_messages`), so that rebuilding it swaps this schema only. No names: portal
-- users are UIDs, pupils pseudonyms; texts and file names are what portal users wrote.
-- Unqualified names: `migrate` sets search_path to the target schema.

CREATE TABLE threads (
    school          text NOT NULL,
    thread_id       text NOT NULL,
    year            integer NOT NULL,
    class_id        text NOT NULL,
    subject_id      text,
    title           text NOT NULL,
    started_by      bigint NOT NULL,
    started_at      timestamptz NOT NULL,
    last_index      integer NOT NULL,
    last_message_at timestamptz NOT NULL,
    PRIMARY KEY (school, thread_id)
);

-- One row per participant; `read_up_to` is the index of the last message they have read.
CREATE TABLE participants (
    school      text NOT NULL,
    thread_id   text NOT NULL,
    uid         bigint NOT NULL,
    role        text NOT NULL CHECK (role IN ('teacher', 'parent', 'pupil')),
    pupils      text[] NOT NULL,
    read_up_to  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (school, thread_id, uid)
);
CREATE INDEX participants_by_uid ON participants (school, uid);

CREATE TABLE messages (
    school      text NOT NULL,
    thread_id   text NOT NULL,
    idx         integer NOT NULL,
    message_id  text NOT NULL,
    author      bigint NOT NULL,
    text        text NOT NULL,
    attachments jsonb NOT NULL,
    posted_at   timestamptz NOT NULL,
    PRIMARY KEY (school, thread_id, idx)
);

-- Who received each message (its author never does): unread = received after `read_up_to`.
CREATE TABLE message_recipients (
    school     text NOT NULL,
    thread_id  text NOT NULL,
    idx        integer NOT NULL,
    uid        bigint NOT NULL,
    PRIMARY KEY (school, thread_id, uid, idx)
);
