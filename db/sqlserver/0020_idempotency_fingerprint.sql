-- An idempotent submission's fingerprint is the body's SHA-256 (64 hex digits), its period, its institution's code (up
-- to 32 characters) and whether it is a dry run, separated by '|': up to 111 characters, more than the 64 it was
-- declared with, so SQL Server refused the key of any submission that carried one. The primary key does not hold it.
ALTER TABLE compliance.idempotency_keys ALTER COLUMN fingerprint nvarchar(160) NOT NULL;
