-- Every authority's rules apply (rules.md): an exception is keyed by (institution, period, rule set, rule), so the
-- subject of a rule's exception is now its rule set (DEADLINE_MISSED keeps its obligation).
UPDATE compliance.exceptions SET subject = rule_set_id WHERE subject = '' AND rule_set_id IS NOT NULL AND "rule" <> 'DEADLINE_MISSED';
