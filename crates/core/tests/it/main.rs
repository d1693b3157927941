//! Integration tests of affops-core, built as one binary. Index:
//! - `attribution`: attribution run on the store: FTD lock, first referrer, idempotence, rule versions, report.
//! - `attribution_report`: promo codes learned from the tracker; the multi-touch report.
//! - `attribution_truth`: default rules reproduce a synced sandbox world's player → affiliate assignment.
//! - `backup`: S5, backups taken while an import writes are whole and restore; restore refuses damaged, cut-short
//!   and foreign files and leaves the workspace untouched.
//! - `bindings`: the UI's generated TypeScript types are fresh.
//! - `commission_engine`, `commission_forex`: the engine's worked examples (published sources, DOMAIN.md §8).
//! - `commission_fixture`: builders for the commission modules.
//! - `commission_ledger`: M1 (random ledger operations vs replay and a model; triggers) and M5 (payout run approvals in the schema).
//! - `commission_period`: M4 in a store: recompute, time zones, close, late events, statements, refunds.
//! - `commission_props`: engine invariants: caps never exceeded, carryover conserves money.
//! - `commission_store_forex`: deals in the store → lots, rebates, lots-based checklists, problems.
//! - `commission_plans`: plan files (docs examples round-trip), validation with field paths, immutable versions.
//! - `commission_preview`: what an unsaved plan version would have paid, next to the current plans.
//! - `dashboards`: breakdown and cohorts: a hand-built world with known answers (commission, eCPA, period over
//!   period, retention, payback) and the demo's invariants (totals = dashboard, sub-IDs add up, days = months).
//! - `detect`, `detect_rules`: every fraud rule with a positive and a negative case.
//! - `detect_flow`: validation, failing rules, idempotent/incremental runs, audited decisions, backtest.
//! - `detect_fixture`: a store with rows inserted directly, for `detect` and `reconcile`.
//! - `disputes`: a reconciliation row worked to an adjustment on the next open statement, reopened and partly
//!   accepted; illegal moves; the evidence pack checked with `unzip` and `sha256sum -c`; business-day SLA, overdue
//!   cases, manual and player cases, raw records.
//! - `front_door`: a console with the demo's people over a test's workspace, signed in per role.
//! - `front_door_permissions`: A4 over every operation: refused without its permission (nothing written), let through
//!   with it; nothing but the sign-in screen answers without a session.
//! - `fx`: the dated FX table: ECB files imported or quarantined with reasons, fallback/inverse/cross lookups, a
//!   period's snapshot filled from it and frozen at close, dashboards converting at the day's rate, permissions.
//! - `import`: batch CSV import: quirks, quarantine, idempotence, mappings, preview.
//! - `import_mapping`: a partial mapping keeps same-named columns, `@const:` clears one; the detection rules a file
//!   cannot feed, in the import's summary and the dry run.
//! - `import_real`: the shared real files (skipped when absent) and the I9 fuzz of the import.
//! - `migrations`: shipped migrations are never edited.
//! - `people`: sign-in (one answer, a growing delay), roles revoked mid-session, the idle lock, the last owner,
//!   forged actors, one audit entry per change, `audit verify` over the chain and the users table, exports.
//! - `payouts`: the held-out payout flow end to end (lines → payees → run → two approvals, one by file from a
//!   second copy → SEPA valid against the XSD → paid → clawback, return), M5 approval files refused naming why,
//!   crossing files ending in one effect per approver, M7 nothing paid twice.
//! - `payouts_pdf`: a statement PDF reads back through `pdftotext -layout` (accents, amounts aligned, page n of m).
//! - `permissions_doc`: `docs/permissions.md` matches the code.
//! - `postback`: the postback listener over HTTP: signatures, replay window, rotation, allow-list, token, bad
//!   query strings, the dedupe vectors of DOMAIN.md §8, the request log.
//! - `postback_order`: I5 (shuffled, repeated, concurrent deliveries end like in-order ones) and parser fuzzing.
//! - `postback_rig`: the shared set-up of the two postback modules.
//! - `reconcile`: each reason code with a worked case, CSV export, dispute creation.
//! - `sepa_xsd`: pain.001.001.03 and .09 files validate against the official XSDs with xmllint (`.ci/setup`).
//! - `status_lag`: the tracker's update time from the changes feed is stored and reconciled as status lag.
//! - `sync`: the real connector against the sandbox on loopback: ground truth, idempotence, faults, resume.
//! - `sync_broker`: the Forex broker's tables checked against the world; a failed deals page resumes from its cursor.
//! - `sync_operator`: the operator side (withdrawals, daily activity, the Forex broker's IBs, accounts, symbols
//!   and deals) against the sandbox's world, exactly, with faults on.
//! - `sync_quarantine`: bad operator and broker items over HTTP are quarantined one by one; the rest lands.
//! - `sync_tune`: a TUNE (HasOffers) source ends with the world's conversions, a second sync changes nothing, the
//!   echoed key is not archived, a bad row is quarantined naming its field.

mod attribution;
mod attribution_report;
mod attribution_truth;
mod backup;
mod bindings;
mod commission_engine;
mod commission_fixture;
mod commission_forex;
mod commission_ledger;
mod commission_period;
mod commission_plans;
mod commission_preview;
mod commission_props;
mod commission_store_forex;
mod dashboards;
mod demo_coverage;
mod detect;
mod detect_derive;
mod detect_fixture;
mod detect_flow;
mod detect_money;
mod detect_order;
mod detect_rules;
mod detection_doc;
mod disputes;
mod forex_files;
mod front_door;
mod front_door_permissions;
mod fx;
mod import;
mod import_mapping;
mod import_real;
mod import_signals;
mod migrations;
mod payouts;
mod payouts_pdf;
mod people;
mod permissions_doc;
mod postback;
mod postback_order;
mod postback_rig;
mod programs;
mod reconcile;
mod sepa_xsd;
mod status_lag;
mod sync;
mod sync_broker;
mod sync_operator;
mod sync_quarantine;
mod sync_tune;
