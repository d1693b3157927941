-- 0005: commission plans (versioned, effective-dated, immutable once saved), periods with their FX snapshot, the
-- append-only commission ledger, persisted statements, and the payout schema (four-eyes approvals) for later work.
-- Money is INTEGER micros + ISO 4217 currency; days are 'YYYY-MM-DD' in the program's zone; instants Unix ms UTC.
-- Disputes live in 0007 (detection); attribution decisions in 0006.

CREATE TABLE plans (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    rounding      TEXT NOT NULL CHECK (rounding IN ('half_up', 'half_even', 'down')),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (program_id, name)
) STRICT;
CREATE TRIGGER plans_no_delete BEFORE DELETE ON plans
BEGIN SELECT RAISE(ABORT, 'plans are never deleted: assign another plan instead'); END;
CREATE TRIGGER plans_terms_fixed BEFORE UPDATE OF currency, rounding, program_id, name ON plans
BEGIN SELECT RAISE(ABORT, 'a plan''s name, currency and rounding are fixed: create a new plan'); END;

-- One version of a plan's terms. Immutable: a change of terms is a new version with a later effective_from.
CREATE TABLE plan_versions (
    id             INTEGER PRIMARY KEY,
    plan_id        INTEGER NOT NULL REFERENCES plans(id),
    version_no     INTEGER NOT NULL CHECK (version_no >= 1),
    effective_from TEXT NOT NULL,
    body_json      TEXT NOT NULL,          -- the version as canonical JSON (the plan file's fields)
    content_hash   TEXT NOT NULL CHECK (length(content_hash) = 64),  -- SHA-256 of body_json
    created_at_ms  INTEGER NOT NULL,
    UNIQUE (plan_id, version_no),
    UNIQUE (plan_id, effective_from)
) STRICT;
CREATE TRIGGER plan_versions_no_update BEFORE UPDATE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable: save a new version'); END;
CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
BEGIN SELECT RAISE(ABORT, 'plan versions are immutable: save a new version'); END;

-- Which plan an affiliate is on from a day on; affiliate_id NULL is the program default. Effective-dated and
-- append-only: a change is a new row.
CREATE TABLE plan_assignments (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id   INTEGER REFERENCES affiliates(id),
    plan_id        INTEGER NOT NULL REFERENCES plans(id),
    effective_from TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT 'system',
    created_at_ms  INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX plan_assignments_key ON plan_assignments (program_id, ifnull(affiliate_id, 0), effective_from);
CREATE TRIGGER plan_assignments_no_update BEFORE UPDATE ON plan_assignments
BEGIN SELECT RAISE(ABORT, 'plan assignments are append-only: add a row with a later effective_from'); END;
CREATE TRIGGER plan_assignments_no_delete BEFORE DELETE ON plan_assignments
BEGIN SELECT RAISE(ABORT, 'plan assignments are append-only: add a row with a later effective_from'); END;

-- Commission periods. A closed period is never changed again: later events land in the next open period.
CREATE TABLE periods (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    start_day      TEXT NOT NULL,
    end_day        TEXT NOT NULL CHECK (end_day >= start_day),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    result_hash    TEXT,                   -- SHA-256 of the last computation's canonical result
    computed_at_ms INTEGER,
    closed_at_ms   INTEGER,
    closed_by      TEXT,
    statement_hash TEXT,                   -- SHA-256 over the period's statements, recorded at close
    UNIQUE (program_id, start_day),
    CHECK ((status = 'closed') = (closed_at_ms IS NOT NULL AND statement_hash IS NOT NULL))
) STRICT;
CREATE TRIGGER periods_closed_are_final BEFORE UPDATE ON periods WHEN OLD.status = 'closed'
BEGIN SELECT RAISE(ABORT, 'a closed period is never changed'); END;
CREATE TRIGGER periods_no_delete BEFORE DELETE ON periods
BEGIN SELECT RAISE(ABORT, 'periods are never deleted'); END;

-- The FX snapshot of a period: 1 unit of from_currency = rate units of to_currency (exact decimal text).
CREATE TABLE fx_rates (
    id             INTEGER PRIMARY KEY,
    period_id      INTEGER NOT NULL REFERENCES periods(id),
    from_currency  TEXT NOT NULL CHECK (length(from_currency) = 3),
    to_currency    TEXT NOT NULL CHECK (length(to_currency) = 3),
    rate           TEXT NOT NULL,
    source         TEXT NOT NULL,          -- e.g. 'ECB reference rate'
    as_of          TEXT NOT NULL,          -- the day the rate is of
    recorded_at_ms INTEGER NOT NULL,
    UNIQUE (period_id, from_currency, to_currency)
) STRICT;
CREATE TRIGGER fx_rates_fixed_after_close_update BEFORE UPDATE ON fx_rates
WHEN (SELECT status FROM periods WHERE id = OLD.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;
CREATE TRIGGER fx_rates_fixed_after_close_delete BEFORE DELETE ON fx_rates
WHEN (SELECT status FROM periods WHERE id = OLD.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;
CREATE TRIGGER fx_rates_no_insert_after_close BEFORE INSERT ON fx_rates
WHEN (SELECT status FROM periods WHERE id = NEW.period_id) = 'closed'
BEGIN SELECT RAISE(ABORT, 'the FX snapshot of a closed period is never changed'); END;

-- The commission ledger: append-only. A change is a new entry that references the one it changes
-- (corrects_entry_id) with a reason code; an affiliate's balance is the plain sum of its entries.
--   kind: commission (computed line), adjustment (recompute or late-event difference, manual), reversal (voids
--   an entry: minus its amount), clawback (refund/chargeback after payout), carryover (negative balance or
--   below-minimum balance moved between periods), waiver (negative balance dropped when carryover is off),
--   status (a 0-amount transition of the referenced entry to approved or void).
CREATE TABLE ledger_entries (
    id                  INTEGER PRIMARY KEY,
    program_id          INTEGER NOT NULL REFERENCES programs(id),
    period_id           INTEGER NOT NULL REFERENCES periods(id),   -- booked in (always open when written)
    origin_period_id    INTEGER NOT NULL REFERENCES periods(id),   -- the activity's period (≠ for late events)
    affiliate_id        INTEGER NOT NULL REFERENCES affiliates(id),
    kind                TEXT NOT NULL CHECK (kind IN ('commission', 'adjustment', 'reversal', 'clawback',
                                                      'carryover', 'waiver', 'status')),
    status              TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'void')),
    line_key            TEXT NOT NULL,     -- statement line: cpa, revshare, cpl, ib_rebate, ib_override, ...
    amount_micros       INTEGER NOT NULL,
    currency            TEXT NOT NULL CHECK (length(currency) = 3),
    plan_version_id     INTEGER REFERENCES plan_versions(id),
    rule                TEXT NOT NULL DEFAULT '',  -- the rule as people read it: "25% of NGR, band tiers"
    reason              TEXT NOT NULL,     -- computed, recomputed, late_event, carry_in, carry_out, manual, ...
    corrects_entry_id   INTEGER REFERENCES ledger_entries(id),
    basis               TEXT NOT NULL DEFAULT '{}',  -- JSON: the events behind the amount (drill-down)
    approvable_from_day TEXT NOT NULL,     -- end of the hold period
    created_by          TEXT NOT NULL DEFAULT 'system',
    created_at_ms       INTEGER NOT NULL,
    CHECK (kind <> 'status' OR (amount_micros = 0 AND corrects_entry_id IS NOT NULL AND status <> 'pending')),
    CHECK (kind NOT IN ('reversal', 'clawback') OR corrects_entry_id IS NOT NULL)
) STRICT;
CREATE INDEX ledger_period_affiliate ON ledger_entries (period_id, affiliate_id);
CREATE INDEX ledger_origin ON ledger_entries (origin_period_id, affiliate_id, line_key);
CREATE INDEX ledger_corrects ON ledger_entries (corrects_entry_id);
-- One status transition per entry: two concurrent approvals (or approve vs void) of one entry conflict.
CREATE UNIQUE INDEX ledger_one_transition ON ledger_entries (corrects_entry_id) WHERE kind = 'status';
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are append-only: post a correcting entry'); END;
-- Money moves only in open periods; a status transition (0 amount: finance approving a closed period's lines)
-- may reference a closed one.
CREATE TRIGGER ledger_open_period_only BEFORE INSERT ON ledger_entries
WHEN NEW.kind <> 'status' AND (SELECT status FROM periods WHERE id = NEW.period_id) <> 'open'
BEGIN SELECT RAISE(ABORT, 'entries are booked in an open period only: a closed period is never changed'); END;

-- A statement as it stood when its period closed: the canonical JSON and its hash (regenerating it anywhere
-- must give the same bytes).
CREATE TABLE statements (
    id             INTEGER PRIMARY KEY,
    period_id      INTEGER NOT NULL REFERENCES periods(id),
    affiliate_id   INTEGER NOT NULL REFERENCES affiliates(id),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    total_micros   INTEGER NOT NULL,
    payable_micros INTEGER NOT NULL,
    body_json      TEXT NOT NULL,
    statement_hash TEXT NOT NULL CHECK (length(statement_hash) = 64),
    created_at_ms  INTEGER NOT NULL,
    UNIQUE (period_id, affiliate_id)
) STRICT;
CREATE TRIGGER statements_no_update BEFORE UPDATE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are never changed: corrections land in the next period'); END;
CREATE TRIGGER statements_no_delete BEFORE DELETE ON statements
BEGIN SELECT RAISE(ABORT, 'statements are never changed: corrections land in the next period'); END;

-- Payouts (built later; the schema is laid down now). A payout pays one statement (its hash) and needs an
-- approval by a user other than its preparer (four-eyes).
CREATE TABLE payouts (
    id             INTEGER PRIMARY KEY,
    period_id      INTEGER NOT NULL REFERENCES periods(id),
    affiliate_id   INTEGER NOT NULL REFERENCES affiliates(id),
    amount_micros  INTEGER NOT NULL CHECK (amount_micros >= 0),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    statement_hash TEXT NOT NULL CHECK (length(statement_hash) = 64),
    prepared_by    INTEGER NOT NULL REFERENCES users(id),
    prepared_at_ms INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'prepared' CHECK (status IN ('prepared', 'approved', 'exported', 'cancelled')),
    UNIQUE (period_id, affiliate_id)
) STRICT;
CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts are never deleted: cancel them'); END;
CREATE TRIGGER payouts_terms_fixed BEFORE UPDATE OF period_id, affiliate_id, amount_micros, currency,
    statement_hash, prepared_by ON payouts
BEGIN SELECT RAISE(ABORT, 'a prepared payout''s terms are fixed: cancel it and prepare another'); END;

-- M5: exactly one approval per payout (UNIQUE: a second, concurrent or offline, approval conflicts), by someone
-- other than the preparer, of the statement hash the preparer saw.
CREATE TABLE payout_approvals (
    id             INTEGER PRIMARY KEY,
    payout_id      INTEGER NOT NULL UNIQUE REFERENCES payouts(id),
    approver_id    INTEGER NOT NULL REFERENCES users(id),
    statement_hash TEXT NOT NULL CHECK (length(statement_hash) = 64),
    approved_at_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER payout_approvals_four_eyes BEFORE INSERT ON payout_approvals
WHEN NEW.approver_id = (SELECT prepared_by FROM payouts WHERE id = NEW.payout_id)
BEGIN SELECT RAISE(ABORT, 'four-eyes: the preparer of a payout cannot approve it'); END;
CREATE TRIGGER payout_approvals_same_statement BEFORE INSERT ON payout_approvals
WHEN NEW.statement_hash <> (SELECT statement_hash FROM payouts WHERE id = NEW.payout_id)
BEGIN SELECT RAISE(ABORT, 'the statement changed since the payout was prepared'); END;
CREATE TRIGGER payout_approvals_no_update BEFORE UPDATE ON payout_approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER payout_approvals_no_delete BEFORE DELETE ON payout_approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;

-- A payment file produced from approved payouts (CSV, SEPA pain.001).
CREATE TABLE payout_exports (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    format         TEXT NOT NULL CHECK (format IN ('csv', 'pain.001')),
    file_sha256    TEXT NOT NULL CHECK (length(file_sha256) = 64),
    payout_ids     TEXT NOT NULL,          -- JSON array of payouts.id
    exported_by    INTEGER NOT NULL REFERENCES users(id),
    exported_at_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER payout_exports_no_update BEFORE UPDATE ON payout_exports
BEGIN SELECT RAISE(ABORT, 'payout exports are append-only'); END;
