-- The export state keeps each document's state as the kernel folds it (projection
-- `export_docs_v2`): a lesson's, a class's and a class's period marks' rows in the stored form
-- of `services.exporter.domain.stored_docs`, from which the published record is mapped when a
-- batch is cut. `seq` stays the sequence of the last event that changed what the record says,
-- `digest` the SHA-256 of the stored state.
-- The rows of `export_docs_v1` held the published records: they cannot be read as states, so
-- they go with that projection's checkpoint and dead letters. The service then folds the
-- journal again from sequence 1 under the new name (the runs, grants and delta cursors stay:
-- the records it folds say what v1's said, so the next delta goes on from its cursor).
TRUNCATE docs;
DELETE FROM projection_checkpoints WHERE name = 'export_docs_v1';
DELETE FROM dead_letters WHERE projection = 'export_docs_v1';
