// Dispute test data shaped exactly like the generated bindings: a case as the list and the detail show it.
import type { DisputeRow, DisputeView } from '../lib/bindings';

export function disputeRow(id: number, over: Partial<DisputeRow> = {}): DisputeRow {
  return {
    id,
    title: `dispute of discrepancy ${id}`,
    state: 'open',
    affiliate_id: '3',
    affiliate_name: 'Affiliate 3',
    owner: '',
    reason: 'missing_postback',
    period: '2026-10',
    opened_from: 'discrepancy',
    amount_claimed: '50.00',
    granted: '0.00',
    currency: 'EUR',
    due_at_ms: Date.UTC(2026, 10, 8),
    due: 'on_time',
    created_at_ms: Date.UTC(2026, 10, 1),
    updated_at_ms: Date.UTC(2026, 10, 1),
    ...over,
  };
}

export function disputeView(row: DisputeRow = disputeRow(7), over: Partial<DisputeView> = {}): DisputeView {
  return {
    case: row,
    description: '',
    subjects: [],
    events: [],
    attachments: [],
    outcomes: [],
    evidence: [],
    packs: [],
    allowed: ['investigating', 'awaiting_operator', 'accepted', 'partly_accepted', 'rejected'],
    proposed_amount: row.amount_claimed,
    adjustment_period: row.period,
    ...over,
  };
}
