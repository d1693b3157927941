-- 0007: fraud detection, the analyst queue, reconciliation discrepancies and dispute cases.
-- Conventions as in 0001: STRICT tables, money INTEGER micros + currency, instants Unix ms UTC.
-- Decisions, settings versions and dispute events are append-only: a change is a new row, never an edit.

-- Per-program rule thresholds, versioned: the row with the highest version of (program, rule) is in force.
CREATE TABLE rule_settings (
    id            INTEGER PRIMARY KEY,
    program_id    INTEGER NOT NULL REFERENCES programs(id),
    rule          TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    settings_json TEXT NOT NULL,           -- the full set of keys of the rule, validated before insert
    set_by        TEXT NOT NULL,           -- a user name or 'system'
    set_at_ms     INTEGER NOT NULL,
    UNIQUE (program_id, rule, version)
) STRICT;
CREATE TRIGGER rule_settings_no_update BEFORE UPDATE ON rule_settings
BEGIN SELECT RAISE(ABORT, 'rule_settings is append-only: add a new version'); END;

-- One row per detection run: the window it looked at and what each rule did (errors included).
CREATE TABLE detection_runs (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    since_ms       INTEGER NOT NULL,       -- data at or after this instant was considered new
    now_ms         INTEGER NOT NULL,       -- the run's "now"; the next run starts from here
    -- Highest row ids seen per event table ({"clicks": n, ...}): rows inserted later are new to the next run, even
    -- when their events are older than this run (late data), and pull its window back to them.
    watermarks_json TEXT NOT NULL DEFAULT '{}',
    flags_created  INTEGER NOT NULL DEFAULT 0,
    report_json    TEXT NOT NULL DEFAULT '[]'  -- per rule: flags, errors with the rows involved
) STRICT;
CREATE INDEX detection_runs_program ON detection_runs (program_id, now_ms);

-- A suspicion raised by a rule. `subject_key` names what was flagged (an IP+sub-ID burst, a device ring, a
-- player), so a re-run over the same data finds the existing flag instead of adding a duplicate.
CREATE TABLE flags (
    id              INTEGER PRIMARY KEY,
    program_id      INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id    INTEGER REFERENCES affiliates(id),
    rule            TEXT NOT NULL,
    pattern         TEXT NOT NULL,
    subject_key     TEXT NOT NULL,
    severity        TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
    score           INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
    summary         TEXT NOT NULL,
    evidence_json   TEXT NOT NULL,         -- the rows and numbers that tripped the rule; never edited
    settings_version INTEGER NOT NULL,
    run_id          INTEGER NOT NULL REFERENCES detection_runs(id),
    created_at_ms   INTEGER NOT NULL,
    UNIQUE (program_id, rule, subject_key)
) STRICT;
CREATE INDEX flags_affiliate ON flags (affiliate_id, pattern);
CREATE TRIGGER flags_evidence_immutable BEFORE UPDATE OF evidence_json ON flags
BEGIN SELECT RAISE(ABORT, 'flag evidence is never edited'); END;

-- The records a flag names, for the investigation view and for scoring against ground truth.
CREATE TABLE flag_items (
    flag_id  INTEGER NOT NULL REFERENCES flags(id),
    kind     TEXT NOT NULL CHECK (kind IN ('click', 'player', 'deposit', 'conversion', 'account', 'deal')),
    ref      TEXT NOT NULL,               -- the external id (click id, player id, login, ticket...)
    PRIMARY KEY (flag_id, kind, ref)
) STRICT;
CREATE INDEX flag_items_ref ON flag_items (kind, ref);

-- Analyst decisions: the latest row is the flag's status (no row = open). Append-only.
CREATE TABLE flag_decisions (
    id            INTEGER PRIMARY KEY,
    flag_id       INTEGER NOT NULL REFERENCES flags(id),
    decision      TEXT NOT NULL CHECK (decision IN ('confirmed', 'dismissed')),
    comment       TEXT NOT NULL,
    user_id       INTEGER NOT NULL REFERENCES users(id),
    decided_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX flag_decisions_flag ON flag_decisions (flag_id, id);
CREATE TRIGGER flag_decisions_no_update BEFORE UPDATE ON flag_decisions
BEGIN SELECT RAISE(ABORT, 'flag_decisions is append-only'); END;
CREATE TRIGGER flag_decisions_no_delete BEFORE DELETE ON flag_decisions
BEGIN SELECT RAISE(ABORT, 'flag_decisions is append-only'); END;

-- Identifiers an affiliate is known to use (contact email hash, office IP, payout instrument): self-referral.
CREATE TABLE affiliate_identifiers (
    affiliate_id INTEGER NOT NULL REFERENCES affiliates(id),
    kind         TEXT NOT NULL CHECK (kind IN ('ip', 'email_hash', 'payment_hash', 'device_id')),
    value        TEXT NOT NULL,
    PRIMARY KEY (affiliate_id, kind, value)
) STRICT;
CREATE INDEX affiliate_identifiers_value ON affiliate_identifiers (kind, value);

-- Player identifiers the operator reports beyond 0001's players columns: the IP's country (GeoIP) and the
-- normalized-email hash when it arrives separately.
CREATE TABLE ip_countries (
    ip      TEXT PRIMARY KEY,
    country TEXT NOT NULL
) STRICT;

-- Reconciliation: one row per discrepancy found for a program and period; a re-run upserts by natural key.
CREATE TABLE recon_discrepancies (
    id                   INTEGER PRIMARY KEY,
    program_id           INTEGER NOT NULL REFERENCES programs(id),
    period               TEXT NOT NULL,    -- 'YYYY-MM'
    reason               TEXT NOT NULL CHECK (reason IN ('missing_postback', 'unmatched_conversion',
                             'amount_mismatch', 'status_mismatch', 'duplicate', 'timezone_shift',
                             'outside_window', 'fx_difference')),
    natural_key          TEXT NOT NULL,    -- conversion id / deposit id the row is about
    affiliate_id         INTEGER REFERENCES affiliates(id),
    conversion_ref       TEXT NOT NULL DEFAULT '',
    transaction_id       TEXT NOT NULL DEFAULT '',
    player_ref           TEXT NOT NULL DEFAULT '',
    deposit_ref          TEXT NOT NULL DEFAULT '',
    tracker_micros       INTEGER,
    operator_micros      INTEGER,
    impact_micros        INTEGER NOT NULL DEFAULT 0,  -- payout at stake (+ owed to the affiliate, - over-paid)
    currency             TEXT NOT NULL CHECK (length(currency) = 3),
    detail               TEXT NOT NULL,
    found_at_ms          INTEGER NOT NULL,
    UNIQUE (program_id, period, reason, natural_key)
) STRICT;
CREATE INDEX recon_discrepancies_period ON recon_discrepancies (program_id, period, affiliate_id);

-- Disputes (DOMAIN §7). Only creation is built now; the states and the history are laid down for the workflow.
CREATE TABLE dispute_cases (
    id                   INTEGER PRIMARY KEY,
    program_id           INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id         INTEGER REFERENCES affiliates(id),   -- the claimant
    state                TEXT NOT NULL CHECK (state IN ('open', 'investigating', 'awaiting_operator',
                             'accepted', 'rejected')),
    title                TEXT NOT NULL,
    amount_claimed_micros INTEGER NOT NULL DEFAULT 0,
    currency             TEXT NOT NULL CHECK (length(currency) = 3),
    sla_due_at_ms        INTEGER NOT NULL,
    discrepancy_id       INTEGER REFERENCES recon_discrepancies(id),
    evidence_refs_json   TEXT NOT NULL DEFAULT '[]',  -- [{"kind":"conversion","ref":"..."}, ...]
    created_by           INTEGER NOT NULL REFERENCES users(id),
    created_at_ms        INTEGER NOT NULL
) STRICT;
CREATE INDEX dispute_cases_affiliate ON dispute_cases (affiliate_id, state);

CREATE TABLE dispute_events (
    id          INTEGER PRIMARY KEY,
    dispute_id  INTEGER NOT NULL REFERENCES dispute_cases(id),
    at_ms       INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users(id),
    event       TEXT NOT NULL,            -- 'opened', 'state_changed', 'comment', 'evidence_added'
    from_state  TEXT,
    to_state    TEXT,
    detail_json TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX dispute_events_case ON dispute_events (dispute_id, id);
CREATE TRIGGER dispute_events_no_update BEFORE UPDATE ON dispute_events
BEGIN SELECT RAISE(ABORT, 'dispute_events is append-only'); END;
CREATE TRIGGER dispute_events_no_delete BEFORE DELETE ON dispute_events
BEGIN SELECT RAISE(ABORT, 'dispute_events is append-only'); END;
