-- A leader's wish to hear of changes to a block's or a unit's figures (a digest by e-mail after an
-- upload, a revert or the review of a score). Exactly one of block / unit_code is set on each row.
-- A removed account's rows stay harmless: digests go only to accounts that exist and carry an e-mail.
CREATE SEQUENCE subscription_ids START 1;
CREATE TABLE subscriptions (
    id BIGINT NOT NULL,
    user_name VARCHAR NOT NULL,
    block VARCHAR,                         -- STP | THADS
    unit_code VARCHAR,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL
);
