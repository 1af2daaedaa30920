-- Compliance schema, SQL Server dialect: the equivalent of db/sqlite/0001_initial.sql, table for table and column
-- for column, in a schema of its own. Money is bigint fen (分), exact; instants are datetime2(3) UTC; dates are
-- date and periods yyyy-MM nchar(7). Text compared with parameters is Unicode (n-types), as SqlClient binds .NET
-- strings, so no conversion stands between an index and its seek. Institution codes and idempotency keys compare
-- exactly (a binary collation), as SQLite compares them. Generated ids are bigint IDENTITY. Ids, money, rates and
-- byte sizes are bigint; enumerations, line numbers, small counts, versions and years are int; flags are bit.

IF SCHEMA_ID(N'compliance') IS NULL EXEC(N'CREATE SCHEMA compliance');

CREATE TABLE compliance.institutions (
    code               nvarchar(32)   COLLATE Latin1_General_100_BIN2 NOT NULL,
    name               nvarchar(200)  NOT NULL,
    category           nvarchar(32)   NOT NULL,
    local_legal_person bit            NOT NULL,
    region_code        nvarchar(12)   NOT NULL,
    reporting_from     nchar(7)       NOT NULL,
    webhook_url        nvarchar(2000) NULL,
    webhook_secret     nvarchar(128)  NOT NULL,
    created_at         datetime2(3)   NOT NULL,
    updated_at         datetime2(3)   NOT NULL,
    CONSTRAINT pk_institutions PRIMARY KEY (code)
);

CREATE INDEX ix_institutions_region ON compliance.institutions (region_code);

CREATE TABLE compliance.api_keys (
    id           bigint        IDENTITY(1,1) NOT NULL,
    name         nvarchar(200) NOT NULL,
    prefix       nvarchar(32)  NOT NULL,
    key_hash     nchar(64)     NOT NULL,
    role         nvarchar(32)  NOT NULL,
    institution  nvarchar(32) COLLATE Latin1_General_100_BIN2 NULL,
    jurisdiction nvarchar(12)  NULL,
    created_at   datetime2(3)  NOT NULL,
    revoked_at   datetime2(3)  NULL,
    CONSTRAINT pk_api_keys PRIMARY KEY (id),
    CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash),
    CONSTRAINT fk_api_keys_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

-- One row per posted ledger, accepted or rejected. version counts the accepted ones of (institution, period).
CREATE TABLE compliance.submissions (
    id                bigint        IDENTITY(1,1) NOT NULL,
    institution       nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period            nchar(7)      NOT NULL,
    version           int           NULL,
    status            nvarchar(32)  NOT NULL,
    received_at       datetime2(3)  NOT NULL,
    sha256            nchar(64)     NOT NULL,
    content_type      nvarchar(200) NOT NULL,
    byte_count        bigint        NOT NULL,
    row_count         int           NOT NULL,
    error_count       int           NOT NULL,
    warning_count     int           NOT NULL,
    warnings          nvarchar(max) NOT NULL,
    evaluation_status nvarchar(32)  NULL,
    evaluated_at      datetime2(3)  NULL,
    evaluation        nvarchar(max) NULL,
    CONSTRAINT pk_submissions PRIMARY KEY (id),
    CONSTRAINT fk_submissions_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

CREATE UNIQUE INDEX ux_submissions_version ON compliance.submissions (institution, period, version) WHERE version IS NOT NULL;

CREATE INDEX ix_submissions_period ON compliance.submissions (period, institution);

CREATE INDEX ix_submissions_evaluation ON compliance.submissions (evaluation_status) WHERE evaluation_status IS NOT NULL AND evaluation_status <> 'done';

-- The body exactly as received.
CREATE TABLE compliance.submission_bodies (
    submission_id bigint         NOT NULL,
    body          varbinary(max) NOT NULL,
    CONSTRAINT pk_submission_bodies PRIMARY KEY (submission_id),
    CONSTRAINT fk_submission_bodies_submission FOREIGN KEY (submission_id) REFERENCES compliance.submissions (id)
);

CREATE TABLE compliance.submission_errors (
    submission_id bigint         NOT NULL,
    seq           int            NOT NULL,
    line          int            NULL,
    column_name   nvarchar(64)   NULL,
    code          nvarchar(32)   NOT NULL,
    message       nvarchar(max)  NOT NULL,
    CONSTRAINT pk_submission_errors PRIMARY KEY (submission_id, seq),
    CONSTRAINT fk_submission_errors_submission FOREIGN KEY (submission_id) REFERENCES compliance.submissions (id)
);

-- The loans of accepted ledgers, in ledger order. Enumerations are the stored numbers of Engine's enums; money
-- in fen; dates as the integer yyyyMMdd; the annual rate in millionths of a percent (4.35 % is 4350000). SQLite
-- reads them back in rowid order; here the clustered key (submission_id, line) gives that order, and is unique
-- because line numbers are unique within a ledger.
CREATE TABLE compliance.loans (
    submission_id  bigint       NOT NULL,
    line           int          NOT NULL,
    loan_id        nvarchar(64) NOT NULL,
    borrower_id    nvarchar(64) NOT NULL,
    credit_code    nchar(18)    NULL,
    borrower_type  int          NOT NULL,
    credit_line    bigint       NOT NULL,
    product        int          NOT NULL,
    purpose        int          NOT NULL,
    guarantee      int          NOT NULL,
    classification int          NOT NULL,
    amount         bigint       NOT NULL,
    balance        bigint       NOT NULL,
    disbursed_on   int          NOT NULL,
    matures_on     int          NOT NULL,
    annual_rate    bigint       NOT NULL,
    first_loan     bit          NOT NULL,
    industry       nvarchar(8)  NULL,
    region         nvarchar(12) NULL
);

CREATE CLUSTERED INDEX cx_loans_submission ON compliance.loans (submission_id, line);

-- The indicator snapshot of each accepted submission. Money in fen; the rate weight (Σ amount × rate) as exact
-- decimal text, unrounded, as in SQLite.
CREATE TABLE compliance.snapshots (
    submission_id                 bigint       NOT NULL,
    institution                   nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period                        nchar(7)     NOT NULL,
    version                       int          NOT NULL,
    total_balance                 bigint       NOT NULL,
    total_npl_balance             bigint       NOT NULL,
    inclusive_balance             bigint       NOT NULL,
    inclusive_npl_balance         bigint       NOT NULL,
    inclusive_credit_balance      bigint       NOT NULL,
    inclusive_borrowers           int          NOT NULL,
    new_first_loan_borrowers      int          NOT NULL,
    new_inclusive_amount          bigint       NOT NULL,
    new_inclusive_rate_weight     nvarchar(100) NOT NULL,
    individual_business_balance   bigint       NOT NULL,
    individual_business_borrowers int          NOT NULL,
    operating_balance             bigint       NOT NULL,
    CONSTRAINT pk_snapshots PRIMARY KEY (submission_id),
    CONSTRAINT fk_snapshots_submission FOREIGN KEY (submission_id) REFERENCES compliance.submissions (id)
);

CREATE UNIQUE INDEX ux_snapshots_period ON compliance.snapshots (institution, period, version);

CREATE TABLE compliance.rule_sets (
    id           nvarchar(64)  NOT NULL,
    version      int           NOT NULL,
    jurisdiction nvarchar(12)  NOT NULL,
    year_from    int           NOT NULL,
    year_to      int           NULL,
    rules        nvarchar(max) NOT NULL,
    created_at   datetime2(3)  NOT NULL,
    CONSTRAINT pk_rule_sets PRIMARY KEY (id, version)
);

-- One exception per (institution, period, rule, subject); subject is '' except for DEADLINE_MISSED, where it is
-- the obligation code. RULE is a reserved word of T-SQL, so the column is written [rule] here (and must be quoted,
-- as "rule", in SQL meant for both dialects).
CREATE TABLE compliance.exceptions (
    id               bigint        IDENTITY(1,1) NOT NULL,
    institution      nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period           nchar(7)      NOT NULL,
    [rule]           nvarchar(64)  NOT NULL,
    subject          nvarchar(64)  NOT NULL,
    rule_set_id      nvarchar(64)  NULL,
    rule_set_version int           NULL,
    severity         nvarchar(32)  NOT NULL,
    status           nvarchar(32)  NOT NULL,
    figures          nvarchar(max) NOT NULL,
    baselines        nvarchar(max) NOT NULL,
    message_zh       nvarchar(max) NOT NULL,
    message_en       nvarchar(max) NOT NULL,
    submission_id    bigint        NULL,
    waived_until     date          NULL,
    created_at       datetime2(3)  NOT NULL,
    updated_at       datetime2(3)  NOT NULL,
    CONSTRAINT pk_exceptions PRIMARY KEY (id),
    CONSTRAINT fk_exceptions_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

CREATE UNIQUE INDEX ux_exceptions_key ON compliance.exceptions (institution, period, [rule], subject);

CREATE INDEX ix_exceptions_period ON compliance.exceptions (period DESC, institution, [rule]);

-- Append-only: events are never updated or deleted.
CREATE TABLE compliance.exception_events (
    id           bigint        IDENTITY(1,1) NOT NULL,
    exception_id bigint        NOT NULL,
    at           datetime2(3)  NOT NULL,
    actor_role   nvarchar(32)  NOT NULL,
    actor_key_id bigint        NULL,
    kind         nvarchar(32)  NOT NULL,
    from_status  nvarchar(32)  NULL,
    to_status    nvarchar(32)  NOT NULL,
    note         nvarchar(max) NULL,
    figures      nvarchar(max) NULL,
    CONSTRAINT pk_exception_events PRIMARY KEY (id),
    CONSTRAINT fk_exception_events_exception FOREIGN KEY (exception_id) REFERENCES compliance.exceptions (id)
);

CREATE INDEX ix_exception_events_exception ON compliance.exception_events (exception_id, id);

-- Idempotency-Key of POST /submissions, scoped to the institution: the first request's fingerprint (sha256 of the
-- body with period, institution and dryRun) and, once answered, its answer, replayed to every retry. The key is
-- 1-255 visible ASCII characters.
CREATE TABLE compliance.idempotency_keys (
    institution     nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    idempotency_key nvarchar(255) COLLATE Latin1_General_100_BIN2 NOT NULL,
    fingerprint     nchar(64)      NOT NULL,
    state           nvarchar(32)   NOT NULL,
    response_status int            NULL,
    response_type   nvarchar(200)  NULL,
    response_body   nvarchar(max)  NULL,
    location        nvarchar(2000) NULL,
    created_at      datetime2(3)   NOT NULL,
    CONSTRAINT pk_idempotency_keys PRIMARY KEY (institution, idempotency_key)
);
