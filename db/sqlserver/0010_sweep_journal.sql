-- The sweep's journal (deadlines.md, "Reminders"): one row per completed sweep, written in the sweep's own
-- transaction. A later sweep whose facts (institutions, obligations, due dates) have the same fingerprint plans only
-- the deadlines whose reminder offset or missed day came between the latest such sweep's date and its own.
CREATE TABLE compliance.sweeps (
    id           bigint       IDENTITY(1,1) NOT NULL,
    swept_on     date         NOT NULL,
    facts        nchar(64)    NOT NULL,
    since        date         NULL,
    deadlines    int          NOT NULL,
    reminders    int          NOT NULL,
    exceptions   int          NOT NULL,
    completed_at datetime2(3) NOT NULL,
    CONSTRAINT pk_sweeps PRIMARY KEY (id)
);

CREATE INDEX ix_sweeps_facts ON compliance.sweeps (facts, swept_on);

-- What every sweep reads of the exceptions: the DEADLINE_MISSED ones, among however many a rule set wrote.
CREATE INDEX ix_exceptions_missed ON compliance.exceptions (subject, period) WHERE [rule] = N'DEADLINE_MISSED';

-- A sweep reads the filings of one document deadline (obligation, year) at a time.
CREATE INDEX ix_deliverables_obligation ON compliance.deliverables (obligation, year, institution);
