// The payout types are generated into bindings.ts from the Rust boundary types; this module re-exports them
// for the payout components and adds the one UI-only alias.
import type { RawPayeeDetails } from './bindings';

export type {
  PayeeVersionView,
  PayeesPage,
  LinesDecision,
  PayoutItemView,
  PayoutTotal,
  PayoutApprovalView,
  PayoutFileView,
  PayoutEventView,
  PayoutRunView,
  PayoutRunSummary,
  PayerView,
  PayoutsOverview,
  RawPayeeDetails,
  BankOutcome,
  SepaFormat,
  StatementLinesRequest,
  ProposePayeeRequest,
  ReviewPayeeRequest,
  PayerRequest,
  PrepareRunRequest,
  ApproveRunRequest,
  RunRequest,
  SignApprovalRequest,
  ExportFilesRequest,
  MarkPaidRequest,
  BankReturnRequest,
  WrittenFile,
  ApprovalOutcome,
  BackupResult,
} from './bindings';

/** The payment method of a payee's details: sepa, wire, paypal or crypto. */
export type PayeeMethod = RawPayeeDetails['method'];
