-- Users, roles and the audit trail (issue 6).
-- Passwords are stored only as salted scrypt hashes ("scrypt$n$r$p$salt$hash", base64); an account
-- known only through single sign-on (st.login) has no hash and is matched on its e-mail.
CREATE TABLE users (
    name VARCHAR NOT NULL,                 -- login name: lower-case ASCII letters, digits . _ - @
    full_name VARCHAR,                     -- display name (Vietnamese), shown as plain text only
    role VARCHAR NOT NULL,                 -- viewer | unit | admin
    unit_code VARCHAR,                     -- the one unit a 'unit' user may change
    password_hash VARCHAR,
    email VARCHAR,                         -- identity from single sign-on, lower-case
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    password_changed_at TIMESTAMP NOT NULL -- sessions opened before this are void
);

-- Append-only: written in the same transaction as the change it describes; no code path updates
-- or deletes it, and a restore leaves it as it is (the restore itself is recorded).
CREATE SEQUENCE audit_ids START 1;
CREATE TABLE audit (
    id BIGINT NOT NULL,
    happened_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    target VARCHAR,
    detail VARCHAR,                        -- JSON
    upload_id BIGINT
);
