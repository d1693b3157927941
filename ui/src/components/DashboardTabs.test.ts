import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DashboardView from './DashboardView.svelte';
import { dashboard } from '../test/fixtures';
import { fakeBackend } from '../test/backend';
import { breakdownCsv, csvCell } from '../lib/breakdown';
import { BREAKDOWN_ROWS, breakdownRow } from '../test/dashboards';

function renderView(backend = fakeBackend()) {
  render(DashboardView, {
    dashboard: dashboard(),
    syncing: false,
    progress: null,
    loading: false,
    onapply: vi.fn(),
    onsync: vi.fn(),
    backend,
  });
  return backend;
}

describe('Dashboard Breakdown tab', () => {
  it('reads the dashboard period by affiliate, then by the chosen dimension and affiliate', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await user.click(screen.getByTestId('tab-breakdown'));
    await waitFor(() => expect(screen.getAllByTestId('breakdown-row')).toHaveLength(3));
    expect(backend.breakdown).toHaveBeenLastCalledWith({ from: '2025-06-01', to: '2025-06-30', dimension: 'affiliate' });
    // Default order: FTDs, largest first; the totals last.
    const labels = screen.getAllByTestId('breakdown-row').map((r) => within(r).getByRole('rowheader').textContent);
    expect(labels).toEqual(['Beta Bets', 'Alpha Media', '=cmd|calc']);
    expect(screen.getByTestId('breakdown-total')).toHaveTextContent('Total');
    // A null commission / eCPA shows as a dash, never "0.00".
    expect(screen.getAllByTestId('breakdown-row')[0]).toHaveTextContent('—');
    const img = screen.getByTestId('movers-chart');
    expect(img.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(document.querySelector('svg')).toBeNull();

    await user.selectOptions(screen.getByTestId('breakdown-dimension'), 'sub_id');
    await user.type(screen.getByTestId('breakdown-affiliate'), 'aff-1');
    await waitFor(() =>
      expect(backend.breakdown).toHaveBeenLastCalledWith({ from: '2025-06-01', to: '2025-06-30', dimension: 'sub_id', affiliate: 'aff-1' }),
    );
  });

  it('sorts exactly by NGR micros, filters, and says when nothing matches', async () => {
    const user = userEvent.setup();
    renderView();
    await user.click(screen.getByTestId('tab-breakdown'));
    await waitFor(() => expect(screen.getAllByTestId('breakdown-row')).toHaveLength(3));
    await user.click(screen.getByTestId('sort-ngr'));
    const first = () => within(screen.getAllByTestId('breakdown-row')[0]).getByRole('rowheader').textContent;
    expect(['Alpha Media', '=cmd|calc']).toContain(first());
    await user.click(screen.getByTestId('sort-ngr'));
    expect(first()).toBe('Beta Bets'); // −30.00 is the smallest
    await user.type(screen.getByTestId('breakdown-filter'), 'zzz');
    expect(screen.queryAllByTestId('breakdown-row')).toHaveLength(0);
    expect(screen.getByTestId('breakdown-no-match')).toHaveTextContent('zzz');
  });

  it('shows an empty state for a period without activity and the core refusal as an error', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const base = backend.breakdown;
    backend.breakdown = vi.fn(async (q) => ({ ...(await base(q)), rows: [] }));
    renderView(backend);
    await user.click(screen.getByTestId('tab-breakdown'));
    expect(await screen.findByTestId('breakdown-empty')).toHaveTextContent('No activity between 2025-06-01 and 2025-06-30');
    backend.breakdown = vi.fn(async () => Promise.reject({ code: 'not_found', message: "No affiliate 'x'" }));
  });

  it('names the amounts in other currencies it could not convert, and says nothing when all converted', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const base = backend.breakdown;
    backend.breakdown = vi.fn(async (q) => ({
      ...(await base(q)),
      unconverted: [{ currency: 'GBP', amount: '50.00', amount_micros: '50000000', days: 1, first_day: '2025-06-06', last_day: '2025-06-06' }],
    }));
    renderView(backend);
    await user.click(screen.getByTestId('tab-breakdown'));
    const banner = await screen.findByTestId('breakdown-unconverted');
    expect(banner).toHaveTextContent('Not converted: 50.00 GBP on 1 day (2025-06-06 – 2025-06-06)');
    expect(banner).toHaveTextContent('left out of the totals');
    backend.breakdown = base;
    await user.selectOptions(screen.getByTestId('breakdown-dimension'), 'country');
    await waitFor(() => expect(screen.queryByTestId('breakdown-unconverted')).toBeNull());
  });

  it('exports formula-safe CSV with the totals last', () => {
    const text = breakdownCsv(BREAKDOWN_ROWS, breakdownRow({ key: '', label: 'Total' }));
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(1 + 3 + 1);
    expect(lines[3].startsWith("aff-3,'=cmd|calc")).toBe(true);
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('-5.00')).toBe("'-5.00");
  });
});

describe('Dashboard Cohorts tab', () => {
  it('shows retention, LTV and payback per cohort, and re-reads for another affiliate', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await user.click(screen.getByTestId('tab-cohorts'));
    await waitFor(() => expect(screen.getAllByTestId('cohort-row')).toHaveLength(2));
    expect(backend.cohorts).toHaveBeenLastCalledWith({ months: 6 });
    const [june, may] = screen.getAllByTestId('cohort-row');
    expect(within(june).getByTestId('payback')).toHaveTextContent('—');
    expect(within(may).getByTestId('payback')).toHaveTextContent('month 1');
    expect(may).toHaveTextContent('33.33 %');
    expect(screen.getByTestId('ltv-chart').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await user.type(screen.getByTestId('cohorts-affiliate'), 'aff-2');
    await waitFor(() => expect(backend.cohorts).toHaveBeenLastCalledWith({ months: 6, affiliate: 'aff-2' }));
  });

  it('names the cohort amounts in other currencies it could not convert', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    const base = backend.cohorts;
    backend.cohorts = vi.fn(async (q) => ({
      ...(await base(q)),
      unconverted: [{ currency: 'USD', amount: '108.23', amount_micros: '108230000', days: 2, first_day: '2025-05-03', last_day: '2025-06-04' }],
    }));
    renderView(backend);
    await user.click(screen.getByTestId('tab-cohorts'));
    expect(await screen.findByTestId('cohorts-unconverted')).toHaveTextContent('Not converted: 108.23 USD on 2 days (2025-05-03 – 2025-06-04)');
  });

  it('says so when there are no cohorts', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    backend.cohorts = vi.fn(async () => ({
      program: 'Lucky Casino EU', vertical: 'igaming' as const, currency: 'EUR', affiliate: null, last_month: null, cohorts: [], ltv_svg: '', unconverted: [],
    }));
    renderView(backend);
    await user.click(screen.getByTestId('tab-cohorts'));
    expect(await screen.findByTestId('cohorts-empty')).toBeInTheDocument();
  });
});
