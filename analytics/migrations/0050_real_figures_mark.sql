-- A store that already holds real figures is marked as such, like the first real upload marks a new
-- one: demo data is never seeded into it (see analytics/demo.py, store_is_new).
INSERT INTO meta
SELECT 'held_real_figures', CAST(min(created_at) AS VARCHAR) FROM uploads
WHERE kind IN ('results', 'communes') AND NOT is_demo
HAVING count(*) > 0;
