// Breakdown and cohort fixtures: two sub-IDs of one affiliate and a country row with markup in its label; two
// cohorts, one paid back in month 1.
import type { Breakdown, BreakdownQuery, BreakdownRow, Change, CohortQuery, Cohorts } from '../lib/bindings';
import { SVG } from './fixtures';

const change = (previous: string, ch: string, pct: string | null): Change => ({ previous, change: ch, change_percent: pct });

export function breakdownRow(over: Partial<BreakdownRow> = {}): BreakdownRow {
  return {
    key: 'aff-1',
    label: 'Alpha Media',
    affiliate_id: 'aff-1',
    affiliate_name: 'Alpha Media',
    clicks: 100,
    registrations: 10,
    ftds: 4,
    deposits: '400.00',
    deposits_micros: '400000000',
    ngr: '250.00',
    ngr_micros: '250000000',
    commission: '100.00',
    commission_micros: '100000000',
    ecpa: '25.00',
    ecpa_micros: '25000000',
    lots: null,
    trading_clients: null,
    change: {
      clicks: change('80', '20', '25.00'),
      registrations: change('10', '0', '0.00'),
      ftds: change('2', '2', '100.00'),
      deposits: change('300.00', '100.00', '33.33'),
      ngr: change('200.00', '50.00', '25.00'),
      commission: change('50.00', '50.00', '100.00'),
      lots: null,
    },
    ...over,
  };
}

export const BREAKDOWN_ROWS: BreakdownRow[] = [
  breakdownRow(),
  breakdownRow({
    key: 'aff-2',
    label: 'Beta Bets',
    affiliate_id: 'aff-2',
    affiliate_name: 'Beta Bets',
    ftds: 12,
    ngr: '-30.00',
    ngr_micros: '-30000000',
    commission: null,
    commission_micros: null,
    ecpa: null,
    ecpa_micros: null,
  }),
  breakdownRow({ key: 'aff-3', label: '=cmd|calc', affiliate_id: 'aff-3', affiliate_name: '=cmd|calc', ftds: 0, ecpa: null, ecpa_micros: null }),
];

export function breakdown(q: BreakdownQuery, over: Partial<Breakdown> = {}): Breakdown {
  return {
    program: 'Lucky Casino EU',
    vertical: 'igaming',
    currency: 'EUR',
    timezone: 'Europe/Malta',
    dimension: q.dimension,
    affiliate: q.affiliate ?? null,
    period: { from: q.from ?? '2025-06-01', to: q.to ?? '2025-06-30' },
    previous_period: { from: '2025-05-02', to: '2025-05-31' },
    rows: BREAKDOWN_ROWS,
    totals: breakdownRow({ key: '', label: 'Total', affiliate_id: null, affiliate_name: null, ftds: 16 }),
    commission_periods: [{ from: '2025-06-01', to: '2025-06-30' }],
    commission_note: 'Commission per affiliate: the ledger entries for the commission periods inside the period.',
    movers_svg: SVG,
    unconverted: [],
    ...over,
  };
}

export function cohorts(q: CohortQuery, over: Partial<Cohorts> = {}): Cohorts {
  const month = (k: number, m: string, active: number, pct: string, ngr: string) => ({
    k,
    month: m,
    active_players: active,
    retention_percent: pct,
    cumulative_deposits_per_player: '50.00',
    cumulative_deposits_per_player_micros: '50000000',
    cumulative_ngr_per_player: ngr,
    cumulative_ngr_per_player_micros: '0',
    cumulative_ngr: '0.00',
    cumulative_ngr_micros: '0',
  });
  return {
    program: 'Lucky Casino EU',
    vertical: 'igaming',
    currency: 'EUR',
    affiliate: q.affiliate ?? null,
    last_month: '2025-06',
    cohorts: [
      { cohort: '2025-06', players: 2, commission: '80.00', commission_micros: '80000000', months: [month(0, '2025-06', 2, '100.00', '10.00')], payback_month: null },
      {
        cohort: '2025-05',
        players: 3,
        commission: '120.00',
        commission_micros: '120000000',
        months: [month(0, '2025-05', 3, '100.00', '25.00'), month(1, '2025-06', 1, '33.33', '45.00')],
        payback_month: 1,
      },
    ],
    ltv_svg: SVG,
    unconverted: [],
    ...over,
  };
}
