-- Notes on the charts: a short plain-text remark the secretariat (or a unit, on its own unit) pins to
-- a year, optionally a quarter or a phase (never both), a unit (NULL: the whole cluster) and an
-- indicator or covenant content code (NULL: every indicator). Shown as plain text only.
-- Every add, edit and removal is also in the audit trail, with the text.
CREATE SEQUENCE note_ids START 1;
CREATE TABLE notes (
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER,                       -- 1..4 or NULL
    phase INTEGER,                         -- the campaign's phase number or NULL
    unit_code VARCHAR,
    indicator VARCHAR,                     -- an indicator code (xa_ntm) or a content code (ND3)
    text VARCHAR NOT NULL,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL,           -- the last edit (the creator until someone edits it)
    updated_at TIMESTAMP NOT NULL
);
