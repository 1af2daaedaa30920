-- Facts every store reads, defined once here and joined by every query that needs them: the equivalent of
-- db/sqlite/0012_latest_and_filings.sql.

-- The latest accepted version of each institution-period: the version its evaluation, views and analytics read. An
-- accepted version stores its snapshot in the transaction that accepts it (a rejected one has none), so the latest
-- is the highest version among the period's snapshots, found on their index of versions; the snapshot reads that
-- join it stay on the one table.
CREATE VIEW compliance.latest_submissions AS
SELECT s.submission_id AS id, s.institution, s.period, s.version
FROM compliance.snapshots s
WHERE s.version = (SELECT MAX(v.version) FROM compliance.snapshots v WHERE v.institution = s.institution AND v.period = s.period);

-- The version of each rule set, and of each target, in force: its latest.
CREATE VIEW compliance.latest_rule_sets AS
SELECT r.id, r.version FROM compliance.rule_sets r WHERE r.version = (SELECT MAX(v.version) FROM compliance.rule_sets v WHERE v.id = r.id);

CREATE VIEW compliance.latest_targets AS
SELECT t.id, t.version FROM compliance.targets t WHERE t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

-- What files a deadline: an accepted ledger files the monthly ledger of its period; a deliverable files its
-- obligation for its year. Two views, not one union: a query that asks one of them (a sweep, for every missed
-- deadline it revisits) then reads its own table's index.
CREATE VIEW compliance.ledger_filings AS
SELECT s.institution, s.period, s.received_at AS filed_at
FROM compliance.submissions s WHERE s.status = 'accepted' AND s.version IS NOT NULL;

CREATE VIEW compliance.document_filings AS
SELECT d.institution, d.obligation, d.year, d.received_at AS filed_at
FROM compliance.deliverables d;
