-- What a sweep has read of the filings: the equivalent of db/sqlite/0022_swept_filings.sql. Each accepted ledger and
-- each deliverable carries the day of the sweep that first read it, NULL until one has; what was filed before this
-- version counts as read on the day (UTC) it was received (the first sweep after it plans every deadline anew).
ALTER TABLE compliance.submissions ADD COLUMN swept_on date NULL;
ALTER TABLE compliance.deliverables ADD COLUMN swept_on date NULL;
UPDATE compliance.submissions SET swept_on = (received_at AT TIME ZONE 'UTC')::date WHERE status = 'accepted' AND version IS NOT NULL;
UPDATE compliance.deliverables SET swept_on = (received_at AT TIME ZONE 'UTC')::date;
CREATE INDEX ix_submissions_unswept ON compliance.submissions (id) WHERE swept_on IS NULL AND status = 'accepted' AND version IS NOT NULL;
CREATE INDEX ix_deliverables_unswept ON compliance.deliverables (id) WHERE swept_on IS NULL;
CREATE INDEX ix_submissions_filed ON compliance.submissions (period, institution) WHERE status = 'accepted' AND version IS NOT NULL;
CREATE INDEX ix_exceptions_waived ON compliance.exceptions (waived_until) WHERE status = 'waived';

-- The filings as the sweep reads them: each with its key and the day a sweep first read it.
CREATE OR REPLACE VIEW compliance.ledger_filings AS
SELECT s.institution, s.period, s.received_at AS filed_at, s.id, s.swept_on
FROM compliance.submissions s WHERE s.status = 'accepted' AND s.version IS NOT NULL;

CREATE OR REPLACE VIEW compliance.document_filings AS
SELECT d.institution, d.obligation, d.year, d.received_at AS filed_at, d.id, d.swept_on
FROM compliance.deliverables d;
