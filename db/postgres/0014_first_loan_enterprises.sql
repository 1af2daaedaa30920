-- 当期新增小微企业法人首贷户: distinct small and micro enterprises with a first loan new in the period, not a discount,
-- whatever their credit line (one figure under both 口径, so no PBoC column). NULL for a snapshot stored before it
-- existed, until the snapshot is recomputed from its loans; a rule that meets the NULL counts the month as missing.
ALTER TABLE compliance.snapshots ADD COLUMN new_first_loan_enterprises integer NULL;
