-- Facts every store reads, defined once here and joined by every query that needs them.

-- The latest accepted version of each institution-period: the version its evaluation, views and analytics read. A
-- version is given to an accepted submission only, so the highest of its institution-period is found on the index
-- of versions.
CREATE VIEW latest_submissions AS
SELECT s.id, s.institution, s.period, s.version
FROM submissions s
WHERE s.status = 'accepted'
  AND s.version = (SELECT MAX(v.version) FROM submissions v WHERE v.institution = s.institution AND v.period = s.period AND v.version IS NOT NULL);

-- The version of each rule set, and of each target, in force: its latest.
CREATE VIEW latest_rule_sets AS
SELECT r.id, r.version FROM rule_sets r WHERE r.version = (SELECT MAX(v.version) FROM rule_sets v WHERE v.id = r.id);

CREATE VIEW latest_targets AS
SELECT t.id, t.version FROM targets t WHERE t.version = (SELECT MAX(v.version) FROM targets v WHERE v.id = t.id);

-- What files a deadline: an accepted ledger files the monthly ledger of its period; a deliverable files its
-- obligation for its year. A ledger's filing has no year of its own (the year of its deadline is that of its due
-- date), a deliverable's no period.
CREATE VIEW filings AS
SELECT s.institution, 'LEDGER_MONTHLY' AS obligation, s.period, NULL AS year, s.received_at AS filed_at
FROM submissions s WHERE s.status = 'accepted' AND s.version IS NOT NULL
UNION ALL
SELECT d.institution, d.obligation, NULL AS period, d.year, d.received_at AS filed_at
FROM deliverables d;
