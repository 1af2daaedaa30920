-- What a sweep has read of the filings: the equivalent of db/sqlite/0022_swept_filings.sql. Each accepted ledger and
-- each deliverable carries the day of the sweep that first read it, NULL until one has; what was filed before this
-- version counts as read on the day (UTC) it was received (the first sweep after it plans every deadline anew).
ALTER TABLE compliance.submissions ADD swept_on date NULL;
ALTER TABLE compliance.deliverables ADD swept_on date NULL;

-- A batch is compiled whole, before the columns above exist: the updates are compiled on their own.
EXEC(N'UPDATE compliance.submissions SET swept_on = CAST(received_at AS date) WHERE status = N''accepted'' AND version IS NOT NULL');
EXEC(N'UPDATE compliance.deliverables SET swept_on = CAST(received_at AS date)');

CREATE INDEX ix_submissions_unswept ON compliance.submissions (id) WHERE swept_on IS NULL AND status = N'accepted' AND version IS NOT NULL;
CREATE INDEX ix_deliverables_unswept ON compliance.deliverables (id) WHERE swept_on IS NULL;
CREATE INDEX ix_submissions_filed ON compliance.submissions (period, institution) WHERE status = N'accepted' AND version IS NOT NULL;
CREATE INDEX ix_exceptions_waived ON compliance.exceptions (waived_until) WHERE status = N'waived';

-- The filings as the sweep reads them: each with its key and the day a sweep first read it.
EXEC(N'CREATE OR ALTER VIEW compliance.ledger_filings AS
SELECT s.institution, s.period, s.received_at AS filed_at, s.id, s.swept_on
FROM compliance.submissions s WHERE s.status = N''accepted'' AND s.version IS NOT NULL');

EXEC(N'CREATE OR ALTER VIEW compliance.document_filings AS
SELECT d.institution, d.obligation, d.year, d.received_at AS filed_at, d.id, d.swept_on
FROM compliance.deliverables d');
