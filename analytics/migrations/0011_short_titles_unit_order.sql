-- A short title per covenant content, for chart columns a projector must fit on one screen
-- (the full title stays in `title`, for hover text and tables).
ALTER TABLE contents ADD COLUMN short_title VARCHAR;
-- Where a unit is listed: block by block, Vietnamese collation of the short name (registry.in_listing_order),
-- set whenever the registry is synced, so every listing query orders by one column.
ALTER TABLE units ADD COLUMN listing_order INTEGER;
-- Both columns are filled from the files: forgetting the files' fingerprint makes the next start re-read them.
DELETE FROM meta WHERE key = 'config_fingerprint';
