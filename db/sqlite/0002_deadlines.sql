-- Deadlines (deadlines.md): the working-day calendar by year, obligations as data, deliverables, and reminders.

CREATE TABLE calendar_years (
    year       INTEGER NOT NULL PRIMARY KEY,
    body       TEXT    NOT NULL,
    updated_at TEXT    NOT NULL
);

CREATE TABLE obligations (
    code          TEXT    NOT NULL PRIMARY KEY,
    name_zh       TEXT    NOT NULL,
    name_en       TEXT    NOT NULL,
    region_prefix TEXT    NOT NULL,
    categories    TEXT    NULL,
    year_from     INTEGER NOT NULL,
    year_to       INTEGER NULL,
    due           TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

-- A document filed for an obligation and year, exactly as received.
CREATE TABLE deliverables (
    id          INTEGER NOT NULL PRIMARY KEY,
    obligation  TEXT    NOT NULL REFERENCES obligations (code),
    institution TEXT    NOT NULL REFERENCES institutions (code),
    year        INTEGER NOT NULL,
    media_type  TEXT    NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    content     BLOB    NOT NULL
);
CREATE INDEX ix_deliverables_filing ON deliverables (institution, obligation, year);

-- Each (obligation, institution, nominal period, offset) is sent at most once: the unique key, not a check in memory.
CREATE TABLE reminders (
    id              INTEGER NOT NULL PRIMARY KEY,
    obligation      TEXT    NOT NULL,
    institution     TEXT    NOT NULL REFERENCES institutions (code),
    period          TEXT    NOT NULL,
    due_date        TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    offset_days     INTEGER NOT NULL,
    message_zh      TEXT    NOT NULL,
    message_en      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    delivery_status TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NULL
);
CREATE UNIQUE INDEX ux_reminders_key ON reminders (obligation, institution, period, offset_days);
CREATE INDEX ix_reminders_institution ON reminders (institution, due_date);
