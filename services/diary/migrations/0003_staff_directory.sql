-- From the staff directory record (kind 'staff', one per school year, id = the school): the
-- teaching staff by surname and initials with the subjects they teach. Public by law; the only
-- names on the portal side, and never a full name (the contract refuses any other form).
CREATE TABLE staff_directory (
    school     text NOT NULL,
    year       integer NOT NULL,
    staff_id   text NOT NULL,
    short_name text NOT NULL,
    subjects   text[] NOT NULL,
    PRIMARY KEY (school, year, staff_id)
);
