-- Indicators the covenant compares for the whole year only (task-completion ratings of collectives
-- and staff, communes recognised as meeting the legal-access standard): they get no phase or quarter
-- figure. Filled from the campaign file's `annual = true` on every start.
ALTER TABLE indicators ADD COLUMN annual BOOLEAN DEFAULT false;
-- A rate whose numerator is part of its denominator (done ÷ total: never above 100%, and an upload
-- with more done than total is refused) or, share = false, a comparison of two counts that may pass
-- 100% (cases carried over next ÷ cases carried over in).
ALTER TABLE indicators ADD COLUMN share BOOLEAN DEFAULT true;
