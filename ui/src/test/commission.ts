// Commission test data shaped exactly like the generated bindings: plans, periods, statements, checklists.
import type {
  ComputeResult,
  DrillItem,
  PeriodView,
  PlanDetail,
  PlanImportResult,
  PlanPreview,
  PlanPreviewRow,
  PlanSummary,
  QualificationChecklist,
  Statement,
  StatementLine,
} from '../lib/bindings';

export function planSummary(name: string, over: Partial<PlanSummary> = {}): PlanSummary {
  return {
    name,
    description: '',
    currency: 'EUR',
    rounding: 'half_up',
    kind: 'cpa',
    version_count: 1,
    latest_effective_from: '2026-01-01',
    assigned_affiliates: 0,
    is_program_default: false,
    ...over,
  };
}

/** Three plans whose orders differ per column. */
export const PLANS: PlanSummary[] = [
  planSummary('Standard RevShare', { kind: 'revshare', version_count: 3, assigned_affiliates: 12, is_program_default: true, latest_effective_from: '2026-03-01' }),
  planSummary('CPA Germany', { kind: 'cpa', currency: 'EUR', version_count: 1, assigned_affiliates: 2, latest_effective_from: '2025-11-01' }),
  planSummary('IB gold', { kind: 'ib_rebate', currency: 'USD', rounding: 'half_even', version_count: 2, assigned_affiliates: 5, latest_effective_from: '2026-02-01' }),
];

export function planDetail(summary: PlanSummary = PLANS[0]): PlanDetail {
  const body = (pct: string, from: string) =>
    JSON.stringify({ effective_from: from, hold_days: 30, negative_carryover: true, components: [{ kind: 'rev_share', percent: pct, ngr: 'bets - wins - bonuses' }] }, null, 2);
  return {
    summary,
    versions: [
      { plan: summary.name, version_no: 1, effective_from: '2026-01-01', content_hash: 'a'.repeat(64), kind: 'revshare', hold_days: 30, min_payout: null, negative_carryover: true, components: ['RevShare 25% of NGR = bets - wins - bonuses'], body_json: body('25', '2026-01-01') },
      { plan: summary.name, version_no: 2, effective_from: '2026-03-01', content_hash: 'b'.repeat(64), kind: 'revshare', hold_days: 30, min_payout: '100.00', negative_carryover: true, components: ['RevShare 30% of NGR = bets - wins - bonuses'], body_json: body('30', '2026-03-01') },
    ],
  };
}

export function importResult(over: Partial<PlanImportResult> = {}): PlanImportResult {
  return { saved: false, errors: [], plan: planSummary('New CPA, flat plan'), new_versions: [], ...over };
}

export function previewRow(id: string, name: string, current: [string, string], proposed: [string, string], diff: [string, string]): PlanPreviewRow {
  return {
    affiliate_id: id,
    affiliate_name: name,
    current_plan: 'Standard RevShare',
    current_version_no: 2,
    current: current[0],
    current_micros: current[1],
    proposed: proposed[0],
    proposed_micros: proposed[1],
    difference: diff[0],
    difference_micros: diff[1],
  };
}

export function planPreview(over: Partial<PlanPreview> = {}): PlanPreview {
  return {
    plan: 'Standard RevShare',
    effective_from: '2026-04-01',
    period_label: '2026-03',
    period: { from: '2026-03-01', to: '2026-03-31' },
    currency: 'EUR',
    errors: [],
    rows: [
      previewRow('aff-1', 'Alpha', ['100.00', '100000000'], ['120.00', '120000000'], ['20.00', '20000000']),
      previewRow('aff-2', 'Beta', ['50.00', '50000000'], ['40.00', '40000000'], ['-10.00', '-10000000']),
    ],
    total_current: '150.00',
    total_proposed: '160.00',
    problems: [],
    ...over,
  };
}

export function periodView(label: string, over: Partial<PeriodView> = {}): PeriodView {
  const [y, m] = label.split('-');
  const last = new Date(Date.UTC(Number(y), Number(m), 0)).getUTCDate();
  return {
    period_label: label,
    period: { from: `${label}-01`, to: `${label}-${String(last).padStart(2, '0')}` },
    status: 'open',
    result_hash: null,
    statement_hash: null,
    closed_at_ms: null,
    ...over,
  };
}

export function computeResult(over: Partial<ComputeResult> = {}): ComputeResult {
  return {
    program: 'Demo casino',
    period_label: '2026-03',
    period: { from: '2026-03-01', to: '2026-03-31' },
    status: 'open',
    affiliates: 4,
    lines: 9,
    entries_posted: 9,
    late_corrections: 1,
    totals: [{ currency: 'EUR', amount: '1234.56', amount_micros: '1234560000' }],
    problems: [{ kind: 'no_plan', subject: 'aff-9', detail: 'no plan assigned and no program default' }],
    result_hash: 'c'.repeat(64),
    elapsed_ms: 321,
    ...over,
  };
}

export function drillItem(subject: string, over: Partial<DrillItem> = {}): DrillItem {
  return {
    subject,
    amount: '100.00',
    note: 'qualified on 2026-03-05',
    events: [
      { kind: 'registration', id: '41', day: '2026-03-01', detail: 'registered via click 9' },
      { kind: 'deposit', id: '77', day: '2026-03-05', detail: 'FTD 50.00 EUR' },
    ],
    ...over,
  };
}

export function line(key: string, amount: string, micros: string, over: Partial<StatementLine> = {}): StatementLine {
  return {
    line_key: key,
    label: key.toUpperCase(),
    kind: 'commission',
    rule: `${key} rule`,
    plan: 'Standard RevShare',
    plan_version_no: 2,
    status: 'pending',
    reason: 'computed',
    origin_period: '2026-03',
    amount,
    amount_micros: micros,
    entry_ids: [`e-${key}`],
    approvable_from: '2026-04-30',
    drilldown: [],
    payout: '',
    ...over,
  };
}

/** Lines whose exact order by amount differs from their float order (two amounts differ only past 2^53). */
export const LINES: StatementLine[] = [
  line('cpa', '200.00', '200000000', { label: 'CPA', drilldown: [drillItem('player-7'), drillItem('player-8', { amount: '100.00' })] }),
  line('revshare', '9007199254.740993', '9007199254740993', { label: 'RevShare' }),
  line('adjustment', '9007199254.740992', '9007199254740992', { label: 'Adjustment', reason: 'late_event', origin_period: '2026-02' }),
  line('sub_affiliate', '-5.00', '-5000000', { label: 'Sub-affiliate', drilldown: [drillItem('aff-child', { events: [{ kind: 'affiliate', id: '12', day: '2026-03-01..2026-03-31', detail: '10% of commission' }] })] }),
  line('carry_in', '-50.00', '-50000000', { label: 'Negative balance carried in', kind: 'carryover', plan: null, plan_version_no: null }),
];

export function statement(over: Partial<Statement> = {}): Statement {
  return {
    program: 'Demo casino',
    affiliate_id: 'aff-1',
    affiliate_name: 'Alpha Media',
    period_label: '2026-03',
    period: { from: '2026-03-01', to: '2026-03-31' },
    period_status: 'open',
    currency: 'EUR',
    lines: LINES,
    subtotal: '18014398704.481985',
    carried_in: '-50.00',
    carried_out: '0.00',
    payable: '18014398654.481985',
    payable_micros: '18014398654481985',
    statement_hash: 'd'.repeat(64),
    fx_snapshot: [],
    payee: null,
    ...over,
  };
}

export function checklist(over: Partial<QualificationChecklist> = {}): QualificationChecklist {
  return {
    player_id: 'player-7',
    affiliate_id: 'aff-1',
    plan: 'CPA Germany',
    plan_version_no: 1,
    as_of: '2026-03-31',
    criteria: [
      { name: 'first_deposit', required: '≥ 20.00 EUR', actual: '50.00 EUR', passed: true, passed_on: '2026-03-05' },
      { name: 'wagering', required: '≥ 1× deposits (50.00)', actual: '30.00', passed: false, passed_on: null },
    ],
    qualified_on: null,
    note: '',
    ...over,
  };
}
