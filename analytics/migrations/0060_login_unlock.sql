-- An administrator's unlock of a login name: failed attempts before this moment no longer delay
-- it, in whichever process counts them (the dashboard keeps its counters in memory).
ALTER TABLE users ADD COLUMN unlocked_at TIMESTAMP;
