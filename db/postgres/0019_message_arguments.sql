-- A ledger error keeps the name of its message and its arguments (a JSON array of strings), so it is written in the
-- language of the request that reads it (api.md, "Conventions", Language). NULL for an error stored before: it keeps
-- its stored English text. (Warnings are stored as JSON in submissions.warnings and carry the same two members.)
ALTER TABLE compliance.submission_errors ADD COLUMN message_name varchar(64) NULL, ADD COLUMN message_arguments text NULL;

-- The Content-Language of an idempotent submission's first answer, replayed with it byte for byte. NULL for an
-- answer stored before: it was written in English.
ALTER TABLE compliance.idempotency_keys ADD COLUMN content_language varchar(16) NULL;
