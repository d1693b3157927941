-- 0004: batch CSV import. A run is one attempt to import one file; it is resumable from its checkpoint, which is
-- written in the same transaction as the rows of each chunk (so a crash loses no row and duplicates none).
-- Column mappings are saved by name so a recurring file layout is declared once.

CREATE TABLE import_mappings (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    preset        TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits')),
    mapping_json  TEXT NOT NULL,           -- the validated ColumnMapping, as JSON
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE import_runs (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources(id),
    file_name         TEXT NOT NULL,
    file_size         INTEGER NOT NULL CHECK (file_size >= 0),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    preset            TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits')),
    mapping_json      TEXT NOT NULL,       -- the mapping the run used, so a resume maps exactly the same way
    started_at_ms     INTEGER NOT NULL,
    finished_at_ms    INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    -- Where the next chunk starts: a byte offset into the file and the 1-based number of its first data row.
    checkpoint_offset INTEGER NOT NULL DEFAULT 0,
    checkpoint_row    INTEGER NOT NULL DEFAULT 0,
    rows_ok           INTEGER NOT NULL DEFAULT 0,
    rows_quarantined  INTEGER NOT NULL DEFAULT 0,
    message           TEXT NOT NULL DEFAULT ''
) STRICT;
-- A run is found again (to resume it, or to see that the file was already imported) by its content and layout.
CREATE INDEX import_runs_file ON import_runs (sha256, preset, source_id);

-- Quarantined rows of an import point at their run, so they can be browsed and exported per run.
CREATE TABLE import_quarantine (
    quarantine_id INTEGER PRIMARY KEY REFERENCES quarantine(id),
    run_id        INTEGER NOT NULL REFERENCES import_runs(id),
    row_number    INTEGER NOT NULL
) STRICT;
CREATE INDEX import_quarantine_run ON import_quarantine (run_id, row_number);
