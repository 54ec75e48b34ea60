-- Registration at signing (đăng ký thi đua): per unit and year, the titles it registers for and its
-- registered targets. One current row per (unit, year); every change is in the audit trail.
CREATE TABLE registrations (
    unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    titles VARCHAR[] NOT NULL,          -- codes of [registration.titles] in the campaign file
    ntm_count INTEGER NOT NULL,         -- communes supported for new rural development
    ntm_names VARCHAR[] NOT NULL,
    models_count INTEGER NOT NULL,      -- exemplary models (điển hình tiên tiến)
    models_names VARCHAR[] NOT NULL,
    xnpl_count INTEGER NOT NULL,        -- communes to lift out of "legal poverty"
    xnpl_names VARCHAR[] NOT NULL,
    state VARCHAR NOT NULL,             -- draft | submitted | approved | returned
    reason VARCHAR,                     -- why the secretariat returned it
    updated_at TIMESTAMP NOT NULL,
    updated_by VARCHAR NOT NULL
);
