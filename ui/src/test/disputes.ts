// Dispute test data shaped exactly like the generated bindings: a case as the list and the detail show it.
import type { ClaimRowView, ClaimsReport, DisputeRow, DisputeView, EvidenceItem } from '../lib/bindings';

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

export const T0 = Date.UTC(2026, 10, 1, 9, 0);

/** A case opened from a missing-postback discrepancy, worked a little: owner, a comment, waiting on the operator. */
export function workedView(over: Partial<DisputeView> = {}): DisputeView {
  const row = disputeRow(7, {
    title: 'missing_postback: D000060',
    state: 'awaiting_operator',
    affiliate_id: '4',
    affiliate_name: 'Jackpot Junction',
    owner: 'ana',
    amount_claimed: '90.00',
    due_at_ms: Date.UTC(2026, 10, 15, 22, 59),
    due: 'on_time',
    created_at_ms: T0,
    updated_at_ms: T0 + 3_600_000,
  });
  return disputeView(row, {
    subjects: ['deposit:D000060', 'discrepancy:1', 'player:P000073'],
    events: [
      { at_ms: T0, by: 'ana', event: 'opened', from_state: '', to_state: 'open', text: '' },
      { at_ms: T0 + 60_000, by: 'ana', event: 'assigned', from_state: '', to_state: '', text: 'owner: ana' },
      { at_ms: T0 + 120_000, by: 'ana', event: 'comment', from_state: '', to_state: '', text: 'Asked the operator for the FTD record.' },
      { at_ms: T0 + 180_000, by: 'ana', event: 'moved', from_state: 'open', to_state: 'awaiting_operator', text: '' },
    ],
    evidence: [
      evidenceItem('player', 'Operator player P000073 (registered 2026-10-05, affiliate 4)', { external_id: 'P000073', affiliate: '4' }),
      evidenceItem('deposit', 'deposit 15000000 EUR on 2026-10-05 by player P000073', { external_id: 'D000060', player: 'P000073' }),
      evidenceItem('discrepancy', 'Reconciliation 2026-10 missing_postback', { id: 1, reason: 'missing_postback' }),
      {
        kind: 'raw',
        title: 'Raw record 66: players page 1 (61 bytes as received)',
        source: 'players page 1',
        sha256: '29'.repeat(32),
        body: '{"data":[{"player_id":"P000073","country":"NO"}],"next":null}',
      },
    ],
    allowed: ['investigating', 'accepted', 'partly_accepted', 'rejected'],
    proposed_amount: '90.00',
    adjustment_period: '2026-10',
    ...over,
  });
}

export function evidenceItem(kind: string, title: string, body: Record<string, unknown>, over: Partial<EvidenceItem> = {}): EvidenceItem {
  return {
    kind,
    title,
    source: `Demo operator/${kind}s page 1, raw record 66`,
    sha256: kind.charCodeAt(0).toString(16).padStart(2, '0').repeat(32),
    body: JSON.stringify(body, null, 2),
    ...over,
  };
}

export function claimRow(id: number, reason: string, over: Partial<ClaimRowView> = {}): ClaimRowView {
  return {
    id,
    claim: `CL${String(id).padStart(3, '0')}`,
    affiliate_id: '4',
    player: `P${String(100 + id).padStart(6, '0')}`,
    click: '',
    ftd_day: '2026-10-05',
    ftd_amount: '25.00',
    reason,
    detail: `${reason.replace(/_/g, ' ')} detail of claim ${id}`,
    impact: '0.00',
    case_id: null,
    ...over,
  };
}

/** A matched claims month: every reason once or more, one claim already with a case. */
export function claimsReport(over: Partial<ClaimsReport> = {}): ClaimsReport {
  const rows = [
    claimRow(1, 'confirmed'),
    claimRow(2, 'amount_mismatch', { ftd_amount: '57.00' }),
    claimRow(3, 'missing_postback', { impact: '90.00', ftd_amount: '120.50' }),
    claimRow(4, 'other_affiliate', { case_id: 12 }),
    claimRow(5, 'unknown', { player: '', click: 'df96beb6d463d07c', ftd_amount: '' }),
  ];
  const reasons = ['unknown', 'other_affiliate', 'missing_postback', 'amount_mismatch', 'confirmed'].map((reason) => ({
    reason,
    count: rows.filter((r) => r.reason === reason).length,
  }));
  return { period: '2026-10', currency: 'EUR', matched_at_ms: T0 + 3_600_000, matched_by: 'ana', reasons, rows, ...over };
}
