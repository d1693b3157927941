-- 0015: payouts, from approved statement lines to payment files (DOMAIN.md §7).
-- The tables 0005 laid down for payouts never had a code path (one approval per payout, no runs, no payees); they
-- are replaced by: payee details in append-only versions, each reviewed by a second person; payout runs whose items
-- hold the approved, unpaid ledger entries of closed periods; signed approvals (four-eyes, two above a threshold);
-- payment files with their hashes; and an event history of every run. Money itself stays in the ledger: a return
-- is a new entry, a paid entry is never edited.

DROP TABLE payout_exports;
DROP TABLE payout_approvals;
DROP TABLE payouts;

-- The workspace's identity, so an approval file for another workspace is refused (a copy of this file is the same
-- workspace: approvals travel between copies).
INSERT INTO workspace_settings (key, value, updated_at_ms) VALUES ('workspace_id', lower(hex(randomblob(16))), 0)
    ON CONFLICT (key) DO NOTHING;

CREATE TABLE payee_versions (
    id             INTEGER PRIMARY KEY,
    program_id     INTEGER NOT NULL REFERENCES programs(id),
    affiliate_id   INTEGER NOT NULL REFERENCES affiliates(id),
    method         TEXT NOT NULL CHECK (method = 'sepa' OR method = 'wire' OR method = 'paypal' OR method = 'crypto'),
    details_json   TEXT NOT NULL,                                    -- the validated details, canonical JSON
    details_sha256 TEXT NOT NULL CHECK (length(details_sha256) = 64), -- the "payee-details version"
    currency       TEXT NOT NULL CHECK (length(currency) = 3),       -- what the affiliate is paid in
    proposed_by    INTEGER NOT NULL REFERENCES users(id),
    proposed_at_ms INTEGER NOT NULL,
    note           TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX payee_versions_affiliate ON payee_versions (affiliate_id, id);
CREATE TRIGGER payee_versions_no_update BEFORE UPDATE ON payee_versions
BEGIN SELECT RAISE(ABORT, 'payee details are never edited: propose a new version'); END;
CREATE TRIGGER payee_versions_no_delete BEFORE DELETE ON payee_versions
BEGIN SELECT RAISE(ABORT, 'payee details are never deleted'); END;

-- Four-eyes on payment details: the reviewer is never the proposer.
CREATE TABLE payee_reviews (
    id               INTEGER PRIMARY KEY,
    payee_version_id INTEGER NOT NULL UNIQUE REFERENCES payee_versions(id),
    decision         TEXT NOT NULL CHECK (decision = 'approved' OR decision = 'rejected'),
    reviewed_by      INTEGER NOT NULL REFERENCES users(id),
    reason           TEXT NOT NULL DEFAULT '',
    reviewed_at_ms   INTEGER NOT NULL
) STRICT;
CREATE TRIGGER payee_reviews_four_eyes BEFORE INSERT ON payee_reviews
WHEN NEW.reviewed_by = (SELECT proposed_by FROM payee_versions WHERE id = NEW.payee_version_id)
BEGIN SELECT RAISE(ABORT, 'four-eyes: the person who proposed payee details cannot review them'); END;
CREATE TRIGGER payee_reviews_no_update BEFORE UPDATE ON payee_reviews
BEGIN SELECT RAISE(ABORT, 'payee reviews are append-only'); END;
CREATE TRIGGER payee_reviews_no_delete BEFORE DELETE ON payee_reviews
BEGIN SELECT RAISE(ABORT, 'payee reviews are append-only'); END;

-- The program's paying account (the debtor of SEPA files).
CREATE TABLE program_payers (
    program_id    INTEGER PRIMARY KEY REFERENCES programs(id),
    name          TEXT NOT NULL,
    iban          TEXT NOT NULL,
    bic           TEXT NOT NULL,
    updated_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE payout_runs (
    id                 INTEGER PRIMARY KEY,
    program_id         INTEGER NOT NULL REFERENCES programs(id),
    period_id          INTEGER NOT NULL REFERENCES periods(id),   -- the latest closed period it pays (and arrears)
    status             TEXT NOT NULL CHECK (status = 'awaiting_approval' OR status = 'approved' OR
                                            status = 'exported' OR status = 'paid' OR status = 'cancelled'),
    content_json       TEXT NOT NULL,                             -- what approvers sign, canonical
    content_hash       TEXT NOT NULL CHECK (length(content_hash) = 64),
    approvals_required INTEGER NOT NULL CHECK (approvals_required = 1 OR approvals_required = 2),
    execution_date     TEXT NOT NULL,                             -- requested execution day, YYYY-MM-DD
    prepared_by        INTEGER NOT NULL REFERENCES users(id),
    prepared_at_ms     INTEGER NOT NULL,
    bank_reference     TEXT NOT NULL DEFAULT '',
    paid_on            TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX payout_runs_program ON payout_runs (program_id, id);
CREATE TRIGGER payout_runs_content_fixed BEFORE UPDATE OF program_id, period_id, content_json, content_hash,
    approvals_required, execution_date, prepared_by, prepared_at_ms ON payout_runs
BEGIN SELECT RAISE(ABORT, 'a prepared run''s content is fixed: cancel it and prepare another'); END;
CREATE TRIGGER payout_runs_no_delete BEFORE DELETE ON payout_runs
BEGIN SELECT RAISE(ABORT, 'payout runs are never deleted: cancel them'); END;

-- One affiliate of a run. `state` is fixed at preparation: pay (in the run), carried (below the minimum), held (new
-- payee details still in their waiting time), no_payee (no approved details). `outcome` is what the bank said.
CREATE TABLE payout_items (
    id                   INTEGER PRIMARY KEY,
    run_id               INTEGER NOT NULL REFERENCES payout_runs(id),
    affiliate_id         INTEGER NOT NULL REFERENCES affiliates(id),
    state                TEXT NOT NULL CHECK (state = 'pay' OR state = 'carried' OR state = 'held' OR state = 'no_payee'),
    payee_version_id     INTEGER REFERENCES payee_versions(id),
    payee_details_sha256 TEXT NOT NULL DEFAULT '',
    amount_micros        INTEGER NOT NULL,   -- in `currency`, the payee's
    currency             TEXT NOT NULL CHECK (length(currency) = 3),
    source_micros        INTEGER NOT NULL,   -- the ledger's amount, in `source_currency`
    source_currency      TEXT NOT NULL CHECK (length(source_currency) = 3),
    fx_rate              TEXT NOT NULL DEFAULT '',
    fx_source            TEXT NOT NULL DEFAULT '',
    fx_as_of             TEXT NOT NULL DEFAULT '',
    note                 TEXT NOT NULL DEFAULT '',
    outcome              TEXT NOT NULL DEFAULT 'open' CHECK (outcome = 'open' OR outcome = 'paid' OR
                                                              outcome = 'failed' OR outcome = 'returned'),
    UNIQUE (run_id, affiliate_id)
) STRICT;
CREATE TRIGGER payout_items_terms_fixed BEFORE UPDATE OF run_id, affiliate_id, state, payee_version_id,
    payee_details_sha256, amount_micros, currency, source_micros, source_currency ON payout_items
BEGIN SELECT RAISE(ABORT, 'a run item''s terms are fixed'); END;
CREATE TRIGGER payout_items_no_delete BEFORE DELETE ON payout_items
BEGIN SELECT RAISE(ABORT, 'payout items are never deleted'); END;

-- The ledger entries an item pays. An entry is paid by at most one item of a run that is not cancelled.
CREATE TABLE payout_item_entries (
    item_id  INTEGER NOT NULL REFERENCES payout_items(id),
    entry_id INTEGER NOT NULL REFERENCES ledger_entries(id),
    PRIMARY KEY (item_id, entry_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX payout_item_entries_entry ON payout_item_entries (entry_id);
CREATE TRIGGER payout_item_entries_once BEFORE INSERT ON payout_item_entries
WHEN EXISTS (SELECT 1 FROM payout_item_entries e JOIN payout_items i ON i.id = e.item_id
             JOIN payout_runs r ON r.id = i.run_id
             WHERE e.entry_id = NEW.entry_id AND r.status <> 'cancelled' AND i.state = 'pay')
BEGIN SELECT RAISE(ABORT, 'a ledger entry is already in a payout run: it is never paid twice'); END;
CREATE TRIGGER payout_item_entries_no_update BEFORE UPDATE ON payout_item_entries
BEGIN SELECT RAISE(ABORT, 'payout item entries are append-only'); END;
CREATE TRIGGER payout_item_entries_no_delete BEFORE DELETE ON payout_item_entries
BEGIN SELECT RAISE(ABORT, 'payout item entries are append-only'); END;

-- Signed approvals (M5): one per approver and run, never the preparer, always of the run's current content.
CREATE TABLE payout_run_approvals (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES payout_runs(id),
    approver_id    INTEGER NOT NULL REFERENCES users(id),
    public_key     TEXT NOT NULL CHECK (length(public_key) = 64),
    signature      TEXT NOT NULL CHECK (length(signature) = 128),
    content_hash   TEXT NOT NULL CHECK (length(content_hash) = 64),
    signed_at_ms   INTEGER NOT NULL,
    recorded_at_ms INTEGER NOT NULL,
    via            TEXT NOT NULL CHECK (via = 'app' OR via = 'file'),
    UNIQUE (run_id, approver_id)
) STRICT;
CREATE TRIGGER payout_run_approvals_four_eyes BEFORE INSERT ON payout_run_approvals
WHEN NEW.approver_id = (SELECT prepared_by FROM payout_runs WHERE id = NEW.run_id)
BEGIN SELECT RAISE(ABORT, 'four-eyes: the preparer of a payout run cannot approve it'); END;
CREATE TRIGGER payout_run_approvals_same_content BEFORE INSERT ON payout_run_approvals
WHEN NEW.content_hash <> (SELECT content_hash FROM payout_runs WHERE id = NEW.run_id)
BEGIN SELECT RAISE(ABORT, 'the run changed since it was signed'); END;
CREATE TRIGGER payout_run_approvals_no_update BEFORE UPDATE ON payout_run_approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
CREATE TRIGGER payout_run_approvals_no_delete BEFORE DELETE ON payout_run_approvals
BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;

-- Payment files made from a run: one per currency and format, with the SHA-256 of its bytes.
CREATE TABLE payout_files (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES payout_runs(id),
    currency       TEXT NOT NULL CHECK (length(currency) = 3),
    format         TEXT NOT NULL CHECK (format = 'pain.001.001.09' OR format = 'pain.001.001.03' OR format = 'csv'),
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    payments       INTEGER NOT NULL,
    exported_by    INTEGER NOT NULL REFERENCES users(id),
    exported_at_ms INTEGER NOT NULL,
    UNIQUE (run_id, currency, format)
) STRICT;
CREATE TRIGGER payout_files_no_update BEFORE UPDATE ON payout_files
BEGIN SELECT RAISE(ABORT, 'a payment file''s record is never changed'); END;
CREATE TRIGGER payout_files_no_delete BEFORE DELETE ON payout_files
BEGIN SELECT RAISE(ABORT, 'a payment file''s record is never deleted'); END;

-- What happened to a run, in order.
CREATE TABLE payout_run_events (
    id       INTEGER PRIMARY KEY,
    run_id   INTEGER NOT NULL REFERENCES payout_runs(id),
    event    TEXT NOT NULL,   -- prepared, approved, approval, exported, paid, failed, returned, cancelled
    user_id  INTEGER REFERENCES users(id),
    at_ms    INTEGER NOT NULL,
    detail   TEXT NOT NULL DEFAULT '{}'
) STRICT;
CREATE INDEX payout_run_events_run ON payout_run_events (run_id, id);
CREATE TRIGGER payout_run_events_no_update BEFORE UPDATE ON payout_run_events
BEGIN SELECT RAISE(ABORT, 'payout run events are append-only'); END;
CREATE TRIGGER payout_run_events_no_delete BEFORE DELETE ON payout_run_events
BEGIN SELECT RAISE(ABORT, 'payout run events are append-only'); END;
