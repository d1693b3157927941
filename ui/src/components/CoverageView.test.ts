// The Coverage screen: stacked bars sized from the share strings, the sortable table, totals, warning, empty.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import CoverageView from './CoverageView.svelte';
import type { Backend } from '../lib/api';
import { fakeBackend } from '../test/backend';
import { coverageReport } from '../test/fixtures';

function renderView(backend: Backend = fakeBackend(), initialQuery = {}) {
  render(CoverageView, { backend, initialQuery, syncGeneration: 0 });
  return backend;
}

const rowOf = (id: string) =>
  screen.getAllByTestId('coverage-row').find((r) => r.dataset.affiliateId === id)!;

const widths = (bar: HTMLElement) =>
  Object.fromEntries(
    Array.from(bar.querySelectorAll<HTMLElement>('[data-channel]')).map((seg) => [
      seg.dataset.channel,
      seg.style.width,
    ]),
  );

describe('CoverageView', () => {
  it('asks for the period it was opened with', async () => {
    const backend = renderView(fakeBackend(), { from: '2025-06-10', to: '2025-06-20' });
    await screen.findByTestId('coverage-table');
    expect(backend.coverage).toHaveBeenCalledWith({ from: '2025-06-10', to: '2025-06-20' });
    expect(screen.getByTestId('coverage-period')).toHaveTextContent('2025-06-10 – 2025-06-20');
  });

  it('draws one stacked bar per affiliate with widths from the share strings', async () => {
    renderView();
    await screen.findByTestId('coverage-table');
    expect(widths(within(rowOf('aff-1')).getByTestId('coverage-bar'))).toEqual({
      s2s: '12.5%',
      pixel: '87.5%',
      batch: '0%',
      api: '0%',
    });
    expect(widths(within(rowOf('aff-3')).getByTestId('coverage-bar'))).toEqual({
      s2s: '25%',
      pixel: '8.33%',
      batch: '33.33%',
      api: '33.34%',
    });
    // The bar is an image to assistive tech, described by its shares.
    expect(within(rowOf('aff-1')).getByRole('img')).toHaveAccessibleName(
      'S2S 12.50 %, Pixel 87.50 %, Batch 0.00 %, API 0.00 %',
    );
  });

  it('shows shares and grouped counts right-aligned, and a totals row with its own bar', async () => {
    renderView();
    await screen.findByTestId('coverage-table');
    const s2s = within(rowOf('aff-2')).getByTestId('coverage-s2s');
    expect(s2s).toHaveTextContent('100.00 %');
    expect(s2s).toHaveTextContent('1,200');
    expect(s2s).toHaveClass('num');

    const totals = screen.getByTestId('coverage-totals');
    expect(totals).toHaveTextContent('Total (all 3)');
    expect(within(totals).getByTestId('coverage-total')).toHaveTextContent('1,508');
    expect(within(totals).getByTestId('coverage-pixel')).toHaveTextContent('2.12 %');
    expect(widths(within(totals).getByTestId('coverage-bar'))).toEqual({
      s2s: '84.62%',
      pixel: '2.12%',
      batch: '6.63%',
      api: '6.63%',
    });
  });

  it('sorts by conversions by default and by a channel share when its header is clicked', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('coverage-table');
    const ids = () => screen.getAllByTestId('coverage-row').map((r) => r.dataset.affiliateId);
    expect(ids()).toEqual(['aff-2', 'aff-3', 'aff-1']);

    await user.click(screen.getByTestId('sort-pixel'));
    expect(ids()).toEqual(['aff-1', 'aff-3', 'aff-2']);
    expect(screen.getByTestId('sort-pixel').closest('th')).toHaveAttribute('aria-sort', 'descending');
    await user.click(screen.getByTestId('sort-pixel'));
    expect(ids()).toEqual(['aff-2', 'aff-3', 'aff-1']);

    await user.type(screen.getByTestId('coverage-filter'), 'charlie');
    expect(ids()).toEqual(['aff-3']);
    expect(screen.getByTestId('coverage-count')).toHaveTextContent('1 of 3 affiliates');
  });

  it('shows the payout that rests on pixels per affiliate and in total, and sorts by it', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('coverage-table');
    const rows = screen.getAllByTestId('coverage-row');
    const cell = (id: string) => rows.find((r) => r.dataset.affiliateId === id)!.querySelector('[data-testid=coverage-pixel-payout]');
    expect(cell('aff-1')).toHaveTextContent('91.20 %');
    expect(cell('aff-2')).toHaveTextContent('0.00 %');
    expect(screen.getByTestId('coverage-totals').querySelector('[data-testid=coverage-pixel-payout]')).toHaveTextContent('3.10 %');
    await user.click(screen.getByTestId('sort-pixel_payout'));
    expect(screen.getAllByTestId('coverage-row').map((r) => r.dataset.affiliateId)).toEqual(['aff-1', 'aff-3', 'aff-2']);
  });

  it('shows the server warning as a banner', async () => {
    const warning = '1 affiliate gets more than half of its conversions by pixel: Alpha Media.';
    renderView(fakeBackend({ coverage: async () => coverageReport({ warning }) }));
    expect(await screen.findByTestId('coverage-warning')).toHaveTextContent(warning);
  });

  it('has no warning banner when the server sets none', async () => {
    renderView();
    await screen.findByTestId('coverage-table');
    expect(screen.queryByTestId('coverage-warning')).toBeNull();
  });

  it('shows an empty state naming the period', async () => {
    renderView(fakeBackend({ coverage: async () => coverageReport({ rows: [] }) }));
    expect(await screen.findByTestId('coverage-empty')).toHaveTextContent(
      'No conversions between 2025-06-01 and 2025-06-30',
    );
    expect(screen.queryByTestId('coverage-table')).toBeNull();
  });

  it('re-asks for a new period from the picker', async () => {
    const user = userEvent.setup();
    const coverage = vi.fn<Backend['coverage']>(async (q) =>
      coverageReport(q.from && q.to ? { period: { from: q.from, to: q.to } } : {}),
    );
    renderView(fakeBackend({ coverage }));
    await screen.findByTestId('coverage-table');
    const from = screen.getByTestId('period-from');
    await user.clear(from);
    await user.type(from, '2025-06-15{Enter}');
    await waitFor(() => expect(coverage).toHaveBeenLastCalledWith({ from: '2025-06-15', to: '2025-06-30' }));
    await waitFor(() => expect(screen.getByTestId('coverage-period')).toHaveTextContent('2025-06-15 – 2025-06-30'));
  });
});
