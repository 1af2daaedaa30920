-- Obligations with populations and reminder offsets (deadlines.md, "An obligation is data"): the equivalent of
-- db/sqlite/0016_obligation_populations.sql. populations is null (every institution of the region) or a JSON list of
-- alternatives {categories?, levels?, legalPerson?}: an institution is bound when it matches any. reminder_offsets
-- lists the reminders' days from the due date, by default those of the table. categories gives way to populations:
-- only the seed ever wrote it, and always null.
ALTER TABLE compliance.obligations
    ADD COLUMN populations      text NULL,
    ADD COLUMN reminder_offsets varchar(400) NOT NULL DEFAULT '-14,-7,-3,-1,0,1,7';
ALTER TABLE compliance.obligations DROP COLUMN categories;

-- A database created before gets the table's years and populations: the campaign obligations come from notices of
-- 2022 and bind from that year; the work reports bind Shandong's provincial-level institutions and the head offices of
-- its joint-stock and city commercial banks, no longer every Shandong institution. The next sweep, its facts changed,
-- plans every deadline again and clears the missed ones these no longer owe.
UPDATE compliance.obligations SET year_from = 2022
WHERE code IN ('CREDIT_POLICY_DIGEST', 'MATCHMAKING_REPORT', 'FOUR_LISTS', 'WORK_REPORT_MIDYEAR', 'WORK_REPORT_YEAREND');

UPDATE compliance.obligations
SET populations = '[{"levels":["provincial"]},{"legalPerson":true,"categories":["joint_stock","city_commercial"]}]'
WHERE code IN ('WORK_REPORT_MIDYEAR', 'WORK_REPORT_YEAREND');
