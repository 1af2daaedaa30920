-- Regional targets as data (analytics.md, "Regional targets"): versions never change once written; a change is a
-- new version. The definition is the target's JSON (name, source, population, measure, op, value | versus, scope),
-- its value kept as exact decimal text; jurisdiction and year are columns to list by.
CREATE TABLE compliance.targets (
    id           varchar(64)  NOT NULL,
    version      integer           NOT NULL,
    jurisdiction varchar(12)  NOT NULL,
    year         integer           NOT NULL,
    definition   text NOT NULL,
    created_at   timestamptz(3)  NOT NULL,
    CONSTRAINT pk_targets PRIMARY KEY (id, version)
);

CREATE INDEX ix_targets_year ON compliance.targets (year, jurisdiction);
