-- A sweep reads what was filed since the sweeps before it, not every filing ever made (deadlines.md, "Reminders"):
-- each accepted ledger and each deliverable carries the day of the sweep that first read it, NULL until one has, and
-- those not yet read have an index of their own. What was filed before this version counts as read on the day it was
-- received: the first sweep after this version plans every deadline anew and reads every filing.
-- The accepted ledgers of a period, which a sweep reads for each ledger deadline it plans, get an index that holds
-- all it reads of them; the waived exceptions, whose waivers a sweep checks each day, one of their own.
ALTER TABLE submissions ADD COLUMN swept_on TEXT NULL;
ALTER TABLE deliverables ADD COLUMN swept_on TEXT NULL;
UPDATE submissions SET swept_on = substr(received_at, 1, 10) WHERE status = 'accepted' AND version IS NOT NULL;
UPDATE deliverables SET swept_on = substr(received_at, 1, 10);
CREATE INDEX ix_submissions_unswept ON submissions (id) WHERE swept_on IS NULL AND status = 'accepted' AND version IS NOT NULL;
CREATE INDEX ix_deliverables_unswept ON deliverables (id) WHERE swept_on IS NULL;
CREATE INDEX ix_submissions_filed ON submissions (period, institution) WHERE status = 'accepted' AND version IS NOT NULL;
CREATE INDEX ix_exceptions_waived ON exceptions (waived_until) WHERE status = 'waived';

-- The filings as the sweep reads them: each with its key and the day a sweep first read it.
DROP VIEW ledger_filings;
CREATE VIEW ledger_filings AS
SELECT s.institution, s.period, s.received_at AS filed_at, s.id, s.swept_on
FROM submissions s WHERE s.status = 'accepted' AND s.version IS NOT NULL;

DROP VIEW document_filings;
CREATE VIEW document_filings AS
SELECT d.institution, d.obligation, d.year, d.received_at AS filed_at, d.id, d.swept_on
FROM deliverables d;
