// Reconciliation: the month it opens with, totals, the reason filter, CSV export, opening a dispute (which needs
// a user name), and the period's format check.
import { describe, expect, it } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ReconcileView from './ReconcileView.svelte';
import { fakeBackend } from '../test/backend';

describe('ReconcileView', () => {
  it('reconciles the initial month and filters rows by reason code', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    expect(backend.reconcile).toHaveBeenCalledWith({ period: '2026-10' });
    expect(screen.getByTestId('recon-total')).toHaveTextContent('Affiliate 3');
    expect(screen.getAllByTestId('recon-row')).toHaveLength(2);
    await userEvent.selectOptions(screen.getByTestId('recon-reason'), 'missing_postback');
    const rows = screen.getAllByTestId('recon-row');
    expect(rows.map((r) => r.dataset.reason)).toEqual(['missing_postback']);
    expect(rows[0]).toHaveTextContent('50.00 EUR');
  });

  it('exports CSV and opens a dispute as a named user', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    await userEvent.type(screen.getByTestId('recon-export-path'), '/tmp/r.csv');
    await userEvent.click(screen.getByTestId('recon-export'));
    expect(await screen.findByTestId('recon-message')).toHaveTextContent('Wrote 2 rows to /tmp/r.csv');
    expect(backend.reconcileExportCsv).toHaveBeenCalledWith({ period: '2026-10', reason: undefined }, '/tmp/r.csv');
    const first = screen.getAllByTestId('recon-row')[0];
    await userEvent.click(within(first).getByTestId('recon-dispute'));
    expect(screen.getByTestId('recon-message')).toHaveTextContent('Enter your user name');
    expect(backend.disputeOpen).not.toHaveBeenCalled();
    await userEvent.type(screen.getByTestId('recon-user'), 'ana');
    await userEvent.click(within(first).getByTestId('recon-dispute'));
    await waitFor(() => expect(backend.disputeOpen).toHaveBeenCalledWith({ discrepancy_id: 1, user: 'ana' }));
    expect(within(first).getByTestId('recon-disputed')).toHaveTextContent('case #7');
  });

  it('refuses a malformed month before asking the backend', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    const input = screen.getByTestId('recon-period');
    await userEvent.clear(input);
    await userEvent.type(input, '2026-13');
    expect(screen.getByTestId('recon-period-error')).toBeInTheDocument();
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(backend.reconcile).toHaveBeenCalledTimes(1);
  });
});
