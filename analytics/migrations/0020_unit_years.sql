-- The registry resolved per year: one row per (year, unit), the version in force on the last day of
-- the year the unit existed, so a unit renamed in July 2025 carries its new name for 2025. Queries of
-- one year read members and names here; `units` keeps each unit once with the years it spans.
CREATE TABLE unit_years (
    year INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    province VARCHAR NOT NULL,
    province_kind VARCHAR,
    block VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    successor VARCHAR,
    parent VARCHAR,
    illustrative BOOLEAN NOT NULL,
    note VARCHAR
);
