-- Erasure (`journal.PersonErased`, crypto-shredding): an erased pupil's birth date is gone
-- (NULL); names stay text and read «[удалено]».
ALTER TABLE pupils ALTER COLUMN birth_date DROP NOT NULL;
