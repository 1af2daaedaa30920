-- How a ledger's body is stored: NULL exactly as received; 'br' compressed by the server (Brotli, RFC 7932) before
-- it is written, as a server on PostgreSQL stores each new body (PostgreSQL's own compression and storage of a 128 MB
-- value in one statement take it longer than loading the ledger's million rows). Whatever is stored, a body is
-- answered exactly as received. SQLite and SQL Server store bodies as received: the column stays NULL there.
ALTER TABLE submission_bodies ADD COLUMN encoding TEXT NULL;
