-- Demo registrations are flagged like demo figures, communes and self-assessments, so removing the demo
-- removes them and never a unit's real registration (a real save or review writes false).
ALTER TABLE registrations ADD COLUMN is_demo BOOLEAN NOT NULL DEFAULT false;
