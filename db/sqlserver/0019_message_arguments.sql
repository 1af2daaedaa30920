-- A ledger error keeps the name of its message and its arguments (a JSON array of strings), so it is written in the
-- language of the request that reads it (api.md, "Conventions", Language). NULL for an error stored before: it keeps
-- its stored English text. (Warnings are stored as JSON in submissions.warnings and carry the same two members.)
ALTER TABLE compliance.submission_errors ADD message_name nvarchar(64) NULL, message_arguments nvarchar(max) NULL;

-- The Content-Language of an idempotent submission's first answer, replayed with it byte for byte. NULL for an
-- answer stored before: it was written in English.
ALTER TABLE compliance.idempotency_keys ADD content_language nvarchar(16) NULL;
