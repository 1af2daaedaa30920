-- Deadlines (deadlines.md), SQL Server dialect: the working-day calendar by year, obligations as data,
-- deliverables, and reminders. The equivalent of db/sqlite/0002_deadlines.sql.

CREATE TABLE compliance.calendar_years (
    year       int           NOT NULL,
    body       nvarchar(max) NOT NULL,
    updated_at datetime2(3)  NOT NULL,
    CONSTRAINT pk_calendar_years PRIMARY KEY (year)
);

CREATE TABLE compliance.obligations (
    code          nvarchar(32)  NOT NULL,
    name_zh       nvarchar(200) NOT NULL,
    name_en       nvarchar(200) NOT NULL,
    region_prefix nvarchar(12)  NOT NULL,
    categories    nvarchar(400) NULL,
    year_from     int           NOT NULL,
    year_to       int           NULL,
    due           nvarchar(200) NOT NULL,
    created_at    datetime2(3)  NOT NULL,
    CONSTRAINT pk_obligations PRIMARY KEY (code)
);

-- A document filed for an obligation and year, exactly as received.
CREATE TABLE compliance.deliverables (
    id          bigint         IDENTITY(1,1) NOT NULL,
    obligation  nvarchar(32)   NOT NULL,
    institution nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    year        int            NOT NULL,
    media_type  nvarchar(200)  NOT NULL,
    bytes       bigint         NOT NULL,
    sha256      nchar(64)      NOT NULL,
    received_at datetime2(3)   NOT NULL,
    content     varbinary(max) NOT NULL,
    CONSTRAINT pk_deliverables PRIMARY KEY (id),
    CONSTRAINT fk_deliverables_obligation FOREIGN KEY (obligation) REFERENCES compliance.obligations (code),
    CONSTRAINT fk_deliverables_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

CREATE INDEX ix_deliverables_filing ON compliance.deliverables (institution, obligation, year);

-- Each (obligation, institution, nominal period, offset) is sent at most once: the unique key, not a check in memory.
CREATE TABLE compliance.reminders (
    id              bigint        IDENTITY(1,1) NOT NULL,
    obligation      nvarchar(32)  NOT NULL,
    institution     nvarchar(32) COLLATE Latin1_General_100_BIN2 NOT NULL,
    period          nchar(7)      NOT NULL,
    due_date        date          NOT NULL,
    kind            nvarchar(32)  NOT NULL,
    offset_days     int           NOT NULL,
    message_zh      nvarchar(max) NOT NULL,
    message_en      nvarchar(max) NOT NULL,
    created_at      datetime2(3)  NOT NULL,
    delivery_status nvarchar(32)  NOT NULL,
    attempts        int           NOT NULL CONSTRAINT df_reminders_attempts DEFAULT 0,
    last_error      nvarchar(max) NULL,
    CONSTRAINT pk_reminders PRIMARY KEY (id),
    CONSTRAINT fk_reminders_institution FOREIGN KEY (institution) REFERENCES compliance.institutions (code)
);

CREATE UNIQUE INDEX ux_reminders_key ON compliance.reminders (obligation, institution, period, offset_days);

CREATE INDEX ix_reminders_institution ON compliance.reminders (institution, due_date);
