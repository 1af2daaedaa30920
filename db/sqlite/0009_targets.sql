-- Regional targets as data (analytics.md, "Regional targets"): versions never change once written; a change is a
-- new version. The definition is the target's JSON (name, source, population, measure, op, value | versus, scope),
-- its value kept as exact decimal text; jurisdiction and year are columns to list by.
CREATE TABLE targets (
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    jurisdiction TEXT    NOT NULL,
    year         INTEGER NOT NULL,
    definition   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE INDEX ix_targets_year ON targets (year, jurisdiction);
