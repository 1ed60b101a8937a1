-- The enrollment read model (projection `enrollment_view_v1` of ENROLLMENT), schema `enrollment`.
-- Unqualified names: `migrate` sets search_path to the target schema.

-- One row per application; an approved one is also a link, live from `linked_from` until
-- `linked_to` (a withdrawal or the pupil's departure).
CREATE TABLE applications (
    school            text NOT NULL,
    application_id    text NOT NULL,
    pupil_id          text NOT NULL,
    uid               bigint NOT NULL,
    relation          text NOT NULL,
    applicant_name    text NOT NULL,
    kinship           text,
    contact           text,
    status            text NOT NULL,
    submitted_at      timestamptz NOT NULL,
    submitted_by      text NOT NULL,
    checked_at        timestamptz,
    checked_by        text,             -- the member of staff who compared the names
    check_recorded_by text,             -- who recorded the check
    decided_at        timestamptz,
    decided_by        text,
    rejection_reason  text,
    linked_from       timestamptz,
    linked_to         timestamptz,
    ended_by          text,             -- who recorded the end of the link
    end_requested_by  text,             -- parent | pupil | school | departure
    end_reason        text,
    last_seq          bigint NOT NULL,
    PRIMARY KEY (school, application_id)
);
CREATE INDEX applications_pupil ON applications (school, pupil_id);
CREATE INDEX applications_status ON applications (school, status, submitted_at);

CREATE TABLE departures (
    school      text NOT NULL,
    pupil_id    text NOT NULL,
    last_day    date NOT NULL,
    reason      text NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL,
    PRIMARY KEY (school, pupil_id)
);

-- Staff UIDs over time, keyed by the sequence of the recording event.
CREATE TABLE staff_uids (
    seq         bigint PRIMARY KEY,
    school      text NOT NULL,
    staff_id    text NOT NULL,
    uid         bigint NOT NULL,
    recorded_at timestamptz NOT NULL,
    recorded_by text NOT NULL,
    ended_at    timestamptz,
    ended_by    text,
    end_reason  text
);
CREATE INDEX staff_uids_staff ON staff_uids (school, staff_id);
CREATE INDEX staff_uids_live ON staff_uids (school, uid) WHERE ended_at IS NULL;
