-- 0030: the ledger's acquisition lines (CPA, CPL) by the registration month of the players they paid for, written
-- with each entry (crate::ledger::cohorts), so the cohort view sums them instead of expanding every entry's JSON
-- basis on each read. An entry's basis is never edited (the ledger is append-only), so neither is its index.
CREATE TABLE ledger_cohort_amounts (
    entry_id      INTEGER NOT NULL REFERENCES ledger_entries(id),
    cohort_month  TEXT NOT NULL,              -- the players' registration month, YYYY-MM
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id  INTEGER NOT NULL REFERENCES affiliates(id),
    currency      TEXT NOT NULL,
    amount_micros INTEGER NOT NULL,
    PRIMARY KEY (entry_id, cohort_month)
) STRICT, WITHOUT ROWID;

-- Entries written before this migration are indexed once, by the first read that needs them (their amounts are
-- exact decimals, parsed in Rust).
CREATE TABLE ledger_cohort_backfill (upto INTEGER NOT NULL) STRICT;
INSERT INTO ledger_cohort_backfill (upto)
    SELECT MAX(id) FROM ledger_entries WHERE line_key IN ('cpa', 'cpl') HAVING MAX(id) IS NOT NULL;
