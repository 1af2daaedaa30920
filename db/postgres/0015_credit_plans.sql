-- Credit plans (api.md, "Institutions and keys"): the equivalent of db/sqlite/0015_credit_plans.sql. The inclusive
-- increase a head office hands a branch for a year (上级下达的信贷计划), recorded by its supervisor. Every change is a
-- new version and no version is ever changed or removed, so the history stays: inclusive_increase is the plan in fen,
-- NULL for a version that deletes the year's plan. Who set it is kept as it was then: the key's role, id and name.
CREATE TABLE compliance.credit_plans (
    institution        varchar(32) COLLATE "C" NOT NULL,
    year               integer            NOT NULL,
    version            integer            NOT NULL,
    inclusive_increase bigint         NULL,
    note               varchar(2000) NOT NULL,
    set_by_role        varchar(32)   NOT NULL,
    set_by_key_id      bigint         NOT NULL,
    set_by_name        varchar(200)  NOT NULL,
    set_at             timestamptz(3)   NOT NULL,
    CONSTRAINT pk_credit_plans PRIMARY KEY (institution, year, version),
    CONSTRAINT fk_credit_plans_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

-- The latest version of each institution's plan of a year: the plan in force where its inclusive_increase is not NULL,
-- none where that version deleted it.
CREATE VIEW compliance.latest_credit_plans AS
SELECT p.institution, p.year, p.version, p.inclusive_increase
FROM compliance.credit_plans p
WHERE p.version = (SELECT MAX(v.version) FROM compliance.credit_plans v WHERE v.institution = p.institution AND v.year = p.year);

-- Why a pending evaluation was queued where a person's change caused it (a credit plan's), as the note its events
-- carry: kept with the pending mark, so an evaluation enqueued again at start still names it; cleared once it is done.
ALTER TABLE compliance.submissions ADD COLUMN evaluation_cause text NULL;
