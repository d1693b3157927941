// The payout types of the front door, written by hand to mirror the Rust structs field for field:
//   crates/core/src/api/payouts.rs          (requests, WrittenFile, PayerView, PayoutsOverview, SepaFormat)
//   crates/core/src/payouts/types.rs        (PayeeVersionView, PayeesPage, LinesDecision, PayoutItemView,
//                                            PayoutTotal, PayoutApprovalView, PayoutFileView, PayoutEventView,
//                                            PayoutRunView, PayoutRunSummary)
//   crates/core/src/payouts/payee/mod.rs    (RawPayeeDetails)
//   crates/core/src/payouts/settle.rs       (BankOutcome)
//   crates/core/src/payouts/approvals.rs    (ApprovalOutcome)
//   crates/core/src/workspace/backup.rs     (BackupResult)
// They derive `ts_rs::TS` but are not yet listed in `affops_core::api::typescript_bindings()`, so bindings.ts
// does not carry them. Once the core lists them there and bindings.ts is regenerated, delete this file and drop
// its re-export from api.ts: every name below is the Rust type's own, so nothing else changes.

/** One version of an affiliate's payment details, and where it stands. */
export type PayeeVersionView = {
  id: number;
  affiliate_id: string;
  affiliate_name: string;
  /** sepa, wire, paypal or crypto. */
  method: string;
  /** The details with account numbers masked ("DE89 •••• 3000"). */
  masked: string;
  /** The "payee-details version": SHA-256 of the canonical details. */
  details_sha256: string;
  currency: string;
  proposed_by: string;
  proposed_at_ms: number;
  /** pending, approved, rejected or superseded. */
  status: string;
  reviewed_by: string | null;
  reviewed_at_ms: number | null;
  reason: string;
  /** For the approved version in use: the first payment to it waits until this instant (new details). */
  held_until_ms: number | null;
};

/** Every affiliate's payee details, newest version first per affiliate. */
export type PayeesPage = { versions: Array<PayeeVersionView>; pending: number; hold_days: number };

/** What approving (or rejecting) statement lines did. */
export type LinesDecision = {
  affiliate_id: string;
  period: string;
  /** Ledger entries approved (or voided, on reject). */
  entries_changed: number;
  /** Entries left as they were, with why. */
  skipped: Array<string>;
};

/** One affiliate of a run. */
export type PayoutItemView = {
  affiliate_id: string;
  affiliate_name: string;
  /** pay, carried, held or no_payee. */
  state: string;
  /** What is paid, in the payee's currency ('' unless state is pay). */
  amount: string;
  currency: string;
  source_amount: string;
  source_currency: string;
  fx_rate: string;
  fx_source: string;
  fx_as_of: string;
  payee_method: string;
  payee_masked: string;
  payee_details_sha256: string;
  note: string;
  /** open, paid, failed or returned. */
  outcome: string;
  statements: Array<string>;
  /** What changed since the program's previous run: "new", "+12.50", "new payee details", "". */
  change: string;
};

export type PayoutTotal = { currency: string; amount: string; payments: number };

export type PayoutApprovalView = {
  approver: string;
  signed_at_ms: number;
  /** app or file. */
  via: string;
  public_key: string;
};

export type PayoutFileView = { currency: string; format: string; file_name: string; sha256: string; payments: number };

export type PayoutEventView = { event: string; by: string; at_ms: number; detail: string };

/** A payout run as the Payouts screen shows it. */
export type PayoutRunView = {
  id: number;
  program: string;
  period: string;
  /** awaiting_approval, approved, exported, paid or cancelled. */
  status: string;
  execution_date: string;
  prepared_by: string;
  prepared_at_ms: number;
  content_hash: string;
  approvals_required: number;
  approvals: Array<PayoutApprovalView>;
  items: Array<PayoutItemView>;
  totals: Array<PayoutTotal>;
  files: Array<PayoutFileView>;
  events: Array<PayoutEventView>;
  bank_reference: string;
  paid_on: string;
  previous_run: number | null;
};

/** A run in the list. */
export type PayoutRunSummary = {
  id: number;
  period: string;
  status: string;
  prepared_by: string;
  prepared_at_ms: number;
  approvals: number;
  approvals_required: number;
  payments: number;
  totals: Array<PayoutTotal>;
};

export type PayerView = { name: string; iban_masked: string; bic: string };

/** The Payouts screen's overview: runs, the paying account, the rules in force. */
export type PayoutsOverview = {
  runs: Array<PayoutRunSummary>;
  payer: PayerView | null;
  two_approvals_from: string;
  payee_hold_days: number;
  pending_payees: number;
  currency: string;
};

/** Payee details as typed, tagged by `method`. An empty SEPA BIC means none. */
export type RawPayeeDetails =
  | { method: 'sepa'; holder: string; iban: string; bic?: string | null }
  | { method: 'wire'; holder: string; account_number: string; bank_name: string; bic: string; bank_country: string }
  | { method: 'paypal'; email: string }
  | { method: 'crypto'; network: string; address: string };

export type PayeeMethod = RawPayeeDetails['method'];

export type BankOutcome = 'failed' | 'returned';

export type SepaFormat = 'pain.001.001.09' | 'pain.001.001.03';

export type StatementLinesRequest = {
  affiliate: string;
  /** YYYY-MM. */
  period: string;
  /** One line's key; absent: every line of the statement. */
  line_key?: string;
  approve: boolean;
  /** Required to reject. */
  reason: string;
};

export type ProposePayeeRequest = { affiliate: string; details: RawPayeeDetails; currency: string; note: string };

export type ReviewPayeeRequest = { version_id: number; approve: boolean; reason: string };

export type PayerRequest = { name: string; iban: string; bic: string };

export type PrepareRunRequest = { period: string; execution_date: string };

export type ApproveRunRequest = { run_id: number; passphrase: string };

/** `text`: why (cancel), or where a file goes (export approval request; '' for the default). */
export type RunRequest = { run_id: number; text: string };

export type SignApprovalRequest = { path: string; out: string; passphrase: string };

export type ExportFilesRequest = { run_id: number; sepa_format: SepaFormat; dir: string };

export type MarkPaidRequest = { run_id: number; bank_reference: string; paid_on: string };

export type BankReturnRequest = { run_id: number; affiliate: string; outcome: BankOutcome; reason: string };

export type WrittenFile = { path: string; sha256: string; currency: string; format: string; payments: number };

export type ApprovalOutcome = {
  run_id: number;
  approver: string;
  /** False when this approval was already recorded: nothing changed. */
  applied: boolean;
  status: string;
  approvals: number;
  approvals_required: number;
};

export type BackupResult = { path: string; bytes: number; integrity: string };
