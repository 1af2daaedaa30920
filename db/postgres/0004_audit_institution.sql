-- What a write acted on: its query string (an admin's ?institution=, a sweep's ?date=) and the institution acted for.
ALTER TABLE compliance.audit_log ADD COLUMN query varchar(2048) NULL, ADD COLUMN institution varchar(32) COLLATE "C" NULL;
