-- How a ledger's body is stored: the equivalent of db/sqlite/0023_body_encoding.sql. Each new body is compressed by
-- the server before it is written ('br'): storing a 128 MB body in one statement took PostgreSQL some 1.5 s of
-- its own time (LZ4 or none alike) and 2.5–3 s through the protocol, more than loading the ledger's million rows;
-- compressed, it is a quarter of that. What is already compressed is not compressed again (EXTERNAL: out of
-- line, as it is); a body stored before keeps its LZ4 and stays NULL here.
ALTER TABLE compliance.submission_bodies ADD COLUMN encoding varchar(16) NULL;
ALTER TABLE compliance.submission_bodies ALTER COLUMN body SET STORAGE EXTERNAL;
