-- The year-end vote (bình xét, suy tôn) and each unit's award history.
-- A vote is recorded whole: the voters present, the rule applied and every candidate's count; a
-- second recording of the same (year, title) is a new row, the latest one counts, earlier ones stay.
CREATE SEQUENCE vote_ids START 1;

CREATE TABLE votes (
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    title_code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    voters INTEGER NOT NULL,
    rule VARCHAR NOT NULL,          -- the rule in words, as applied that day
    source VARCHAR,                 -- ballots file name, or the form
    sha256 VARCHAR,                 -- of the ballots file
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL
);

CREATE TABLE vote_counts (
    vote_id BIGINT NOT NULL,
    unit_code VARCHAR NOT NULL,
    votes INTEGER NOT NULL,
    passed BOOLEAN NOT NULL,
    tie BOOLEAN NOT NULL
);

-- Titles and awards a unit received (past years included): the basis of rules such as "a Government
-- flag needs an earlier Ministry flag". Replaced per unit by an import, edited by the secretariat.
CREATE TABLE awards (
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    title_code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    decision_no VARCHAR,
    decision_date DATE,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL
);
