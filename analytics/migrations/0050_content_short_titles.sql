-- A short title per covenant content, for chart columns a projector must fit on one screen
-- (the full title stays in `title`, for hover text and tables).
ALTER TABLE contents ADD COLUMN short_title VARCHAR;
