-- Credit plans (api.md, "Institutions and keys"): the inclusive increase a head office hands a branch for a year
-- (上级下达的信贷计划), recorded by its supervisor. Every change is a new version and no version is ever changed or
-- removed, so the history stays: inclusive_increase is the plan in fen, NULL for a version that deletes the year's plan.
-- Who set it is kept as it was then: the key's role, id and name.
CREATE TABLE credit_plans (
    institution        TEXT    NOT NULL REFERENCES institutions (code),
    year               INTEGER NOT NULL,
    version            INTEGER NOT NULL,
    inclusive_increase INTEGER NULL,
    note               TEXT    NOT NULL,
    set_by_role        TEXT    NOT NULL,
    set_by_key_id      INTEGER NOT NULL,
    set_by_name        TEXT    NOT NULL,
    set_at             TEXT    NOT NULL,
    PRIMARY KEY (institution, year, version)
);

-- The latest version of each institution's plan of a year: the plan in force where its inclusive_increase is not NULL,
-- none where that version deleted it.
CREATE VIEW latest_credit_plans AS
SELECT p.institution, p.year, p.version, p.inclusive_increase
FROM credit_plans p
WHERE p.version = (SELECT MAX(v.version) FROM credit_plans v WHERE v.institution = p.institution AND v.year = p.year);

-- Why a pending evaluation was queued where a person's change caused it (a credit plan's), as the note its events
-- carry: kept with the pending mark, so an evaluation enqueued again at start still names it; cleared once it is done.
ALTER TABLE submissions ADD COLUMN evaluation_cause TEXT NULL;
