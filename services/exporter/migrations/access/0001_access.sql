-- The exporter's projection of the ENROLLMENT stream (`exporter_access_v1`), in a schema of its
-- own (`<exporter schema>_access`) so that a rebuild can swap the whole schema. Unqualified
-- names: `migrate` sets search_path.

-- Every link a portal user holds to a pupil's diary, by the application that created it;
-- `ended` says how it ended (NULL while live).
CREATE TABLE links (
    school         text NOT NULL,
    pupil_id       text NOT NULL,
    application_id text NOT NULL,
    uid            bigint NOT NULL,
    relation       text NOT NULL CHECK (relation IN ('parent', 'pupil')),
    ended          text CHECK (ended IN ('withdrawn', 'departed')),
    PRIMARY KEY (school, pupil_id, application_id)
);

-- The portal UID of each member of staff who has one (the latest recorded), live or revoked.
CREATE TABLE staff_uids (
    school   text NOT NULL,
    staff_id text NOT NULL,
    uid      bigint NOT NULL,
    live     boolean NOT NULL,
    PRIMARY KEY (school, staff_id)
);
