-- Every rule set reads one 口径 (rules.md, "Rule sets"), and says who issued it and from which notice. Every version
-- stored before is CBIRC's. A retired set applies to no period.
ALTER TABLE compliance.rule_sets ADD
    scope     nvarchar(8)   NOT NULL CONSTRAINT df_rule_sets_scope DEFAULT 'cbirc',
    name_zh   nvarchar(200) NULL,
    name_en   nvarchar(200) NULL,
    authority nvarchar(200) NULL,
    source    nvarchar(400) NULL,
    retired   int           NOT NULL CONSTRAINT df_rule_sets_retired DEFAULT 0;
