-- What a write acted on: its query string (an admin's ?institution=, a sweep's ?date=) and the institution acted for.
ALTER TABLE compliance.audit_log ADD query nvarchar(2048) NULL, institution nvarchar(32) COLLATE Latin1_General_100_BIN2 NULL;
