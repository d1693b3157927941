// The FX table panel with the fake backend: the empty state, importing a file (its rejected rows listed with
// row, field and reason), adding a rate from the keyboard with validation, sorting and filtering, and a person
// without periods.close who sees but cannot change.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import FxTablePanel from './FxTablePanel.svelte';
import { fakeBackend } from '../test/backend';
import type { FxRateRow } from '../lib/bindings';

const row = (day: string, quote: string, rate: string): FxRateRow => ({
  day, base: 'EUR', quote, rate, source: 'ECB reference rate', recorded_at_ms: 1, recorded_by: 'fiona', superseded: 0,
});
const ROWS = [row('2026-10-02', 'USD', '1.08'), row('2026-10-05', 'USD', '1.0823'), row('2026-10-05', 'JPY', '158.22')];

describe('FxTablePanel', () => {
  it('says what to do when the table is empty', async () => {
    render(FxTablePanel, { props: { backend: fakeBackend() } });
    expect(await screen.findByTestId('fx-empty')).toHaveTextContent('Import the ECB');
  });

  it('imports a file and lists what it rejected with row, field and reason', async () => {
    const user = userEvent.setup();
    const fxImport = vi.fn(async () => ({
      file_name: 'eurofxref-hist.csv', file_sha256: 'a'.repeat(64), rows: 3, days: 2, first_day: '2026-10-02', last_day: '2026-10-05',
      currencies: ['USD', 'JPY'], rates_imported: 3, rates_unchanged: 0, gaps: 1,
      rejected: [{ row: 4, field: 'USD', value: '0', reason: "zero rate '0': a rate is positive" }],
    }));
    const fxList = vi.fn().mockResolvedValueOnce({ rows: [], truncated: false }).mockResolvedValue({ rows: ROWS, truncated: false });
    render(FxTablePanel, { props: { backend: fakeBackend({ fxImport, fxList }) } });
    await user.click(await screen.findByTestId('fx-import'));
    expect(await screen.findByTestId('fx-import-error')).toHaveTextContent('File:');
    expect(fxImport).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('fx-import-path'), '/tmp/eurofxref-hist.csv{Enter}');
    expect(fxImport).toHaveBeenCalledWith({ path: '/tmp/eurofxref-hist.csv' });
    expect(await screen.findByTestId('fx-import-summary')).toHaveTextContent('3 rates imported');
    const rej = screen.getAllByTestId('fx-rejected-row');
    expect(rej[0]).toHaveTextContent('4');
    expect(rej[0]).toHaveTextContent('USD');
    expect(rej[0]).toHaveTextContent('zero rate');
    expect(await screen.findAllByTestId('fx-rate-row')).toHaveLength(3);
  });

  it('adds a rate from the keyboard, refusing a bad one first', async () => {
    const user = userEvent.setup();
    const fxSet = vi.fn(async () => ({ ...row('2026-10-05', 'USD', '1.0830'), source: 'manual', superseded: 1 }));
    render(FxTablePanel, { props: { backend: fakeBackend({ fxSet }) } });
    await user.type(await screen.findByTestId('fx-day'), '2026-10-05');
    await user.type(screen.getByTestId('fx-set-rate'), '0');
    await user.type(screen.getByTestId('fx-set-to'), 'usd{Enter}');
    expect(screen.getByTestId('fx-set-error')).toHaveTextContent('Rate: a rate is positive');
    expect(fxSet).not.toHaveBeenCalled();
    await user.clear(screen.getByTestId('fx-set-rate'));
    await user.type(screen.getByTestId('fx-set-rate'), '1.0830{Enter}');
    expect(fxSet).toHaveBeenCalledWith({ day: '2026-10-05', from: 'EUR', to: 'USD', rate: '1.0830' });
    expect(await screen.findByTestId('fx-set-saved')).toHaveTextContent('supersedes 1 earlier');
  });

  it('sorts rates exactly and filters by pair', async () => {
    const user = userEvent.setup();
    render(FxTablePanel, { props: { backend: fakeBackend({ fxList: vi.fn(async () => ({ rows: ROWS, truncated: false })) }) } });
    const rates = () => screen.getAllByTestId('fx-rate-row').map((r) => within(r).getAllByRole('cell')[2].textContent);
    await screen.findAllByTestId('fx-rate-row');
    await user.click(screen.getByTestId('fx-sort-rate'));
    expect(rates()).toEqual(['158.22', '1.0823', '1.08']);
    await user.type(screen.getByTestId('fx-filter'), 'usd/eur');
    expect(rates()).toEqual(['1.0823', '1.08']);
    await user.clear(screen.getByTestId('fx-filter'));
    await user.type(screen.getByTestId('fx-filter'), 'CHF');
    expect(screen.getByTestId('fx-no-match')).toBeInTheDocument();
  });

  it('lets a person without periods.close see but not change rates', async () => {
    render(FxTablePanel, { props: { backend: fakeBackend(), denied: 'Needs periods.close (finance).' } });
    expect(await screen.findByTestId('fx-import')).toBeDisabled();
    expect(screen.getByTestId('fx-add')).toBeDisabled();
  });
});
