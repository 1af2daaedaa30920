-- The built-in sets as rules.md now has them (a new database gets them from db/seed/rule-sets.json): the Shandong set
-- becomes the PBoC's 助企惠商 targets in the PBoC 口径, from 2022; the Jiyuan and Lüliang sets retire (the national set
-- covers Jiyuan's guidance; Lüliang's figures are regional targets), so the next evaluations clear what they wrote.
INSERT INTO compliance.rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at)
SELECT 'shandong', m.v + 1, '37', 2022, NULL, '[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"yoy"}},{"rule":"INCREMENT_VS_LAST_YEAR","parameters":{}},{"rule":"CREDIT_SHARE","parameters":{"minIncreasePp":1}},{"rule":"FIRST_LOAN_SHARE","parameters":{"minIncreasePp":1}},{"rule":"OPERATING_LOANS","parameters":{}},{"rule":"BASELINE_MISSING","parameters":{}}]', 'pboc',
       '山东助企惠商（万亿助小微、千亿惠商户）', 'Shandong support for enterprises and merchants', 'PBoC Jinan Branch and Linyi Central Sub-branch (人民银行济南分行、临沂市中心支行)', '“助企惠商”专项行动（万亿助小微，千亿惠商户）', 0, @now
FROM (SELECT MAX(version) AS v FROM compliance.rule_sets WHERE id = 'shandong') m
WHERE m.v IS NOT NULL;

INSERT INTO compliance.rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at)
SELECT r.id, r.version + 1, r.jurisdiction, r.year_from, r.year_to, r.rules, r.scope, r.name_zh, r.name_en, r.authority, r.source, 1, @now
FROM compliance.rule_sets r
WHERE r.id IN ('jiyuan', 'luliang') AND r.version = (SELECT MAX(v.version) FROM compliance.rule_sets v WHERE v.id = r.id);
