-- Portal users' own data, projected from their aggregates on PORTAL (`prt.<school>.user.<uid>`):
-- the label each user is shown by in messages, the labels they gave their children and how far
-- they have seen each child's changes. A label is what the portal user typed (their own data);
-- pupils are pseudonyms. `seq` is the PORTAL stream sequence of the event that set the label:
-- an older event applied again never overwrites a newer one.

CREATE TABLE user_labels (
    school  text NOT NULL,
    uid     bigint NOT NULL,
    label   text NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (school, uid)
);

CREATE TABLE child_labels (
    school  text NOT NULL,
    uid     bigint NOT NULL,
    pupil   text NOT NULL,
    label   text NOT NULL,
    seq     bigint NOT NULL,
    PRIMARY KEY (school, uid, pupil)
);

-- The highest change id of the pupil's «Что нового» the user has seen; it only moves forward.
CREATE TABLE changes_seen (
    school  text NOT NULL,
    uid     bigint NOT NULL,
    pupil   text NOT NULL,
    up_to   bigint NOT NULL,
    PRIMARY KEY (school, uid, pupil)
);
