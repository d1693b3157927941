// Reconciliation: the month it opens with, totals, the reason filter, CSV export, opening a dispute (recorded
// under the signed-in person: no name is asked), the period's format check, and what someone who may not
// reconcile or work disputes sees.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ReconcileView from './ReconcileView.svelte';
import { fakeBackend } from '../test/backend';
import { accessContext, accessOf } from '../lib/access';
import { permissionsOf, person } from '../test/people';

const as = (roles: Parameters<typeof person>[1]) => {
  const who = person('someone', roles);
  return accessContext(accessOf(who, permissionsOf(roles)));
};

describe('ReconcileView', () => {
  it('reconciles the month it opens with when asked (not on opening), and filters rows by reason code', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    expect(screen.getByTestId('recon-start')).toHaveTextContent('press Reconcile');
    expect(backend.reconcilePeriod).not.toHaveBeenCalled(); // it writes: never just by opening the screen
    await userEvent.click(screen.getByTestId('recon-apply'));
    await screen.findByTestId('recon-rows');
    expect(backend.reconcilePeriod).toHaveBeenCalledWith({ period: '2026-10' });
    expect(screen.getByTestId('recon-total')).toHaveTextContent('Affiliate 3');
    expect(screen.getAllByTestId('recon-row')).toHaveLength(2);
    await userEvent.selectOptions(screen.getByTestId('recon-reason'), 'missing_postback');
    const rows = screen.getAllByTestId('recon-row');
    expect(rows.map((r) => r.dataset.reason)).toEqual(['missing_postback']);
    expect(rows[0]).toHaveTextContent('50.00 EUR');
  });

  it('exports CSV and opens a dispute, with no name to type', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await userEvent.click(screen.getByTestId('recon-apply'));
    await screen.findByTestId('recon-rows');
    await userEvent.type(screen.getByTestId('recon-export-path'), '/tmp/r.csv');
    await userEvent.click(screen.getByTestId('recon-export'));
    expect(await screen.findByTestId('recon-message')).toHaveTextContent('Wrote 2 rows to /tmp/r.csv');
    expect(backend.reconcileExportCsv).toHaveBeenCalledWith({ query: { period: '2026-10' }, path: '/tmp/r.csv' });
    expect(screen.queryByTestId('recon-user')).toBeNull();
    const first = screen.getAllByTestId('recon-row')[0];
    await userEvent.click(within(first).getByTestId('recon-dispute'));
    await waitFor(() => expect(backend.disputeOpen).toHaveBeenCalledWith({ discrepancy_id: 1 }));
    expect(within(first).getByTestId('recon-disputed')).toHaveTextContent('case #7');
  });

  it('refuses a malformed month before asking the backend', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await userEvent.click(screen.getByTestId('recon-apply'));
    await screen.findByTestId('recon-rows');
    const input = screen.getByTestId('recon-period');
    await userEvent.clear(input);
    await userEvent.type(input, '2026-13');
    expect(screen.getByTestId('recon-period-error')).toBeInTheDocument();
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(backend.reconcilePeriod).toHaveBeenCalledTimes(1);
  });

  it('without reconcile.run says so instead of reconciling, and the button names the permission', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['viewer']) });
    expect(await screen.findByTestId('recon-denied')).toHaveTextContent('reconcile.run');
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(screen.getByTestId('recon-apply')).toHaveAttribute('title', expect.stringContaining('“reconcile.run”'));
    expect(backend.reconcilePeriod).not.toHaveBeenCalled();
  });

  it('finance reconciles but may not open a dispute', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['finance']) });
    await userEvent.click(screen.getByTestId('recon-apply'));
    await screen.findByTestId('recon-rows');
    const dispute = screen.getAllByTestId('recon-dispute')[0];
    expect(dispute).toBeDisabled();
    expect(dispute).toHaveAttribute('title', expect.stringContaining('disputes.work'));
    expect(screen.getByTestId('recon-apply')).toBeEnabled();
  });

  it('a refusal by the core anyway (a role revoked meanwhile) shows its message in the banner', async () => {
    const message = "Not allowed: dispute_open needs the permission 'disputes.work' (open and work disputes)";
    const backend = fakeBackend({
      disputeOpen: vi.fn(async () => {
        throw { code: 'forbidden', message };
      }),
    });
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['analyst']) });
    await userEvent.click(screen.getByTestId('recon-apply'));
    await screen.findByTestId('recon-rows');
    await userEvent.click(screen.getAllByTestId('recon-dispute')[0]);
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('Not allowed.');
    expect(within(banner).getByTestId('error-message')).toHaveTextContent(message);
    expect(within(banner).queryByTestId('retry')).toBeNull(); // retrying cannot help
  });
});
