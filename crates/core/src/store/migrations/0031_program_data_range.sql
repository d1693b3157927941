-- 0031: each program's data range (the first and last day holding its clicks, players, conversions or deals), as
-- the last rollup refresh found it: the app reads every program's range before its first screen, and scanning
-- for it took a fifth of a second on a 10 M-click workspace. NULL days: the program holds no data. A program
-- without a row here, or with days written since the refresh (in rollup_dirty), is scanned instead.
CREATE TABLE program_data_range (
    program_id INTEGER PRIMARY KEY REFERENCES programs(id),
    first_day  TEXT,
    last_day   TEXT
) STRICT;

-- The next refresh stores every program's range: each program's last rolled-up day is recomputed with it.
INSERT OR IGNORE INTO rollup_dirty (program_id, day) SELECT program_id, MAX(day) FROM rollup_daily GROUP BY program_id;
