-- Initial schema. Results are stored long; rates are computed from stored counts at query time.
-- No PRIMARY KEY on facts: DuckDB checks ART indexes eagerly, which breaks delete-then-insert of
-- the same key inside one transaction; the single write path (analytics.history) keeps keys unique.

CREATE TABLE units (
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    province VARCHAR NOT NULL,
    province_kind VARCHAR,
    block VARCHAR NOT NULL,
    valid_from INTEGER NOT NULL,
    valid_to INTEGER,
    successor VARCHAR,
    note VARCHAR
);

CREATE TABLE campaigns (
    year INTEGER NOT NULL,
    cluster VARCHAR,
    theme VARCHAR,
    head_unit VARCHAR,
    signing_date DATE,
    signing_place VARCHAR,
    source VARCHAR
);

CREATE TABLE phases (
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    quarters INTEGER[] NOT NULL
);

CREATE TABLE milestones (
    year INTEGER NOT NULL,
    date DATE NOT NULL,
    name VARCHAR NOT NULL,
    place VARCHAR,
    note VARCHAR
);

CREATE TABLE contents (
    year INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    placeholder BOOLEAN NOT NULL
);

CREATE TABLE indicators (
    year INTEGER NOT NULL,
    position INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    label_en VARCHAR,
    unit VARCHAR,
    block VARCHAR NOT NULL,      -- ALL, STP or THADS
    kind VARCHAR NOT NULL,       -- flow, stock or ratio
    content VARCHAR NOT NULL,
    numerator VARCHAR,
    denominator VARCHAR,
    basis VARCHAR NOT NULL,      -- calendar or thads (statistical year 1 Oct – 30 Sep)
    higher_is_better BOOLEAN NOT NULL
);

CREATE TABLE targets (
    year INTEGER NOT NULL,
    indicator VARCHAR NOT NULL,
    block VARCHAR,
    unit_code VARCHAR,
    min_value DOUBLE,
    max_value DOUBLE,
    period VARCHAR NOT NULL,
    illustrative BOOLEAN NOT NULL
);

CREATE SEQUENCE upload_ids START 1;

-- Every change to facts is an upload: a file, the demo generator, a revert, a demo removal.
CREATE TABLE uploads (
    id BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    file_name VARCHAR,
    sha256 VARCHAR,
    n_rows INTEGER,
    n_values INTEGER,
    is_demo BOOLEAN NOT NULL,
    reverts BIGINT,
    raw BLOB,
    note VARCHAR
);

-- Current values, one row per (unit, year, quarter, indicator).
CREATE TABLE facts (
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    indicator VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    upload_id BIGINT NOT NULL,
    is_demo BOOLEAN NOT NULL
);

-- What each upload changed, so earlier values stay recoverable and an upload can be reverted.
CREATE TABLE fact_history (
    upload_id BIGINT NOT NULL,
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    quarter INTEGER NOT NULL,
    indicator VARCHAR NOT NULL,
    old_value DOUBLE,
    new_value DOUBLE,
    old_upload_id BIGINT
);

CREATE TABLE meta (
    key VARCHAR NOT NULL,
    value VARCHAR
);

INSERT INTO meta VALUES ('data_version', '0');
