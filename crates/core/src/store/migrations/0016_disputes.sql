-- 0016: disputes worked from intake to outcome (DOMAIN.md §7). 0007 laid down a case that could only be opened;
-- it is rebuilt with the workflow's columns (partly accepted, an owner, where it came from, the period, updated
-- time), its references become rows, and comments, attachments, outcomes, evidence packs and each program's SLA get
-- their tables. The case row holds the current state; `dispute_events` (append-only) is its history, and an outcome
-- moves money only through a new ledger entry it names.

CREATE TABLE dispute_cases_new (
    id                    INTEGER PRIMARY KEY,
    program_id            INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id          INTEGER REFERENCES affiliates(id),     -- the claimant
    state                 TEXT NOT NULL CHECK (state = 'open' OR state = 'investigating' OR
                              state = 'awaiting_operator' OR state = 'accepted' OR state = 'partly_accepted' OR
                              state = 'rejected'),
    title                 TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    reason                TEXT NOT NULL DEFAULT '',              -- the claim's reason code, when it has one
    period                TEXT NOT NULL DEFAULT '',              -- YYYY-MM the claim is about, when known
    amount_claimed_micros INTEGER NOT NULL DEFAULT 0,
    currency              TEXT NOT NULL CHECK (length(currency) = 3),
    opened_from           TEXT NOT NULL CHECK (opened_from = 'manual' OR opened_from = 'discrepancy' OR
                              opened_from = 'flag' OR opened_from = 'statement_line' OR opened_from = 'player' OR
                              opened_from = 'conversion' OR opened_from = 'claim'),
    owner_id              INTEGER REFERENCES users(id),
    sla_due_at_ms         INTEGER NOT NULL,
    discrepancy_id        INTEGER REFERENCES recon_discrepancies(id),
    created_by            INTEGER NOT NULL REFERENCES users(id),
    created_at_ms         INTEGER NOT NULL,
    updated_at_ms         INTEGER NOT NULL
) STRICT;
INSERT INTO dispute_cases_new (id, program_id, affiliate_id, state, title, amount_claimed_micros, currency,
                               opened_from, owner_id, sla_due_at_ms, discrepancy_id, created_by, created_at_ms,
                               updated_at_ms)
    SELECT id, program_id, affiliate_id, state, title, amount_claimed_micros, currency,
           CASE WHEN discrepancy_id IS NULL THEN 'manual' ELSE 'discrepancy' END, created_by, sla_due_at_ms,
           discrepancy_id, created_by, created_at_ms, created_at_ms
    FROM dispute_cases;

-- What a case is about: players, conversions, clicks, deposits, a discrepancy, a flag, a statement line, a claim.
CREATE TABLE dispute_subjects (
    case_id INTEGER NOT NULL REFERENCES dispute_cases(id),
    kind    TEXT NOT NULL CHECK (kind = 'player' OR kind = 'conversion' OR kind = 'click' OR kind = 'deposit' OR
                                 kind = 'discrepancy' OR kind = 'flag' OR kind = 'statement_line' OR kind = 'claim'),
    ref     TEXT NOT NULL,
    PRIMARY KEY (case_id, kind, ref)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO dispute_subjects (case_id, kind, ref)
    SELECT c.id, json_extract(j.value, '$.kind'), json_extract(j.value, '$.ref')
    FROM dispute_cases c, json_each(c.evidence_refs_json) j
    WHERE json_extract(j.value, '$.kind') IN ('player', 'conversion', 'click', 'deposit', 'discrepancy');
CREATE TRIGGER dispute_subjects_no_delete BEFORE DELETE ON dispute_subjects
BEGIN SELECT RAISE(ABORT, 'a case''s subjects are never removed'); END;

DROP INDEX dispute_cases_affiliate;
DROP TABLE dispute_cases;
ALTER TABLE dispute_cases_new RENAME TO dispute_cases;
CREATE INDEX dispute_cases_affiliate ON dispute_cases (affiliate_id, state);
CREATE INDEX dispute_cases_program ON dispute_cases (program_id, state, sla_due_at_ms);
CREATE UNIQUE INDEX dispute_cases_discrepancy ON dispute_cases (discrepancy_id) WHERE discrepancy_id IS NOT NULL;

-- Files attached to a case: copied into the workspace's `disputes/<case>/` folder, hashed.
CREATE TABLE dispute_attachments (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES dispute_cases(id),
    file_name   TEXT NOT NULL,
    stored_as   TEXT NOT NULL,            -- relative to the workspace folder
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    bytes       INTEGER NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES users(id),
    added_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX dispute_attachments_case ON dispute_attachments (case_id, id);
CREATE TRIGGER dispute_attachments_no_update BEFORE UPDATE ON dispute_attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
CREATE TRIGGER dispute_attachments_no_delete BEFORE DELETE ON dispute_attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;

-- Each resolution of a case (a reopened case can be resolved again): the decision, what it granted, the reason
-- that goes back to the affiliate, and the ledger entry that moved the money (none for a rejection).
CREATE TABLE dispute_outcomes (
    id               INTEGER PRIMARY KEY,
    case_id          INTEGER NOT NULL REFERENCES dispute_cases(id),
    decision         TEXT NOT NULL CHECK (decision = 'accepted' OR decision = 'partly_accepted' OR decision = 'rejected'),
    granted_micros   INTEGER NOT NULL,    -- the case's total grant after this decision
    currency         TEXT NOT NULL CHECK (length(currency) = 3),
    reason           TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    ledger_entry_id  INTEGER REFERENCES ledger_entries(id),
    booked_period    TEXT NOT NULL DEFAULT '',
    decided_by       INTEGER NOT NULL REFERENCES users(id),
    decided_at_ms    INTEGER NOT NULL
) STRICT;
CREATE INDEX dispute_outcomes_case ON dispute_outcomes (case_id, id);
CREATE TRIGGER dispute_outcomes_no_update BEFORE UPDATE ON dispute_outcomes
BEGIN SELECT RAISE(ABORT, 'outcomes are append-only'); END;
CREATE TRIGGER dispute_outcomes_no_delete BEFORE DELETE ON dispute_outcomes
BEGIN SELECT RAISE(ABORT, 'outcomes are append-only'); END;

-- Evidence packs made for a case: the archive's own SHA-256 (its manifest lists every item's).
CREATE TABLE dispute_packs (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES dispute_cases(id),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    items      INTEGER NOT NULL,
    path       TEXT NOT NULL,
    made_by    INTEGER NOT NULL REFERENCES users(id),
    made_at_ms INTEGER NOT NULL
) STRICT;
CREATE TRIGGER dispute_packs_no_update BEFORE UPDATE ON dispute_packs
BEGIN SELECT RAISE(ABORT, 'evidence packs are append-only'); END;

-- Each program's SLA for answering a case: days until due, counted as calendar or business days (Mon-Fri).
CREATE TABLE program_dispute_sla (
    program_id    INTEGER PRIMARY KEY REFERENCES programs(id),
    days          INTEGER NOT NULL CHECK (days >= 1 AND days <= 365),
    business_days INTEGER NOT NULL CHECK (business_days = 0 OR business_days = 1),
    updated_at_ms INTEGER NOT NULL
) STRICT;
