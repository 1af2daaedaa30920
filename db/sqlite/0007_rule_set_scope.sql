-- Every rule set reads one 口径 (rules.md, "Rule sets"), and says who issued it and from which notice. Every version
-- stored before is CBIRC's. A retired set applies to no period.
ALTER TABLE rule_sets ADD COLUMN scope TEXT NOT NULL DEFAULT 'cbirc';
ALTER TABLE rule_sets ADD COLUMN name_zh TEXT NULL;
ALTER TABLE rule_sets ADD COLUMN name_en TEXT NULL;
ALTER TABLE rule_sets ADD COLUMN authority TEXT NULL;
ALTER TABLE rule_sets ADD COLUMN source TEXT NULL;
ALTER TABLE rule_sets ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
