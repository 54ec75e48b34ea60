-- Every save of a year's configuration from the app or the CLI keeps, per file, the text before and
-- after it, so the change can be shown again and undone. `old_text` is NULL when the save created
-- the file, `new_text` NULL when it removed it (undoing a new year).
CREATE SEQUENCE campaign_revision_ids START 1;
CREATE TABLE campaign_revisions (
    revision BIGINT NOT NULL,
    year INTEGER NOT NULL,
    file VARCHAR NOT NULL,                 -- "campaigns/2017.toml", "meetings/so-ket-2017.toml"
    saved_at TIMESTAMP NOT NULL,
    saved_by VARCHAR NOT NULL,
    action VARCHAR NOT NULL,               -- new | edit | undo
    old_text VARCHAR,
    new_text VARCHAR
);
