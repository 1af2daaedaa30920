-- The equivalent of db/sqlite/0018_built_in_sets_populations.sql.
-- Who made each version of a rule set: `system` for the built-in and migrated versions, else the key that PUT it.
-- A version made before this column existed is attributed to the key of the audited PUT that made it (the latest
-- answered PUT of that set between the version before it and it), and to `system` where none did.
--
-- Then the built-in sets as rules.md now has them (a new database loads them from db/seed/rule-sets.json): the
-- national set judges legal persons by 两增 and branches by their credit plan (from 2022), asks large and joint-stock
-- legal persons for more first-loan enterprises (from 2022), and reads 持续增长 and 有所下降 strictly from 2022; the
-- Shandong set names its authorities and its notice. Each new version is added only where the set's latest version is
-- `system`'s: an admin's own newer version is kept (the server logs it at start). No re-evaluation is queued: the
-- README tells an admin to check the institutions' legal status and level first, then re-evaluate.
ALTER TABLE compliance.rule_sets ADD COLUMN created_by varchar(64) NOT NULL DEFAULT 'system';

UPDATE compliance.rule_sets
SET created_by = COALESCE((
    SELECT CAST(a.key_id AS varchar(20)) FROM compliance.audit_log a
    WHERE a.method = 'PUT' AND a.path = '/api/v1/rule-sets/' || rule_sets.id AND a.status = 200 AND a.key_id IS NOT NULL
      AND a.at <= rule_sets.created_at
      AND a.at > COALESCE((SELECT p.created_at FROM compliance.rule_sets p WHERE p.id = rule_sets.id AND p.version = rule_sets.version - 1), '-infinity'::timestamptz)
    ORDER BY a.at DESC LIMIT 1), 'system');

INSERT INTO compliance.rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at, created_by)
SELECT 'national', r.version + 1, '', 2019, NULL,
       '[{"rule":"INCLUSIVE_GROWTH","parameters":{"basis":"ytd"},"appliesTo":{"legalPerson":true}},{"rule":"INCLUSIVE_BORROWERS","parameters":{},"appliesTo":{"legalPerson":true}},{"rule":"CREDIT_PLAN","parameters":{},"appliesTo":{"legalPerson":false},"years":{"from":2022,"to":null}},{"rule":"NPL_TOLERANCE","parameters":{"tolerancePp":3}},{"rule":"CREDIT_SHARE","parameters":{"minIncreasePp":1}},{"rule":"INDIVIDUAL_BUSINESS","parameters":{"strict":2022}},{"rule":"NEW_LOAN_RATE","parameters":{"strict":2022}},{"rule":"FIRST_LOAN_ENTERPRISES","parameters":{},"appliesTo":{"legalPerson":true,"categories":["large_state","joint_stock"]},"years":{"from":2022,"to":null}},{"rule":"BASELINE_MISSING","parameters":{}}]', 'cbirc',
       '原银保监会小微企业金融服务监管要求', 'Small and micro-enterprise financial services (former CBIRC, now NFRA)', '原银保监会（现国家金融监督管理总局）',
       '原银保监会关于做好小微企业金融服务工作的年度通知（2019年起：较年初、不良容忍度；2022年起：持续增长、有所下降、首贷户）', 0, @now, 'system'
FROM compliance.rule_sets r JOIN compliance.latest_rule_sets l ON l.id = r.id AND l.version = r.version
WHERE r.id = 'national' AND r.created_by = 'system';

INSERT INTO compliance.rule_sets (id, version, jurisdiction, year_from, year_to, rules, scope, name_zh, name_en, authority, source, retired, created_at, created_by)
SELECT r.id, r.version + 1, r.jurisdiction, r.year_from, r.year_to, r.rules, r.scope,
       '齐心鲁力·助企惠商专项行动（万亿助小微、千亿惠商户）', 'Shandong campaign for small and micro enterprises and individual businesses',
       '中国人民银行济南分行、山东省市场监督管理局、山东省地方金融监管局、山东银保监局（现国家金融监督管理总局山东监管局）',
       '《关于开展“齐心鲁力·助企惠商”金融支持小微企业和个体工商户发展专项行动的通知》（济银发〔2022〕61号）', r.retired, @now, 'system'
FROM compliance.rule_sets r JOIN compliance.latest_rule_sets l ON l.id = r.id AND l.version = r.version
WHERE r.id = 'shandong' AND r.created_by = 'system';
