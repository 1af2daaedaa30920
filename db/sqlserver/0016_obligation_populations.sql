-- Obligations with populations and reminder offsets (deadlines.md, "An obligation is data"): the equivalent of
-- db/sqlite/0016_obligation_populations.sql. populations is null (every institution of the region) or a JSON list of
-- alternatives {categories?, levels?, legalPerson?}: an institution is bound when it matches any. reminder_offsets
-- lists the reminders' days from the due date, by default those of the table. categories gives way to populations:
-- only the seed ever wrote it, and always null.
ALTER TABLE compliance.obligations ADD
    populations      nvarchar(max) NULL,
    reminder_offsets nvarchar(400) NOT NULL CONSTRAINT df_obligations_reminder_offsets DEFAULT N'-14,-7,-3,-1,0,1,7';
ALTER TABLE compliance.obligations DROP COLUMN categories;

-- A database created before gets the table's years and populations: the campaign obligations come from notices of
-- 2022 and bind from that year; the work reports bind Shandong's provincial-level institutions and the head offices of
-- its joint-stock and city commercial banks, no longer every Shandong institution. The next sweep, its facts changed,
-- plans every deadline again and clears the missed ones these no longer owe.
UPDATE compliance.obligations SET year_from = 2022
WHERE code IN (N'CREDIT_POLICY_DIGEST', N'MATCHMAKING_REPORT', N'FOUR_LISTS', N'WORK_REPORT_MIDYEAR', N'WORK_REPORT_YEAREND');

-- A batch is compiled whole, before the column above exists: the update is compiled on its own.
EXEC(N'UPDATE compliance.obligations
SET populations = N''[{"levels":["provincial"]},{"legalPerson":true,"categories":["joint_stock","city_commercial"]}]''
WHERE code IN (N''WORK_REPORT_MIDYEAR'', N''WORK_REPORT_YEAREND'')');
