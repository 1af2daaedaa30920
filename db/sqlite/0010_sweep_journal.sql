-- The sweep's journal (deadlines.md, "Reminders"): one row per completed sweep, written in the sweep's own
-- transaction. A later sweep whose facts (institutions, obligations, due dates) have the same fingerprint plans only
-- the deadlines whose reminder offset or missed day came between the latest such sweep's date and its own.
CREATE TABLE sweeps (
    id           INTEGER NOT NULL PRIMARY KEY,
    swept_on     TEXT    NOT NULL,
    facts        TEXT    NOT NULL,
    since        TEXT    NULL,
    deadlines    INTEGER NOT NULL,
    reminders    INTEGER NOT NULL,
    exceptions   INTEGER NOT NULL,
    completed_at TEXT    NOT NULL
);

CREATE INDEX ix_sweeps_facts ON sweeps (facts, swept_on);

-- What every sweep reads of the exceptions: the DEADLINE_MISSED ones, among however many a rule set wrote.
CREATE INDEX ix_exceptions_missed ON exceptions (subject, period) WHERE "rule" = 'DEADLINE_MISSED';

-- A sweep reads the filings of one document deadline (obligation, year) at a time.
CREATE INDEX ix_deliverables_obligation ON deliverables (obligation, year, institution);
