-- Append-only: every write and every refused request, who (key id and role, never the key), what, when, result.
CREATE TABLE compliance.audit_log (
    id      bigint         IDENTITY(1,1) NOT NULL,
    at      datetime2(3)   NOT NULL,
    key_id  bigint         NULL,
    role    nvarchar(32)   NULL,
    method  nvarchar(16)   NOT NULL,
    path    nvarchar(2048) NOT NULL,
    status  int            NOT NULL,
    target  nvarchar(256)  NULL,
    CONSTRAINT pk_audit_log PRIMARY KEY (id)
);
CREATE INDEX ix_audit_log_at ON compliance.audit_log (at);
