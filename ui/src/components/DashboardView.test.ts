import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DashboardView from './DashboardView.svelte';
import { dashboard, ROWS, SVG } from '../test/fixtures';
import { fakeBackend } from '../test/backend';
import type { DashboardAlert } from '../lib/bindings';
import { disputeRow } from '../test/disputes';

function renderView(d = dashboard()) {
  return render(DashboardView, {
    dashboard: d,
    syncing: false,
    progress: null,
    loading: false,
    onapply: vi.fn(),
    onsync: vi.fn(),
  });
}

describe('DashboardView', () => {
  it('shows the header, KPI totals with currency, and the chart as a data: URL image', () => {
    renderView();
    expect(screen.getByTestId('program')).toHaveTextContent('Lucky Casino EU');
    expect(screen.getByText('Europe/Malta')).toBeInTheDocument();
    expect(screen.getByTestId('period')).toHaveTextContent('2025-06-01 – 2025-06-30');
    expect(screen.getByTestId('kpi-clicks')).toHaveTextContent('17,900');
    expect(screen.getByTestId('kpi-ftds')).toHaveTextContent('1,550');
    expect(screen.getByTestId('kpi-approved')).toHaveTextContent('46');
    expect(screen.getByTestId('kpi-cr')).toHaveTextContent('8.66 %');
    expect(screen.getByTestId('kpi-ftd-amount')).toHaveTextContent('18,014,399,743.981485 EUR');

    const img = screen.getByTestId('daily-ftd-chart') as HTMLImageElement;
    expect(img).toHaveAttribute('alt', 'Daily FTDs');
    expect(img.getAttribute('src')).toBe(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(SVG)}`);
    expect(document.querySelector('svg')).toBeNull(); // never inlined
  });

  it('keeps hostile chart labels inside the image URL', () => {
    renderView(dashboard({ daily_ftd_svg: '<svg><script>alert(1)</script><text>"x"</text></svg>' }));
    expect(document.querySelector('script')).toBeNull();
    expect(screen.getByTestId('daily-ftd-chart').getAttribute('src')).not.toContain('<');
  });

  it("shows each affiliate's pixel share, sortable, marks the pixel-heavy ones and warns above the table", async () => {
    const [a, b, c] = ROWS;
    renderView(
      dashboard({
        rows: [
          { ...a, pixel_percent: '75.00' },
          { ...b, pixel_percent: '9.50' },
          { ...c }, // no conversions in the period: no share
        ],
        pixel_warning: 'More than 50 % of conversions arrive by pixel for Alpha Media: move them to S2S postbacks.',
      }),
    );
    expect(screen.getByTestId('dashboard-pixel-warning')).toHaveTextContent('Alpha Media');
    const cells = screen.getAllByTestId('pixel-percent');
    expect(cells.map((c) => c.textContent?.trim())).toEqual(['9.50', '75.00', '—']);
    expect(cells[1]).toHaveClass('pixel-heavy');
    expect(cells[0]).not.toHaveClass('pixel-heavy');
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: /Pixel %/ }));
    const sorted = screen.getAllByTestId('pixel-percent').map((c) => c.textContent?.trim());
    expect([sorted, [...sorted].reverse()]).toContainEqual(['—', '9.50', '75.00']);
  });

  it('has no pixel warning when no affiliate relies on pixels, and nothing unconverted', () => {
    renderView();
    expect(screen.queryByTestId('dashboard-pixel-warning')).toBeNull();
    expect(screen.queryByTestId('dashboard-unconverted')).toBeNull();
  });

  it('says which amounts in other currencies had no FX rate and were left out', () => {
    renderView(
      dashboard({
        unconverted: [
          { currency: 'USD', amount: '1250.50', amount_micros: '1250500000', days: 3, first_day: '2025-06-02', last_day: '2025-06-09' },
        ],
      }),
    );
    const banner = screen.getByTestId('dashboard-unconverted');
    expect(banner).toHaveTextContent('1,250.50 USD on 3 days (2025-06-02 – 2025-06-09)');
    expect(banner).toHaveTextContent('left out of the totals');
  });

  it('shows an empty state for a period without rows', () => {
    renderView(dashboard({ rows: [] }));
    expect(screen.getByTestId('empty-state')).toHaveTextContent(
      'No affiliate activity between 2025-06-01 and 2025-06-30',
    );
  });
});

describe('DashboardView alerts', () => {
  const alert = (over: Partial<DashboardAlert> = {}): DashboardAlert => ({
    program: 'Lucky Casino EU',
    affiliate_id: 'aff-1',
    affiliate_name: 'Alpha',
    open_flags: 3,
    high_flags: 1,
    highest_severity: 'high',
    unreconciled: '120.50',
    currency: 'EUR',
    ...over,
  });

  it("shows each affiliate's open flags, worst severity and unreconciled payout, of this program only", async () => {
    const backend = fakeBackend({
      dashboardAlerts: vi.fn(async () => [
        alert(),
        alert({ affiliate_id: 'aff-2', open_flags: 0, high_flags: 0, highest_severity: '', unreconciled: '0.00' }),
        // Same affiliate id in another program: not this dashboard's.
        alert({ program: 'Demo Broker', affiliate_id: 'aff-3', open_flags: 9 }),
      ]),
    });
    const onopenflags = vi.fn();
    render(DashboardView, {
      dashboard: dashboard(),
      syncing: false,
      progress: null,
      loading: false,
      onapply: vi.fn(),
      onsync: vi.fn(),
      backend,
      onopenflags,
    });
    const cell = (id: string) =>
      within(document.querySelector(`[data-affiliate-id="${id}"]`) as HTMLElement).getByTestId('affiliate-alerts');
    await waitFor(() => expect(cell('aff-1')).toHaveTextContent('3 open flags'));
    expect(within(cell('aff-1')).getByTestId('highest-severity')).toHaveTextContent('high');
    expect(within(cell('aff-1')).getByTestId('unreconciled')).toHaveTextContent('120.50 EUR unreconciled');
    expect(cell('aff-2')).toHaveTextContent('—'); // nothing open, nothing unreconciled
    expect(cell('aff-3')).toHaveTextContent('—'); // the broker's alert is not shown here
    await userEvent.click(within(cell('aff-1')).getByTestId('open-flags'));
    expect(onopenflags).toHaveBeenCalledWith('aff-1');
  });

  it('says when the alerts cannot be read, and still shows the table', async () => {
    const backend = fakeBackend({
      dashboardAlerts: vi.fn(async () => Promise.reject({ code: 'storage', message: 'database is locked' })),
    });
    render(DashboardView, {
      dashboard: dashboard(),
      syncing: false,
      progress: null,
      loading: false,
      onapply: vi.fn(),
      onsync: vi.fn(),
      backend,
    });
    expect(await screen.findByTestId('alerts-error')).toHaveTextContent('database is locked');
    expect(screen.getByTestId('affiliate-table')).toBeInTheDocument();
  });

  it('has no Alerts column without a backend', () => {
    renderView();
    expect(screen.queryByTestId('affiliate-alerts')).toBeNull();
  });

  it('counts each affiliate’s open and overdue dispute cases, leading to the Disputes list filtered to them', async () => {
    const backend = fakeBackend(
      { dashboardAlerts: vi.fn(async () => []) },
      {
        cases: [
          disputeRow(1, { affiliate_id: 'aff-1' }),
          disputeRow(2, { affiliate_id: 'aff-1', due: 'overdue', state: 'investigating' }),
          disputeRow(3, { affiliate_id: 'aff-1', state: 'accepted', due: 'resolved' }),
          disputeRow(4, { affiliate_id: 'aff-2', state: 'awaiting_operator' }),
        ],
      },
    );
    const onopencases = vi.fn();
    render(DashboardView, { dashboard: dashboard(), syncing: false, progress: null, loading: false, onapply: vi.fn(), onsync: vi.fn(), backend, onopencases });
    // The core counts them: no case is read.
    expect(backend.disputesList).toHaveBeenCalledWith({ overdue: false, limit: 0 });
    expect(await vi.mocked(backend.disputesList).mock.results[0].value).toMatchObject({ rows: [], total: 4 });
    const cell = (id: string) =>
      within(document.querySelector(`[data-affiliate-id="${id}"]`) as HTMLElement).getByTestId('affiliate-alerts');
    await waitFor(() => expect(within(cell('aff-1')).getByTestId('open-cases')).toHaveTextContent('2 open cases'));
    expect(within(cell('aff-1')).getByTestId('open-overdue-cases')).toHaveTextContent('1 overdue');
    expect(within(cell('aff-2')).getByTestId('open-cases')).toHaveTextContent('1 open case');
    expect(within(cell('aff-2')).queryByTestId('open-overdue-cases')).toBeNull();
    expect(cell('aff-3')).toHaveTextContent('—');
    await userEvent.click(within(cell('aff-1')).getByTestId('open-overdue-cases'));
    expect(onopencases).toHaveBeenLastCalledWith({ affiliate: 'aff-1', overdue: true });
    await userEvent.click(within(cell('aff-2')).getByTestId('open-cases'));
    expect(onopencases).toHaveBeenLastCalledWith({ affiliate: 'aff-2' });
  });
});
