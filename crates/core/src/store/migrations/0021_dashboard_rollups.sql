-- 0021: what the breakdown and cohort views read (docs/dashboards.md), maintained like rollup_daily: writers mark
-- the (program, day) they touch dirty in the same transaction; a refresh recomputes exactly those days and the
-- months they fall in. Nothing is rebuilt on read.

-- Deposits and NGR beside the daily funnel, per (program, day, affiliate, sub-ID, country, brand). Program
-- currency only, like ftd_amount_micros. NGR is the default formula bets - wins - bonuses - chargebacks - fees -
-- taxes over player_activity_daily; a plan's own formula is the statement's business, not the dashboard's.
ALTER TABLE rollup_daily ADD COLUMN deposits_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rollup_daily ADD COLUMN ngr_micros INTEGER NOT NULL DEFAULT 0;

-- Per registration-month cohort of an affiliate's players: how many were active (a deposit, or a day with
-- deposits or bets) in a calendar month, and their deposits and NGR in it. 'YYYY-MM' months of reporting days.
CREATE TABLE rollup_cohort_monthly (
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    month           TEXT NOT NULL,              -- the activity's month
    cohort_month    TEXT NOT NULL,              -- the players' registration month
    affiliate_id    INTEGER NOT NULL REFERENCES affiliates(id),
    active_players  INTEGER NOT NULL DEFAULT 0,
    deposits_micros INTEGER NOT NULL DEFAULT 0,
    ngr_micros      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (program_id, month, cohort_month, affiliate_id)
) STRICT, WITHOUT ROWID;

-- A dirty day's deposits and activity are found by day, not by scanning the tables.
CREATE INDEX money_program_day ON money_movements (program_id, day);
CREATE INDEX player_activity_day ON player_activity_daily (day);

-- Existing data is rolled up again on the first refresh.
INSERT OR IGNORE INTO rollup_dirty (program_id, day)
    SELECT program_id, day FROM money_movements UNION SELECT program_id, day FROM players
    UNION SELECT p.program_id, a.day FROM player_activity_daily a JOIN players p ON p.id = a.player_id;
