-- Every vertical from files (issue 15): Forex symbols keep their quote digits, accounts their MT5 group, deals are
-- found by position (an `out` deal before its `in` is refused), and the import tables learn the symbols, accounts,
-- deals and conversions presets (and the withdrawals and bonuses presets to come, so their CHECK is not rebuilt
-- again): rebuilt, rows copied as they are.
ALTER TABLE symbols ADD COLUMN digits INTEGER CHECK (digits IS NULL OR digits BETWEEN 0 AND 10);
ALTER TABLE forex_accounts ADD COLUMN mt5_group TEXT NOT NULL DEFAULT '';  -- e.g. real\cent\USC; '' when not given
CREATE INDEX deals_position ON deals (program_id, position_id) WHERE position_id <> '';
CREATE INDEX deals_program_day ON deals (program_id, day);   -- a program's first and last trading day, by index

CREATE TABLE import_runs_new (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources(id),
    file_name         TEXT NOT NULL,
    file_size         INTEGER NOT NULL CHECK (file_size >= 0),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    preset            TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits', 'claims', 'affiliates',
                                           'symbols', 'accounts', 'deals', 'conversions', 'withdrawals', 'bonuses')),
    mapping_json      TEXT NOT NULL,
    started_at_ms     INTEGER NOT NULL,
    finished_at_ms    INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    checkpoint_offset INTEGER NOT NULL DEFAULT 0,
    checkpoint_row    INTEGER NOT NULL DEFAULT 0,
    rows_ok           INTEGER NOT NULL DEFAULT 0,
    rows_quarantined  INTEGER NOT NULL DEFAULT 0,
    message           TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO import_runs_new SELECT id, source_id, file_name, file_size, sha256, preset, mapping_json, started_at_ms,
    finished_at_ms, status, checkpoint_offset, checkpoint_row, rows_ok, rows_quarantined, message FROM import_runs;
DROP INDEX import_runs_file;
DROP TABLE import_runs;
ALTER TABLE import_runs_new RENAME TO import_runs;
CREATE INDEX import_runs_file ON import_runs (sha256, preset, source_id);

CREATE TABLE import_mappings_new (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    preset        TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits', 'claims', 'affiliates',
                                           'symbols', 'accounts', 'deals', 'conversions', 'withdrawals', 'bonuses')),
    mapping_json  TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
INSERT INTO import_mappings_new SELECT id, name, preset, mapping_json, created_at_ms, updated_at_ms FROM import_mappings;
DROP TABLE import_mappings;
ALTER TABLE import_mappings_new RENAME TO import_mappings;
