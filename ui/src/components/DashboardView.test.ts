import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DashboardView from './DashboardView.svelte';
import { dashboard, SVG } from '../test/fixtures';
import { fakeBackend } from '../test/backend';
import type { DashboardAlert } from '../lib/bindings';

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
});
