-- Regional targets: the equivalent of db/sqlite/0017_luliang_targets.sql. Who put each version, and the built-in targets as analytics.md now has them.
--
-- created_by is 'system' for a built-in or migrated version, else the id of the admin's key that put it. A version
-- stored before is 'system' where it is version 1 of a built-in target (the seed's); any other was put by an admin,
-- whose key the audit log names: the n-th accepted PUT of a target's id made its n-th version put over the API (a
-- built-in target's first is its version 2). Where the log does not name one, created_by stays NULL: unknown.
--
-- The corrections (a new version each, stamped 'system', only where the latest version is 'system', so a version an
-- admin put is kept): every source names its document, and the Lüliang national banks include 农业发展银行's branch
-- (category policy) among the notice's addressees, in the population of luliang-national-banks and in the versus
-- of luliang-local-vs-national. A new database loads the same content from db/seed/targets.json as version 1.

ALTER TABLE compliance.targets ADD COLUMN created_by varchar(64) NULL;

UPDATE compliance.targets SET created_by = 'system'
WHERE version = 1 AND id IN ('linyi-operating-increase', 'linyi-inclusive-disbursed', 'shandong-operating-increase', 'shandong-inclusive-disbursed', 'luliang-total-growth', 'luliang-inclusive-vs-total', 'luliang-national-banks', 'luliang-local-vs-national', 'luliang-borrowers', 'luliang-credit-share');

UPDATE compliance.targets
SET created_by = (
    SELECT CAST(a.key_id AS varchar(20))
    FROM compliance.audit_log a
    WHERE a.method = 'PUT' AND a.target = targets.id AND a.status IN (200, 201) AND a.key_id IS NOT NULL AND a.path LIKE '/api/v1/targets/%'
      AND (SELECT COUNT(*) FROM compliance.audit_log b
           WHERE b.method = 'PUT' AND b.target = targets.id AND b.status IN (200, 201) AND b.key_id IS NOT NULL AND b.path LIKE '/api/v1/targets/%'
             AND b.id < a.id)
          = targets.version - CASE WHEN targets.id IN ('linyi-operating-increase', 'linyi-inclusive-disbursed', 'shandong-operating-increase', 'shandong-inclusive-disbursed', 'luliang-total-growth', 'luliang-inclusive-vs-total', 'luliang-national-banks', 'luliang-local-vs-national', 'luliang-borrowers', 'luliang-credit-share') THEN 2 ELSE 1 END)
WHERE created_by IS NULL;

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '3713', 2022,
       '{"name":{"zh":"百亿惠商户：经营性贷款余额增加100亿元","en":"Operating loans up by CNY 10 billion"},"source":"临银发〔2022〕45号（转发济银发〔2022〕61号）","jurisdiction":"3713","year":2022,"population":{},"measure":"increase(operatingBalance)","op":">=","value":10000000000,"scope":null}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'linyi-operating-increase' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '3713', 2022,
       '{"name":{"zh":"千亿助小微：全年发放普惠小微贷款1000亿元","en":"CNY 100 billion of inclusive loans disbursed in the year"},"source":"临银发〔2022〕45号（转发济银发〔2022〕61号）","jurisdiction":"3713","year":2022,"population":{},"measure":"cumulative(newInclusiveAmount)","op":">=","value":100000000000,"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'linyi-inclusive-disbursed' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '37', 2022,
       '{"name":{"zh":"千亿惠商户：经营性贷款余额增加1000亿元","en":"Operating loans up by CNY 100 billion"},"source":"济银发〔2022〕61号 “齐心鲁力·助企惠商”专项行动","jurisdiction":"37","year":2022,"population":{},"measure":"increase(operatingBalance)","op":">=","value":100000000000,"scope":null}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'shandong-operating-increase' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '37', 2022,
       '{"name":{"zh":"万亿助小微：全年发放普惠小微贷款1万亿元","en":"CNY 1 trillion of inclusive loans disbursed in the year"},"source":"济银发〔2022〕61号 “齐心鲁力·助企惠商”专项行动","jurisdiction":"37","year":2022,"population":{},"measure":"cumulative(newInclusiveAmount)","op":">=","value":1000000000000,"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'shandong-inclusive-disbursed' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"各项贷款增速不低于10%","en":"Total loans grow by at least 10%"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{},"measure":"growthPct(totalBalance)","op":">=","value":10,"scope":null}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-total-growth' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"普惠小微贷款增速高于各项贷款增速","en":"Inclusive loans grow faster than total loans"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{},"measure":"growthPct(inclusiveBalance)","op":">","versus":{"population":{},"measure":"growthPct(totalBalance)"},"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-inclusive-vs-total' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"全国性银行普惠小微贷款增速高于30%","en":"National banks'' inclusive loans grow by more than 30%"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{"categories":["large_state","joint_stock","policy"]},"measure":"growthPct(inclusiveBalance)","op":">","value":30,"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-national-banks' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"地方法人银行普惠小微贷款增速高于全国性银行","en":"Local legal persons'' inclusive loans grow faster than national banks''"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{"localLegalPerson":true},"measure":"growthPct(inclusiveBalance)","op":">","versus":{"population":{"categories":["large_state","joint_stock","policy"]},"measure":"growthPct(inclusiveBalance)"},"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-local-vs-national' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"普惠小微贷款户数较年初增加","en":"More inclusive borrowers than at the start of the year"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{},"measure":"change(inclusiveBorrowers)","op":">","value":0,"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-borrowers' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);

INSERT INTO compliance.targets (id, version, jurisdiction, year, definition, created_at, created_by)
SELECT t.id, t.version + 1, '1411', 2022,
       '{"name":{"zh":"普惠小微信用贷款占比较年初提高","en":"A larger share of inclusive credit loans than at the start of the year"},"source":"《中国人民银行吕梁市中心支行关于金融支持吕梁市场主体倍增工程的实施意见》","jurisdiction":"1411","year":2022,"population":{},"measure":"shareChangePp(inclusiveCreditBalance, inclusiveBalance)","op":">","value":0,"scope":"pboc"}',
       @now, 'system'
FROM compliance.targets t
WHERE t.id = 'luliang-credit-share' AND t.created_by = 'system'
  AND t.version = (SELECT MAX(v.version) FROM compliance.targets v WHERE v.id = t.id);
