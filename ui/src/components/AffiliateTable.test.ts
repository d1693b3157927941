import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import AffiliateTable from './AffiliateTable.svelte';
import { row, ROWS, TOTALS } from '../test/fixtures';
import type { AffiliateRow } from '../lib/bindings';

const PERIOD = { from: '2025-06-01', to: '2025-06-30' };

function renderTable(rows: AffiliateRow[] = ROWS) {
  return render(AffiliateTable, { rows, totals: TOTALS, currency: 'EUR', period: PERIOD });
}

const shownIds = () =>
  screen.getAllByTestId('affiliate-row').map((tr) => tr.getAttribute('data-affiliate-id'));

const header = (key: string) => screen.getByTestId(`sort-${key}`).closest('th')!;

describe('AffiliateTable', () => {
  it('defaults to FTD amount descending, exact beyond 2^53 micros', () => {
    renderTable();
    // aff-2 has 9007199254740993 micros, aff-1 9007199254740992: equal as floats, not as money.
    expect(shownIds()).toEqual(['aff-2', 'aff-1', 'aff-3']);
    expect(header('ftd_amount')).toHaveAttribute('aria-sort', 'descending');
    expect(header('clicks')).not.toHaveAttribute('aria-sort');
  });

  it.each([
    ['affiliate', ['aff-1', 'aff-2', 'aff-3'], 'ascending'],
    ['clicks', ['aff-1', 'aff-3', 'aff-2'], 'descending'],
    ['registrations', ['aff-2', 'aff-1', 'aff-3'], 'descending'],
    ['ftds', ['aff-2', 'aff-1', 'aff-3'], 'descending'],
    ['approved_conversions', ['aff-1', 'aff-3', 'aff-2'], 'descending'],
    ['cr_percent', ['aff-2', 'aff-3', 'aff-1'], 'descending'],
  ])('clicking %s sorts by it, clicking again reverses', async (key, first, aria) => {
    const user = userEvent.setup();
    renderTable();
    await user.click(screen.getByTestId(`sort-${key}`));
    expect(shownIds()).toEqual(first);
    expect(header(key)).toHaveAttribute('aria-sort', aria);
    expect(header('ftd_amount')).not.toHaveAttribute('aria-sort');
    await user.click(screen.getByTestId(`sort-${key}`));
    expect(shownIds()).toEqual([...first].reverse());
  });

  it('money column toggles to ascending, still exact', async () => {
    const user = userEvent.setup();
    renderTable();
    await user.click(screen.getByTestId('sort-ftd_amount'));
    expect(shownIds()).toEqual(['aff-3', 'aff-1', 'aff-2']);
    expect(header('ftd_amount')).toHaveAttribute('aria-sort', 'ascending');
  });

  it('headers are keyboard-operable buttons', async () => {
    const user = userEvent.setup();
    renderTable();
    screen.getByTestId('sort-clicks').focus();
    await user.keyboard('{Enter}');
    expect(header('clicks')).toHaveAttribute('aria-sort', 'descending');
    await user.keyboard(' ');
    expect(header('clicks')).toHaveAttribute('aria-sort', 'ascending');
  });

  it('renders grouped numbers and exact money, right-aligned', () => {
    renderTable();
    const tr = screen.getAllByTestId('affiliate-row').find((r) => r.dataset.affiliateId === 'aff-2')!;
    expect(within(tr).getByTestId('ftds')).toHaveTextContent('1,500');
    expect(within(tr).getByTestId('ftds')).toHaveClass('num');
    expect(within(tr).getByTestId('ftd-amount')).toHaveTextContent('9,007,199,254.740993');
    expect(within(tr).getByText('bravo partners')).toBeInTheDocument();
    expect(within(tr).getByText('aff-2')).toBeInTheDocument();
    expect(screen.getByTestId('sort-ftd_amount')).toHaveTextContent('FTD amount (EUR)');
  });

  it('shows a totals row', () => {
    renderTable();
    const totals = screen.getByTestId('totals-row');
    expect(totals).toHaveTextContent('17,900');
    expect(totals).toHaveTextContent('18,014,399,743.981485');
    expect(totals).toHaveTextContent('8.66');
  });

  it('filters by name or id and counts what is shown', async () => {
    const user = userEvent.setup();
    renderTable();
    expect(screen.getByTestId('affiliate-count')).toHaveTextContent('3 of 3 affiliates');
    await user.type(screen.getByTestId('affiliate-filter'), 'CHAR');
    expect(shownIds()).toEqual(['aff-3']);
    expect(screen.getByTestId('affiliate-count')).toHaveTextContent('1 of 3 affiliates');
    await user.clear(screen.getByTestId('affiliate-filter'));
    await user.type(screen.getByTestId('affiliate-filter'), 'aff-1');
    expect(shownIds()).toEqual(['aff-1']);
    await user.type(screen.getByTestId('affiliate-filter'), 'nothing');
    expect(screen.queryAllByTestId('affiliate-row')).toHaveLength(0);
    expect(screen.getByText(/No affiliates match/)).toBeInTheDocument();
    expect(screen.getByTestId('affiliate-count')).toHaveTextContent('0 of 3 affiliates');
  });

  it('shows an empty state naming the period when there are no rows', () => {
    renderTable([]);
    const empty = screen.getByTestId('empty-state');
    expect(empty).toHaveTextContent('No affiliate activity between 2025-06-01 and 2025-06-30');
    expect(empty).toHaveTextContent('Sync now');
    expect(screen.queryByTestId('affiliate-table')).toBeNull();
  });

  it('renders affiliate-supplied names as text, never markup', () => {
    renderTable([row('x', '<img src=x onerror=alert(1)>')]);
    expect(screen.getByText('<img src=x onerror=alert(1)>')).toBeInTheDocument();
    expect(document.querySelector('img')).toBeNull();
  });
});
