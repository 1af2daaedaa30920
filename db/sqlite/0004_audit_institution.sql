-- What a write acted on: its query string (an admin's ?institution=, a sweep's ?date=) and the institution acted for.
ALTER TABLE audit_log ADD COLUMN query TEXT NULL;
ALTER TABLE audit_log ADD COLUMN institution TEXT NULL;
