-- Compliance schema, SQLite dialect. Money is integer fen (分); instants are ISO-8601 UTC text with
-- milliseconds (fixed width, so they sort); dates are yyyy-MM-dd and periods yyyy-MM text.

CREATE TABLE institutions (
    code               TEXT    NOT NULL PRIMARY KEY,
    name               TEXT    NOT NULL,
    category           TEXT    NOT NULL,
    local_legal_person INTEGER NOT NULL,
    region_code        TEXT    NOT NULL,
    reporting_from     TEXT    NOT NULL,
    webhook_url        TEXT    NULL,
    webhook_secret     TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);
CREATE INDEX ix_institutions_region ON institutions (region_code);

CREATE TABLE api_keys (
    id           INTEGER NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    key_hash     TEXT    NOT NULL UNIQUE,
    role         TEXT    NOT NULL,
    institution  TEXT    NULL REFERENCES institutions (code),
    jurisdiction TEXT    NULL,
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT    NULL
);

-- One row per posted ledger, accepted or rejected. version counts the accepted ones of (institution, period).
CREATE TABLE submissions (
    id                INTEGER NOT NULL PRIMARY KEY,
    institution       TEXT    NOT NULL REFERENCES institutions (code),
    period            TEXT    NOT NULL,
    version           INTEGER NULL,
    status            TEXT    NOT NULL,
    received_at       TEXT    NOT NULL,
    sha256            TEXT    NOT NULL,
    content_type      TEXT    NOT NULL,
    byte_count        INTEGER NOT NULL,
    row_count         INTEGER NOT NULL,
    error_count       INTEGER NOT NULL,
    warning_count     INTEGER NOT NULL,
    warnings          TEXT    NOT NULL,
    evaluation_status TEXT    NULL,
    evaluated_at      TEXT    NULL,
    evaluation        TEXT    NULL
);
CREATE UNIQUE INDEX ux_submissions_version ON submissions (institution, period, version) WHERE version IS NOT NULL;
CREATE INDEX ix_submissions_period ON submissions (period, institution);
CREATE INDEX ix_submissions_evaluation ON submissions (evaluation_status) WHERE evaluation_status IS NOT NULL AND evaluation_status <> 'done';

-- The body exactly as received.
CREATE TABLE submission_bodies (
    submission_id INTEGER NOT NULL PRIMARY KEY REFERENCES submissions (id),
    body          BLOB    NOT NULL
);

CREATE TABLE submission_errors (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    seq           INTEGER NOT NULL,
    line          INTEGER NULL,
    column_name   TEXT    NULL,
    code          TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    PRIMARY KEY (submission_id, seq)
) WITHOUT ROWID;

-- The loans of accepted ledgers, in ledger order. Enumerations are the stored numbers of Engine's enums; money
-- in fen; dates as the integer yyyyMMdd; the annual rate in millionths of a percent (4.35 % is 4350000). No index:
-- loans are written once, in bulk, and read only by whole submission (they follow each other in rowid order).
CREATE TABLE loans (
    submission_id  INTEGER NOT NULL,
    line           INTEGER NOT NULL,
    loan_id        TEXT    NOT NULL,
    borrower_id    TEXT    NOT NULL,
    credit_code    TEXT    NULL,
    borrower_type  INTEGER NOT NULL,
    credit_line    INTEGER NOT NULL,
    product        INTEGER NOT NULL,
    purpose        INTEGER NOT NULL,
    guarantee      INTEGER NOT NULL,
    classification INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    balance        INTEGER NOT NULL,
    disbursed_on   INTEGER NOT NULL,
    matures_on     INTEGER NOT NULL,
    annual_rate    INTEGER NOT NULL,
    first_loan     INTEGER NOT NULL,
    industry       TEXT    NULL,
    region         TEXT    NULL
);

-- The indicator snapshot of each accepted submission. Money in fen; the rate weight (Σ amount × rate) as exact
-- decimal text, unrounded.
CREATE TABLE snapshots (
    submission_id                 INTEGER NOT NULL PRIMARY KEY REFERENCES submissions (id),
    institution                   TEXT    NOT NULL,
    period                        TEXT    NOT NULL,
    version                       INTEGER NOT NULL,
    total_balance                 INTEGER NOT NULL,
    total_npl_balance             INTEGER NOT NULL,
    inclusive_balance             INTEGER NOT NULL,
    inclusive_npl_balance         INTEGER NOT NULL,
    inclusive_credit_balance      INTEGER NOT NULL,
    inclusive_borrowers           INTEGER NOT NULL,
    new_first_loan_borrowers      INTEGER NOT NULL,
    new_inclusive_amount          INTEGER NOT NULL,
    new_inclusive_rate_weight     TEXT    NOT NULL,
    individual_business_balance   INTEGER NOT NULL,
    individual_business_borrowers INTEGER NOT NULL,
    operating_balance             INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_snapshots_period ON snapshots (institution, period, version);

CREATE TABLE rule_sets (
    id           TEXT    NOT NULL,
    version      INTEGER NOT NULL,
    jurisdiction TEXT    NOT NULL,
    year_from    INTEGER NOT NULL,
    year_to      INTEGER NULL,
    rules        TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (id, version)
);

-- One exception per (institution, period, rule, subject); subject is '' except for DEADLINE_MISSED, where it is
-- the obligation code.
CREATE TABLE exceptions (
    id               INTEGER NOT NULL PRIMARY KEY,
    institution      TEXT    NOT NULL REFERENCES institutions (code),
    period           TEXT    NOT NULL,
    rule             TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    rule_set_id      TEXT    NULL,
    rule_set_version INTEGER NULL,
    severity         TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    figures          TEXT    NOT NULL,
    baselines        TEXT    NOT NULL,
    message_zh       TEXT    NOT NULL,
    message_en       TEXT    NOT NULL,
    submission_id    INTEGER NULL,
    waived_until     TEXT    NULL,
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL
);
CREATE UNIQUE INDEX ux_exceptions_key ON exceptions (institution, period, rule, subject);
CREATE INDEX ix_exceptions_period ON exceptions (period DESC, institution, rule);

-- Append-only: events are never updated or deleted.
CREATE TABLE exception_events (
    id           INTEGER NOT NULL PRIMARY KEY,
    exception_id INTEGER NOT NULL REFERENCES exceptions (id),
    at           TEXT    NOT NULL,
    actor_role   TEXT    NOT NULL,
    actor_key_id INTEGER NULL,
    kind         TEXT    NOT NULL,
    from_status  TEXT    NULL,
    to_status    TEXT    NOT NULL,
    note         TEXT    NULL,
    figures      TEXT    NULL
);
CREATE INDEX ix_exception_events_exception ON exception_events (exception_id, id);

-- Idempotency-Key of POST /submissions, scoped to the institution: the first request's fingerprint (sha256 of the
-- body with period, institution and dryRun) and, once answered, its answer, replayed to every retry.
CREATE TABLE idempotency_keys (
    institution     TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    fingerprint     TEXT    NOT NULL,
    state           TEXT    NOT NULL,
    response_status INTEGER NULL,
    response_type   TEXT    NULL,
    response_body   TEXT    NULL,
    location        TEXT    NULL,
    created_at      TEXT    NOT NULL,
    PRIMARY KEY (institution, idempotency_key)
);
