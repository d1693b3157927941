-- 0017: an affiliate's own report as the third leg of reconciliation (DOMAIN.md §7). A claims file is imported like
-- any batch file (its rows archived raw, bad rows quarantined with their reason); each claim is one row here, and
-- matching it against the tracker and the operator gives it a reason code. An unmatched claim can become a case.

CREATE TABLE claims (
    id                INTEGER PRIMARY KEY,
    program_id        INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id      INTEGER NOT NULL REFERENCES affiliates(id),   -- the claimant
    claim_key         TEXT NOT NULL,          -- the file's claim id, or its row key
    player_ref        TEXT NOT NULL DEFAULT '',
    click_ref         TEXT NOT NULL DEFAULT '',
    registered_day    TEXT NOT NULL DEFAULT '',
    ftd_day           TEXT NOT NULL DEFAULT '',
    ftd_amount_micros INTEGER,
    currency          TEXT NOT NULL DEFAULT '',
    raw_id            INTEGER REFERENCES raw_records(id),
    imported_at_ms    INTEGER NOT NULL,
    UNIQUE (program_id, affiliate_id, claim_key)
) STRICT;
CREATE INDEX claims_affiliate ON claims (program_id, affiliate_id, id);
CREATE TRIGGER claims_no_update BEFORE UPDATE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are kept as the affiliate sent them'); END;
CREATE TRIGGER claims_no_delete BEFORE DELETE ON claims
BEGIN SELECT RAISE(ABORT, 'claims are kept as the affiliate sent them'); END;

-- The latest matching of each claim (matching again replaces it: it is derived from the claims and the store).
CREATE TABLE claim_results (
    claim_id        INTEGER PRIMARY KEY REFERENCES claims(id),
    period          TEXT NOT NULL,            -- the month the claim was matched for
    reason          TEXT NOT NULL CHECK (reason = 'confirmed' OR reason = 'unknown' OR reason = 'tracker_only' OR
                                         reason = 'other_affiliate' OR reason = 'no_deposit' OR
                                         reason = 'missing_postback' OR reason = 'amount_mismatch' OR
                                         reason = 'outside_window'),
    detail          TEXT NOT NULL,
    player_ref      TEXT NOT NULL DEFAULT '', -- the operator's player it resolved to
    impact_micros   INTEGER NOT NULL DEFAULT 0,
    matched_at_ms   INTEGER NOT NULL
) STRICT;
CREATE INDEX claim_results_reason ON claim_results (period, reason);

-- The import tables learn the `claims` preset (their CHECK lists the presets): rebuilt, rows copied as they are.
CREATE TABLE import_runs_new (
    id                INTEGER PRIMARY KEY,
    source_id         INTEGER NOT NULL REFERENCES sources(id),
    file_name         TEXT NOT NULL,
    file_size         INTEGER NOT NULL CHECK (file_size >= 0),
    sha256            TEXT NOT NULL CHECK (length(sha256) = 64),
    preset            TEXT NOT NULL CHECK (preset = 'clicks' OR preset = 'registrations' OR preset = 'activity' OR
                                           preset = 'deposits' OR preset = 'claims'),
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
    preset        TEXT NOT NULL CHECK (preset = 'clicks' OR preset = 'registrations' OR preset = 'activity' OR
                                       preset = 'deposits' OR preset = 'claims'),
    mapping_json  TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;
INSERT INTO import_mappings_new SELECT id, name, preset, mapping_json, created_at_ms, updated_at_ms FROM import_mappings;
DROP TABLE import_mappings;
ALTER TABLE import_mappings_new RENAME TO import_mappings;

-- When each month was last reconciled, and by whom: a month never reconciled is not a month without discrepancies.
CREATE TABLE recon_runs (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    period        TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind = 'tracker_operator' OR kind = 'claims'),
    ran_by        INTEGER REFERENCES users(id),
    ran_at_ms     INTEGER NOT NULL,
    findings      INTEGER NOT NULL
) STRICT;
CREATE INDEX recon_runs_period ON recon_runs (program_id, period, kind, id);
CREATE TRIGGER recon_runs_no_update BEFORE UPDATE ON recon_runs
BEGIN SELECT RAISE(ABORT, 'reconciliation runs are append-only'); END;
