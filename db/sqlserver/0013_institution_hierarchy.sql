-- Legal persons and their branches (api.md, "Institutions and keys"): the equivalent of
-- db/sqlite/0013_institution_hierarchy.sql. Whether an institution is a legal person (法人) or a branch (分支机构), its
-- level (head_office 总行/法人, provincial 省级, municipal 地市级, county 县级), and the institution a branch reports to.
-- An institution registered before gets the defaults of a POST: a local legal person is a legal person at head_office
-- level, any other institution a municipal branch, none with a parent. Nothing is evaluated again here: an admin
-- checks each institution's new fields, then re-evaluates.
ALTER TABLE compliance.institutions ADD
    legal_person bit          NOT NULL CONSTRAINT df_institutions_legal_person DEFAULT 0,
    level        nvarchar(32) NOT NULL CONSTRAINT df_institutions_level DEFAULT N'municipal',
    parent       nvarchar(32) COLLATE Latin1_General_100_BIN2 NULL
        CONSTRAINT fk_institutions_parent FOREIGN KEY REFERENCES compliance.institutions (code);

-- A batch is compiled whole, before the columns above exist: the update is compiled on its own.
EXEC(N'UPDATE compliance.institutions
SET legal_person = local_legal_person,
    level = CASE WHEN local_legal_person = 1 THEN N''head_office'' ELSE N''municipal'' END');
