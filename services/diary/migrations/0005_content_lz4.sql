-- A record's content is written twice per batch (staged, then current) and read once per read
-- table when its rows are exploded: lz4 compresses it at about half the cost of the default
-- pglz and decompresses it several times faster (a school year's full batch: 100,000 lessons
-- of 2-3 kB each). Only new values are compressed so; a server built without lz4 keeps pglz.
DO $$
BEGIN
    ALTER TABLE staged_records ALTER COLUMN content SET COMPRESSION lz4;
    ALTER TABLE records ALTER COLUMN content SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 unavailable: record contents stay compressed with pglz';
END
$$;
