-- Regional targets as data (analytics.md, "Regional targets"): versions never change once written; a change is a
-- new version. The definition is the target's JSON (name, source, population, measure, op, value | versus, scope),
-- its value kept as exact decimal text; jurisdiction and year are columns to list by.
CREATE TABLE compliance.targets (
    id           nvarchar(64)  NOT NULL,
    version      int           NOT NULL,
    jurisdiction nvarchar(12)  NOT NULL,
    year         int           NOT NULL,
    definition   nvarchar(max) NOT NULL,
    created_at   datetime2(3)  NOT NULL,
    CONSTRAINT pk_targets PRIMARY KEY (id, version)
);

CREATE INDEX ix_targets_year ON compliance.targets (year, jurisdiction);
