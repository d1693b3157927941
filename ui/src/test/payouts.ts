// Payout test data shaped exactly like the core's records (lib/payout-types.ts): runs with their items, totals,
// approvals, files and events; payee versions; the overview.
import type {
  PayeesPage,
  PayeeVersionView,
  PayoutItemView,
  PayoutRunSummary,
  PayoutRunView,
  PayoutsOverview,
} from '../lib/payout-types';

export const T0 = Date.UTC(2026, 11, 4, 9, 30);

export function item(id: string, name: string, over: Partial<PayoutItemView> = {}): PayoutItemView {
  return {
    affiliate_id: id,
    affiliate_name: name,
    state: 'pay',
    amount: '728.12',
    currency: 'EUR',
    source_amount: '728.12',
    source_currency: 'EUR',
    fx_rate: '',
    fx_source: '',
    fx_as_of: '',
    payee_method: 'sepa',
    payee_masked: 'DE89 •••• 3000',
    payee_details_sha256: '358e5936d5f87cc1456f0e8031c3c7496af39c57df2b5d066b48cf1b24beceda',
    note: '',
    outcome: 'open',
    statements: ['2026-10 ' + '2c'.repeat(32)],
    change: '',
    ...over,
  };
}

/** Four items, one per state, whose amounts order differently as text and as numbers. */
export const ITEMS: PayoutItemView[] = [
  item('1', 'Slots Hub Media', { amount: '728.12', source_amount: '728.12', change: '+12.50' }),
  item('7', 'Forex Friends', {
    amount: '1090.00',
    currency: 'USD',
    source_amount: '1005.35',
    fx_rate: '1.0842',
    fx_source: 'ECB',
    fx_as_of: '2026-10-31',
    payee_method: 'wire',
    payee_masked: 'US •••• 6789',
    payee_details_sha256: 'ab'.repeat(32),
    change: 'new',
  }),
  item('2', 'Nordic Spin Reviews', {
    state: 'no_payee',
    amount: '',
    source_amount: '1011.25',
    payee_method: '',
    payee_masked: '',
    payee_details_sha256: '',
    note: 'no approved payee details: propose them on the Payouts screen',
  }),
  item('3', 'Bonus Hunters', {
    state: 'held',
    amount: '',
    source_amount: '90.00',
    note: 'new payee details: the first payment to them is held until 2026-12-07 09:30 UTC',
    change: 'new payee details',
  }),
  item('4', 'Tiny Traffic', { state: 'carried', amount: '', source_amount: '-20.00', note: 'nothing to pay: the approved balance is -20.00 EUR' }),
];

export function runView(over: Partial<PayoutRunView> = {}): PayoutRunView {
  return {
    id: 1,
    program: 'Lucky Casino EU',
    period: '2026-10',
    status: 'awaiting_approval',
    execution_date: '2026-12-09',
    prepared_by: 'fiona',
    prepared_at_ms: T0,
    content_hash: '4c947e30dd6a04191cc0440e7fa5c67fef4d6fce6bb2d126d8aca4f7cab2aab4',
    approvals_required: 1,
    approvals: [],
    items: ITEMS,
    totals: [
      { currency: 'EUR', amount: '728.12', payments: 1 },
      { currency: 'USD', amount: '1090.00', payments: 1 },
    ],
    files: [],
    events: [
      { event: 'prepared', by: 'fiona', at_ms: T0, detail: '{"approvals_required":1,"content_hash":"4c947e30"}' },
    ],
    bank_reference: '',
    paid_on: '',
    previous_run: null,
    ...over,
  };
}

export function runSummary(id: number, over: Partial<PayoutRunSummary> = {}): PayoutRunSummary {
  return {
    id,
    period: '2026-10',
    status: 'awaiting_approval',
    prepared_by: 'fiona',
    prepared_at_ms: T0 + id * 60_000,
    approvals: 0,
    approvals_required: 1,
    payments: 1,
    totals: [{ currency: 'EUR', amount: '728.12', payments: 1 }],
    execution_date: '2026-12-09',
    ...over,
  };
}

/** Three runs whose orders differ per column (the totals order differently as text and as numbers). */
export const RUNS: PayoutRunSummary[] = [
  runSummary(1, { period: '2026-08', status: 'paid', approvals: 1, totals: [{ currency: 'EUR', amount: '9.50', payments: 1 }] }),
  runSummary(2, { period: '2026-09', status: 'cancelled', prepared_by: 'felix', payments: 3, totals: [{ currency: 'EUR', amount: '10000.00', payments: 3 }] }),
  runSummary(3, {
    period: '2026-10',
    status: 'awaiting_approval',
    approvals_required: 2,
    payments: 2,
    totals: [
      { currency: 'EUR', amount: '12000.00', payments: 1 },
      { currency: 'USD', amount: '1090.00', payments: 1 },
    ],
  }),
];

export function overview(over: Partial<PayoutsOverview> = {}): PayoutsOverview {
  return {
    runs: RUNS,
    payer: { name: 'Demo Casino Ltd', iban_masked: 'MT84 •••• 001S', bic: 'MALTMTMTXXX' },
    two_approvals_from: '10000',
    payee_hold_days: 3,
    pending_payees: 1,
    currency: 'EUR',
    ...over,
  };
}

export function payeeVersion(id: number, over: Partial<PayeeVersionView> = {}): PayeeVersionView {
  return {
    id,
    affiliate_id: '1',
    affiliate_name: 'Slots Hub Media',
    method: 'sepa',
    masked: 'DE89 •••• 3000',
    details_sha256: `${String(id).padStart(2, '0')}${'5e'.repeat(31)}`,
    currency: 'EUR',
    proposed_by: 'fiona',
    proposed_at_ms: T0 + id * 60_000,
    status: 'approved',
    reviewed_by: 'felix',
    reviewed_at_ms: T0 + id * 60_000 + 30_000,
    reason: '',
    note: '',
    held_until_ms: null,
    ...over,
  };
}

export const VERSIONS: PayeeVersionView[] = [
  payeeVersion(4, { affiliate_id: '2', affiliate_name: 'Nordic Spin Reviews', status: 'pending', reviewed_by: null, reviewed_at_ms: null, masked: 'FI21 •••• 0785' }),
  payeeVersion(3, { status: 'approved', held_until_ms: Date.UTC(2026, 11, 7, 9, 30) }),
  payeeVersion(2, { status: 'superseded', masked: 'DE44 •••• 1234' }),
  payeeVersion(1, { affiliate_id: '7', affiliate_name: 'Forex Friends', method: 'paypal', masked: 'f•••@friends.example', currency: 'USD', status: 'rejected', reason: 'the holder name does not match the contract' }),
];

export function payeesPage(over: Partial<PayeesPage> = {}): PayeesPage {
  return { versions: VERSIONS, pending: 1, hold_days: 3, ...over };
}
