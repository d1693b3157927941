-- 0013: clicks are found by time, not by (day, affiliate). Every detection rule reads a window of clicks by
-- `clicked_at_ms`, which no index served: at 10 M clicks a 24-hour window scanned the whole program (11 s). Rollups
-- read a day of clicks as the same window in the program's zone. Clicks arrive roughly in time order, so this
-- index grows at its end, as cheap to keep as the one it replaces.
DROP INDEX clicks_day;
CREATE INDEX clicks_time ON clicks (program_id, clicked_at_ms);
