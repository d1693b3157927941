import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import DashboardView from './DashboardView.svelte';
import { dashboard, SVG } from '../test/fixtures';

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
