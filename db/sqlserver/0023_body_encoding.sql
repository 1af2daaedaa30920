-- How a ledger's body is stored: the equivalent of db/sqlite/0023_body_encoding.sql. SQL Server stores bodies as
-- received: the column stays NULL here.
ALTER TABLE compliance.submission_bodies ADD encoding nvarchar(16) NULL;
