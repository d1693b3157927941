-- Deposits and NGR in currencies other than the program's, per day, registration month and affiliate: the
-- cohort view converts them at read, each day at that day's rate (as the dashboard and breakdown do with
-- `rollup_fx_daily`, 0022). Maintained with the same dirty-day refresh.
CREATE TABLE rollup_cohort_fx_daily (
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    day             TEXT NOT NULL,
    cohort_month    TEXT NOT NULL,
    affiliate_id    INTEGER NOT NULL REFERENCES affiliates(id),
    currency        TEXT NOT NULL,
    deposits_micros INTEGER NOT NULL DEFAULT 0,
    ngr_micros      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, day, cohort_month, affiliate_id, currency)
) STRICT, WITHOUT ROWID;

-- Days with money in another currency are rolled up again on the first refresh.
INSERT OR IGNORE INTO rollup_dirty (program_id, day)
    SELECT m.program_id, m.day FROM money_movements m JOIN programs pr ON pr.id = m.program_id
     WHERE m.currency <> pr.currency
    UNION SELECT p.program_id, a.day FROM player_activity_daily a JOIN players p ON p.id = a.player_id
      JOIN programs pr ON pr.id = p.program_id WHERE a.currency <> pr.currency;
