-- Scoring as a process: criteria the figures cannot score ("manual" in the rubric) are self-assessed by
-- each unit, then accepted or adjusted by the secretariat, who locks the year. Every step is a row, never
-- updated: the latest self-assessment and the review after it are the current points; the rest is the
-- trail of who changed what.
CREATE SEQUENCE assessment_ids START 1;

CREATE TABLE assessments (
    id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    unit_code VARCHAR NOT NULL,
    criterion VARCHAR NOT NULL,
    step VARCHAR NOT NULL,          -- self | accepted | adjusted
    points DOUBLE NOT NULL,
    note VARCHAR NOT NULL,          -- the unit's justification, or the secretariat's reason
    made_by VARCHAR NOT NULL,
    made_at TIMESTAMP NOT NULL,
    is_demo BOOLEAN NOT NULL
);

-- Evidence files attached to a self-assessment (PDF or image), kept with their SHA-256.
CREATE TABLE evidence (
    assessment_id BIGINT NOT NULL,
    file_name VARCHAR NOT NULL,
    content_type VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    sha256 VARCHAR NOT NULL,
    data BLOB NOT NULL
);

CREATE TABLE score_locks (
    year INTEGER NOT NULL,
    locked_at TIMESTAMP NOT NULL,
    locked_by VARCHAR NOT NULL
);
