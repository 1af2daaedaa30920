-- An idempotent submission's fingerprint is the body's SHA-256 (64 hex digits), its period, its institution's code (up
-- to 32 characters) and whether it is a dry run, separated by '|': up to 111 characters. SQL Server widens its column
-- to 160 in this migration; here it was declared so from the start, and stays so.
ALTER TABLE compliance.idempotency_keys ALTER COLUMN fingerprint TYPE varchar(160);
