-- 0022: the dated FX table (issue 15). One rate per row: 1 `base_currency` = `rate` `quote_currency` on `day`,
-- from the ECB reference-rate files (base EUR) or entered by hand (any pair). Append-only: a correction is a new
-- row for the same day and pair; the latest recorded one wins (ties: the higher id). Periods copy what they need
-- into their own snapshot (`fx_rates`, 0005), which is frozen at close.
CREATE TABLE fx_daily_rates (
    id             INTEGER PRIMARY KEY,
    day            TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    base_currency  TEXT NOT NULL CHECK (length(base_currency) = 3),
    quote_currency TEXT NOT NULL CHECK (length(quote_currency) = 3 AND quote_currency <> base_currency),
    -- An exact positive decimal as text ('1.0823'): digits and at most one point, some digit not zero.
    rate           TEXT NOT NULL CHECK (rate GLOB '[0-9]*' AND rate NOT GLOB '*[^0-9.]*'
                                        AND rate NOT GLOB '*.*.*' AND rate GLOB '*[1-9]*'),
    source         TEXT NOT NULL CHECK (source <> ''),   -- 'ECB reference rate', 'manual'
    recorded_at_ms INTEGER NOT NULL,
    recorded_by    TEXT NOT NULL CHECK (recorded_by <> '')
) STRICT;
CREATE INDEX fx_daily_rates_pair_day ON fx_daily_rates (base_currency, quote_currency, day);
CREATE INDEX fx_daily_rates_day ON fx_daily_rates (day);
CREATE TRIGGER fx_daily_rates_no_update BEFORE UPDATE ON fx_daily_rates
BEGIN SELECT RAISE(ABORT, 'fx_daily_rates is append-only: a correction is a new row'); END;
CREATE TRIGGER fx_daily_rates_no_delete BEFORE DELETE ON fx_daily_rates
BEGIN SELECT RAISE(ABORT, 'fx_daily_rates is append-only: a correction is a new row'); END;

-- What an FX file import could not take: one row per bad cell or row, naming the file, its row and field.
CREATE TABLE fx_import_quarantine (
    id             INTEGER PRIMARY KEY,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL CHECK (length(file_sha256) = 64),
    row_no         INTEGER NOT NULL CHECK (row_no >= 1),   -- 1 = the header line
    field          TEXT NOT NULL,
    value          TEXT NOT NULL,
    reason         TEXT NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    UNIQUE (file_sha256, row_no, field)
) STRICT;
CREATE TRIGGER fx_import_quarantine_no_update BEFORE UPDATE ON fx_import_quarantine
BEGIN SELECT RAISE(ABORT, 'fx_import_quarantine is append-only'); END;
CREATE TRIGGER fx_import_quarantine_no_delete BEFORE DELETE ON fx_import_quarantine
BEGIN SELECT RAISE(ABORT, 'fx_import_quarantine is append-only'); END;

-- Amounts in currencies other than the program's, per (program, day, affiliate, sub-ID, country, brand,
-- currency), beside rollup_daily (which keeps the program currency only). Dashboards convert these at read, at
-- each day's rate from fx_daily_rates, so a rate that arrives later applies without a rebuild.
CREATE TABLE rollup_fx_daily (
    program_id        INTEGER NOT NULL REFERENCES programs(id),
    day               TEXT NOT NULL,
    affiliate_id      INTEGER NOT NULL REFERENCES affiliates(id),
    sub_id            TEXT NOT NULL,
    country           TEXT NOT NULL,
    brand_id          INTEGER NOT NULL,
    currency          TEXT NOT NULL,
    ftd_amount_micros INTEGER NOT NULL DEFAULT 0,
    deposits_micros   INTEGER NOT NULL DEFAULT 0,
    ngr_micros        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, day, affiliate_id, sub_id, country, brand_id, currency)
) STRICT, WITHOUT ROWID;

-- Days with money in another currency are rolled up again on the first refresh.
INSERT OR IGNORE INTO rollup_dirty (program_id, day)
    SELECT m.program_id, m.day FROM money_movements m JOIN programs pr ON pr.id = m.program_id
     WHERE m.currency <> pr.currency
    UNION SELECT p.program_id, a.day FROM player_activity_daily a JOIN players p ON p.id = a.player_id
      JOIN programs pr ON pr.id = p.program_id WHERE a.currency <> pr.currency;
