-- A period's per-day FX rates, for plan versions that convert at each day's rate (`"fx": "per_day"`). Copied
-- from the dated FX table (0022) when the period is computed, refreshed while it is open, frozen at close like
-- the period's own snapshot (`fx_rates`, 0005).
CREATE TABLE period_fx_daily (
    period_id      INTEGER NOT NULL REFERENCES periods(id),
    day            TEXT NOT NULL,
    from_currency  TEXT NOT NULL CHECK (length(from_currency) = 3),
    to_currency    TEXT NOT NULL CHECK (length(to_currency) = 3),
    rate           TEXT NOT NULL,
    source         TEXT NOT NULL,
    as_of          TEXT NOT NULL,          -- the table's day the rate is of (up to 7 days before `day`)
    recorded_at_ms INTEGER NOT NULL,
    PRIMARY KEY (period_id, day, from_currency, to_currency)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER period_fx_daily_fixed_after_close_update BEFORE UPDATE ON period_fx_daily
WHEN (SELECT status FROM periods WHERE id = OLD.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;
CREATE TRIGGER period_fx_daily_fixed_after_close_delete BEFORE DELETE ON period_fx_daily
WHEN (SELECT status FROM periods WHERE id = OLD.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;
CREATE TRIGGER period_fx_daily_no_insert_after_close BEFORE INSERT ON period_fx_daily
WHEN (SELECT status FROM periods WHERE id = NEW.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;
