-- Every rule set reads one 口径 (rules.md, "Rule sets"), and says who issued it and from which notice. Every version
-- stored before is CBIRC's. A retired set applies to no period.
ALTER TABLE compliance.rule_sets
    ADD COLUMN scope     varchar(8)   NOT NULL DEFAULT 'cbirc',
    ADD COLUMN name_zh   varchar(200) NULL,
    ADD COLUMN name_en   varchar(200) NULL,
    ADD COLUMN authority varchar(200) NULL,
    ADD COLUMN source    varchar(400) NULL,
    ADD COLUMN retired   integer           NOT NULL DEFAULT 0;
