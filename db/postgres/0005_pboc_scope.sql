-- The PBoC 口径 of the inclusive indicators (单户授信小于1000万元), beside the CBIRC 口径 the snapshot already holds.
-- NULL for a snapshot stored before it existed, until the snapshot is recomputed from its loans.
ALTER TABLE compliance.snapshots
    ADD COLUMN pboc_inclusive_balance         bigint        NULL,
    ADD COLUMN pboc_inclusive_npl_balance     bigint        NULL,
    ADD COLUMN pboc_inclusive_credit_balance  bigint        NULL,
    ADD COLUMN pboc_inclusive_borrowers       integer           NULL,
    ADD COLUMN pboc_new_first_loan_borrowers  integer           NULL,
    ADD COLUMN pboc_new_inclusive_amount      bigint        NULL,
    ADD COLUMN pboc_new_inclusive_rate_weight varchar(100) NULL;
