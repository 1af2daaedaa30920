-- Legal persons and their branches (api.md, "Institutions and keys"): the equivalent of
-- db/sqlite/0013_institution_hierarchy.sql. Whether an institution is a legal person (法人) or a branch (分支机构), its
-- level (head_office 总行/法人, provincial 省级, municipal 地市级, county 县级), and the institution a branch reports to.
-- An institution registered before gets the defaults of a POST: a local legal person is a legal person at head_office
-- level, any other institution a municipal branch, none with a parent. Nothing is evaluated again here: an admin
-- checks each institution's new fields, then re-evaluates.
ALTER TABLE compliance.institutions
    ADD COLUMN legal_person boolean     NOT NULL DEFAULT false,
    ADD COLUMN level        varchar(32) NOT NULL DEFAULT 'municipal',
    ADD COLUMN parent       varchar(32) COLLATE "C" NULL
        CONSTRAINT fk_institutions_parent REFERENCES compliance.institutions (code);

UPDATE compliance.institutions
SET legal_person = local_legal_person,
    level = CASE WHEN local_legal_person THEN 'head_office' ELSE 'municipal' END;
