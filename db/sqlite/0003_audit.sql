-- Append-only: every write and every refused request, who (key id and role, never the key), what, when, result.
CREATE TABLE audit_log (
    id      INTEGER NOT NULL PRIMARY KEY,
    at      TEXT    NOT NULL,
    key_id  INTEGER NULL,
    role    TEXT    NULL,
    method  TEXT    NOT NULL,
    path    TEXT    NOT NULL,
    status  INTEGER NOT NULL,
    target  TEXT    NULL
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
