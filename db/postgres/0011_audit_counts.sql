-- Refusals without a valid key are counted, not recorded one by one: one row per (source address, route, status,
-- minute) whose request_count grows and whose last_at follows the latest request, and past 1,000 such rows in a minute
-- one overflow row for that minute. A write, and a refusal of a valid key, stay rows of their own (request_count 1,
-- last_at = at), as every row written before is.
ALTER TABLE compliance.audit_log
    ADD COLUMN last_at        timestamptz(3)  NULL,
    ADD COLUMN route          varchar(256) NULL,
    ADD COLUMN request_count  bigint        NOT NULL DEFAULT 1,
    ADD COLUMN source_address varchar(64)  COLLATE "C" NULL,
    ADD COLUMN minute_start   timestamptz(0)  NULL;

UPDATE compliance.audit_log SET last_at = at;

-- Every node adds to the same row: the key of a counted row, and the one overflow row of a minute, are unique.
CREATE UNIQUE INDEX ux_audit_log_counted ON compliance.audit_log (minute_start, source_address, route, status) WHERE source_address IS NOT NULL;
CREATE UNIQUE INDEX ux_audit_log_overflow ON compliance.audit_log (minute_start) WHERE source_address = '(overflow)';
