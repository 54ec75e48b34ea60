-- Commune registers: the named communes each unit supports for new rural development (program
-- 'ntm', at least 2 per unit) and those it registered to lift out of "legal poverty" ('xnpl').
-- A register upload replaces a unit's list for one (year, program); replaced rows stay in
-- commune_history so they can be restored.
CREATE TABLE communes (
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    program VARCHAR NOT NULL,      -- ntm | xnpl
    commune VARCHAR NOT NULL,      -- xã/phường/thị trấn, NFC text as uploaded
    district VARCHAR,
    status VARCHAR NOT NULL,       -- registered | in_progress | achieved
    achieved_on DATE,
    note VARCHAR,
    upload_id BIGINT NOT NULL,
    is_demo BOOLEAN NOT NULL
);

CREATE TABLE commune_history (
    upload_id BIGINT NOT NULL,     -- the upload that replaced or removed the row
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    program VARCHAR NOT NULL,
    commune VARCHAR NOT NULL,
    district VARCHAR,
    status VARCHAR NOT NULL,
    achieved_on DATE,
    note VARCHAR,
    old_upload_id BIGINT NOT NULL,
    was_demo BOOLEAN NOT NULL
);
