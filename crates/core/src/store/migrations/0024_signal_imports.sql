-- 0024: every fraud signal has a way in from files (issue 12). The import tables learn the `ip_countries` preset (a
-- GeoIP table of ranges) and keep, per run, the signal values they ignored (placeholder device ids, emails that are
-- not addresses, private IPs...) with a count: rebuilt, rows copied as they are. Ranges of IPs to a country land in
-- `ip_country_ranges`; an affiliate's own identifiers say where they came from.

CREATE TABLE import_runs_new (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources(id),
    file_name         TEXT NOT NULL,
    file_size         INTEGER NOT NULL CHECK (file_size >= 0),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    preset            TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits', 'claims', 'affiliates',
                                           'symbols', 'accounts', 'deals', 'conversions', 'withdrawals', 'bonuses',
                                           'ip_countries')),
    mapping_json      TEXT NOT NULL,
    started_at_ms     INTEGER NOT NULL,
    finished_at_ms    INTEGER,
    status            TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    checkpoint_offset INTEGER NOT NULL DEFAULT 0,
    checkpoint_row    INTEGER NOT NULL DEFAULT 0,
    rows_ok           INTEGER NOT NULL DEFAULT 0,
    rows_quarantined  INTEGER NOT NULL DEFAULT 0,
    message           TEXT NOT NULL DEFAULT '',
    -- [{"field":"device_id","reason":"placeholder","count":3,"example":"unknown","first_row":7}, ...]: signal values
    -- the run read and ignored (the rows were imported); added to in the transaction of each chunk.
    ignored_json      TEXT NOT NULL DEFAULT '[]'
) STRICT;
INSERT INTO import_runs_new (id, source_id, file_name, file_size, sha256, preset, mapping_json, started_at_ms,
                             finished_at_ms, status, checkpoint_offset, checkpoint_row, rows_ok, rows_quarantined, message)
SELECT id, source_id, file_name, file_size, sha256, preset, mapping_json, started_at_ms, finished_at_ms, status,
       checkpoint_offset, checkpoint_row, rows_ok, rows_quarantined, message FROM import_runs;
DROP INDEX import_runs_file;
DROP TABLE import_runs;
ALTER TABLE import_runs_new RENAME TO import_runs;
CREATE INDEX import_runs_file ON import_runs (sha256, preset, source_id);

CREATE TABLE import_mappings_new (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    preset        TEXT NOT NULL CHECK (preset IN ('clicks', 'registrations', 'activity', 'deposits', 'claims', 'affiliates',
                                       'symbols', 'accounts', 'deals', 'conversions', 'withdrawals', 'bonuses',
                                       'ip_countries')),
    mapping_json  TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
INSERT INTO import_mappings_new SELECT id, name, preset, mapping_json, created_at_ms, updated_at_ms FROM import_mappings;
DROP TABLE import_mappings;
ALTER TABLE import_mappings_new RENAME TO import_mappings;

-- A GeoIP table as ranges: every address from first to last (inclusive) is in `country`. Bounds are kept as keys
-- that sort like the addresses (32 lower-case hex digits of the IPv6 address, IPv4 as ::ffff:a.b.c.d) and as text
-- for people. Ranges never overlap: an import refuses (quarantines) a row that overlaps one already stored, naming
-- it. Like `ip_countries`, not per program: where an address is does not depend on who looks.
CREATE TABLE ip_country_ranges (
    id            INTEGER PRIMARY KEY,
    first_key     TEXT NOT NULL CHECK (length(first_key) = 32),
    last_key      TEXT NOT NULL CHECK (length(last_key) = 32 AND last_key >= first_key),
    first_ip      TEXT NOT NULL,
    last_ip       TEXT NOT NULL,
    country       TEXT NOT NULL CHECK (length(country) = 2),
    run_id        INTEGER REFERENCES import_runs(id),
    row_number    INTEGER NOT NULL DEFAULT 0,   -- the file row it came from (spreadsheet numbering)
    file_name     TEXT NOT NULL DEFAULT '',
    UNIQUE (first_key)
) STRICT;

-- Where an affiliate's identifier came from: 'file' (an affiliates file, `origin_ref` its name) or 'user' (added in
-- the app or the CLI, `origin_ref` the person); `hint` is what a manager recognises it by without the secret
-- (the address's first letter and domain, an instrument's last four characters, the IP or device id itself).
ALTER TABLE affiliate_identifiers ADD COLUMN origin TEXT NOT NULL DEFAULT '' CHECK (origin IN ('', 'file', 'user'));
ALTER TABLE affiliate_identifiers ADD COLUMN origin_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE affiliate_identifiers ADD COLUMN hint TEXT NOT NULL DEFAULT '';
ALTER TABLE affiliate_identifiers ADD COLUMN added_at_ms INTEGER NOT NULL DEFAULT 0;
