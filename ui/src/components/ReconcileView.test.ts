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
import { progress, reconReport, reconRow } from '../test/fixtures';
import type { ReconQuery, ReconReport, ReconRow } from '../lib/bindings';
import { RECON_PAGE } from '../lib/flags';

/** What the core answers for `q` over a month of `all` rows: the reason filter, then one page. */
function pagedReport(all: ReconRow[], q: ReconQuery): ReconReport {
  const matching = q.reason ? all.filter((r) => r.reason === q.reason) : all;
  const offset = q.offset ?? 0;
  const counts = new Map<string, number>();
  for (const r of all) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  return reconReport({
    period: q.period,
    rows: matching.slice(offset, q.limit === undefined ? undefined : offset + q.limit),
    reasons: [...counts].map(([reason, count]) => ({ reason, count })),
    total_rows: matching.length,
    offset,
  });
}
import type { Backend, ProgressHandler } from '../lib/api';
import { disputeRow, disputeView } from '../test/disputes';

const as = (roles: Parameters<typeof person>[1]) => {
  const who = person('someone', roles);
  return accessContext(accessOf(who, permissionsOf(roles)));
};

describe('ReconcileView', () => {
  it('opens on the month’s stored findings (a read), and filters rows by reason code in the core', async () => {
    const backend = fakeBackend({ reconcileReport: vi.fn(async (q) => pagedReport(reconReport().rows, q)) });
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    expect(backend.reconcileReport).toHaveBeenCalledWith({ period: '2026-10', offset: 0, limit: RECON_PAGE });
    expect(backend.reconcilePeriod).not.toHaveBeenCalled(); // it writes: never just by opening the screen
    expect(screen.getByTestId('recon-source')).toHaveTextContent('as last reconciled');
    expect(screen.getByTestId('recon-total')).toHaveTextContent('Affiliate 3');
    expect(screen.getAllByTestId('recon-row')).toHaveLength(2);
    await userEvent.selectOptions(screen.getByTestId('recon-reason'), 'missing_postback');
    expect(backend.reconcileReport).toHaveBeenLastCalledWith({ period: '2026-10', reason: 'missing_postback', offset: 0, limit: RECON_PAGE });
    await waitFor(() => expect(screen.getAllByTestId('recon-row')).toHaveLength(1));
    const rows = screen.getAllByTestId('recon-row');
    expect(rows.map((r) => r.dataset.reason)).toEqual(['missing_postback']);
    expect(rows[0]).toHaveTextContent('50.00 EUR');
  });

  it('shows a month of 100,000 discrepancies a page at a time, read from the core', async () => {
    const reasons = ['timezone_shift', 'amount_mismatch', 'missing_postback'];
    const all = Array.from({ length: 100_000 }, (_, i) => reconRow(i + 1, reasons[i % 3]));
    const backend = fakeBackend({ reconcileReport: vi.fn(async (q) => pagedReport(all, q)) });
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    expect(screen.getAllByTestId('recon-row')).toHaveLength(RECON_PAGE);
    expect(screen.getByTestId('recon-range')).toHaveTextContent('Rows 1–200 of 100,000');
    expect(screen.getByTestId('recon-reason')).toHaveTextContent('All (100,000)');
    expect(screen.getByTestId('recon-prev')).toBeDisabled();
    await userEvent.click(screen.getByTestId('recon-next'));
    await waitFor(() => expect(screen.getByTestId('recon-range')).toHaveTextContent('Rows 201–400 of 100,000'));
    expect(screen.getAllByTestId('recon-row')[0].dataset.rowId).toBe('201');
    expect(backend.reconcileReport).toHaveBeenLastCalledWith({ period: '2026-10', offset: 200, limit: RECON_PAGE });
    await userEvent.selectOptions(screen.getByTestId('recon-reason'), 'missing_postback');
    await waitFor(() => expect(screen.getByTestId('recon-range')).toHaveTextContent('Rows 1–200 of 33,333'));
    expect(screen.getAllByTestId('recon-row').every((r) => r.dataset.reason === 'missing_postback')).toBe(true);
  });

  it('"Reconcile now" compares the month again (a progress bar meanwhile) and says the findings are recorded', async () => {
    let finish: (r: ReconReport) => void = () => {};
    let report: ProgressHandler = () => {};
    const backend = fakeBackend({
      reconcilePeriod: vi.fn((_q: ReconQuery, onProgress?: ProgressHandler) => {
        report = onProgress ?? report;
        return new Promise<ReconReport>((resolve) => (finish = resolve));
      }),
    });
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    const month = screen.getByTestId('recon-period');
    await userEvent.clear(month);
    await userEvent.type(month, '2026-09');
    await userEvent.click(screen.getByTestId('recon-apply'));
    expect(backend.reconcilePeriod).toHaveBeenCalledWith({ period: '2026-09', offset: 0, limit: RECON_PAGE }, expect.any(Function));
    expect(screen.getByTestId('recon-apply')).toHaveTextContent('Reconciling…');
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(screen.getByLabelText('Reconciliation progress')).toBeInTheDocument();
    expect(screen.getByText('Starting the reconciliation…')).toBeInTheDocument();
    const matching = { step: 'matching', steps_done: 1, steps_total: 6, message: 'Matching FTDs to conversions' };
    report(progress({ ...matching, done: 40_000, total: 154_684 }));
    await waitFor(() => expect(screen.getByTestId('sync-step')).toHaveTextContent('Matching FTDs to conversions'));
    expect(screen.getByText('Step 2 of 6')).toBeInTheDocument();
    expect(screen.getByText('40,000 of 154,684 FTDs')).toBeInTheDocument();
    report(progress({ step: 'storing', steps_done: 4, steps_total: 6, done: 0, total: null, message: 'Storing the findings' }));
    await waitFor(() => expect(screen.getByTestId('sync-step')).toHaveTextContent('Storing the findings'));
    expect(screen.queryByText(/of 154,684 FTDs/)).not.toBeInTheDocument();
    finish(reconReport({ period: '2026-09', rows: [], reasons: [] }));
    expect(await screen.findByTestId('recon-empty')).toHaveTextContent('Tracker and operator agree for 2026-09');
    expect(screen.getByTestId('recon-source')).toHaveTextContent('Reconciled just now');
    expect(screen.getByTestId('recon-apply')).toHaveTextContent('Reconcile now');
    expect(screen.queryByLabelText('Reconciliation progress')).not.toBeInTheDocument();
  });

  it('Show reads another month’s stored findings; an empty stored month says it may not have been reconciled', async () => {
    const backend = fakeBackend({ reconcileReport: vi.fn(async (q) => reconReport({ period: q.period, rows: [], reasons: [] })) });
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    expect(await screen.findByTestId('recon-empty')).toHaveTextContent('Tracker and operator agreed for 2026-10 when it was last reconciled.');
    expect(screen.getByTestId('recon-when')).toHaveTextContent('by ana');
    const month = screen.getByTestId('recon-period');
    await userEvent.clear(month);
    await userEvent.type(month, '2026-08{Enter}');
    await waitFor(() => expect(backend.reconcileReport).toHaveBeenLastCalledWith({ period: '2026-08', offset: 0, limit: RECON_PAGE }));
    expect(backend.reconcilePeriod).not.toHaveBeenCalled();
  });

  it('the export reconciles the month first, with the progress bar, and cannot be pressed twice', async () => {
    let finish: (r: { path: string; rows: number }) => void = () => {};
    let report: ProgressHandler = () => {};
    const backend = fakeBackend({
      reconcileExportCsv: vi.fn((_r, onProgress?: ProgressHandler) => {
        report = onProgress ?? report;
        return new Promise<{ path: string; rows: number }>((resolve) => (finish = resolve));
      }),
    });
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    await userEvent.type(screen.getByTestId('recon-export-path'), '/tmp/r.csv');
    await userEvent.click(screen.getByTestId('recon-export'));
    expect(screen.getByTestId('recon-export')).toHaveTextContent('Exporting…');
    expect(screen.getByTestId('recon-export')).toBeDisabled();
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(screen.getByText('Reconciling the month for the export…')).toBeInTheDocument();
    report(progress({ step: 'matching', steps_done: 1, steps_total: 6, done: 5_000, total: 9_000, message: 'Matching FTDs to conversions' }));
    await waitFor(() => expect(screen.getByText('5,000 of 9,000 FTDs')).toBeInTheDocument());
    finish({ path: '/tmp/r.csv', rows: 9_000 });
    expect(await screen.findByTestId('recon-message')).toHaveTextContent('Wrote 9,000 rows to /tmp/r.csv');
    expect(screen.queryByLabelText('Reconciliation progress')).not.toBeInTheDocument();
    expect(screen.getByTestId('recon-export')).toHaveTextContent('Export CSV');
    expect(backend.reconcileExportCsv).toHaveBeenCalledTimes(1);
  });

  it('exports CSV and opens a dispute, with no name to type', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { backend, initialPeriod: '2026-10' });
    await screen.findByTestId('recon-rows');
    await userEvent.type(screen.getByTestId('recon-export-path'), '/tmp/r.csv');
    await userEvent.click(screen.getByTestId('recon-export'));
    expect(await screen.findByTestId('recon-message')).toHaveTextContent('Wrote 2 rows to /tmp/r.csv');
    expect(backend.reconcileExportCsv).toHaveBeenCalledWith({ query: { period: '2026-10' }, path: '/tmp/r.csv' }, expect.any(Function));
    expect(screen.queryByTestId('recon-user')).toBeNull();
    const first = screen.getAllByTestId('recon-row')[0];
    await userEvent.click(within(first).getByTestId('recon-dispute'));
    await waitFor(() =>
      expect(backend.disputeOpen).toHaveBeenCalledWith({ from: 'discrepancy', reference: '1', affiliate: '', period: '', title: '', description: '', amount: '' }),
    );
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
    expect(screen.getByTestId('recon-show')).toBeDisabled();
    expect(backend.reconcileReport).toHaveBeenCalledTimes(1);
    expect(backend.reconcilePeriod).not.toHaveBeenCalled();
  });

  it('without reconcile.run reads the stored findings but may not reconcile, and the button names the permission', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['viewer']) });
    await screen.findByTestId('recon-rows');
    expect(screen.getByTestId('recon-source')).toHaveTextContent('reconcile.run');
    expect(screen.getByTestId('recon-apply')).toBeDisabled();
    expect(screen.getByTestId('recon-apply')).toHaveAttribute('title', expect.stringContaining('“reconcile.run”'));
    expect(backend.reconcilePeriod).not.toHaveBeenCalled();
  });

  it('finance reconciles but may not open a dispute', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['finance']) });
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
    await screen.findByTestId('recon-rows');
    await userEvent.click(screen.getAllByTestId('recon-dispute')[0]);
    const banner = await screen.findByTestId('error-banner');
    expect(banner).toHaveTextContent('Not allowed.');
    expect(within(banner).getByTestId('error-message')).toHaveTextContent(message);
    expect(within(banner).queryByTestId('retry')).toBeNull(); // retrying cannot help
  });

  it('opening a dispute shows the new case; a discrepancy that has one already leads to it', async () => {
    const onopencase = vi.fn();
    const disputeOpen = vi
      .fn<Backend['disputeOpen']>()
      .mockImplementationOnce(async () => disputeView(disputeRow(7)))
      .mockRejectedValueOnce({ code: 'conflict', message: 'discrepancy 2 already has dispute case 5' });
    const backend = fakeBackend({ disputeOpen });
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10', onopencase }, context: as(['analyst']) });
    await screen.findByTestId('recon-rows');
    const [first, second] = screen.getAllByTestId('recon-row');
    await userEvent.click(within(first).getByTestId('recon-dispute'));
    await waitFor(() => expect(onopencase).toHaveBeenCalledWith(7));
    await userEvent.click(within(second).getByTestId('recon-dispute'));
    const existing = await screen.findByTestId('recon-existing');
    expect(existing).toHaveTextContent('Discrepancy 2 already has dispute case #5');
    expect(screen.queryByTestId('error-banner')).toBeNull();
    await userEvent.click(within(existing).getByTestId('recon-existing-open'));
    expect(onopencase).toHaveBeenLastCalledWith(5);
    await userEvent.click(within(second).getByTestId('recon-disputed'));
    expect(onopencase).toHaveBeenLastCalledWith(5);
  });

  it('has a Claims tab beside tracker vs operator', async () => {
    const backend = fakeBackend();
    render(ReconcileView, { props: { backend, initialPeriod: '2026-10' }, context: as(['analyst']) });
    await screen.findByTestId('recon-rows');
    expect(screen.getByTestId('tab-discrepancies')).toHaveAttribute('aria-selected', 'true');
    await userEvent.click(screen.getByTestId('tab-claims'));
    expect(await screen.findByTestId('claims')).toBeInTheDocument();
    expect(backend.claimsReport).toHaveBeenCalledWith({ period: '2026-10' });
    expect(screen.queryByTestId('recon-rows')).toBeNull();
  });

  it('says when a month has never been reconciled, rather than that it agrees', async () => {
    const backend = fakeBackend({ reconcileReport: vi.fn(async (q) => reconReport({ period: q.period, rows: [], reasons: [], totals: [], reconciled_at_ms: null, reconciled_by: '' })) });
    render(ReconcileView, { props: { backend, initialPeriod: '2026-11' }, context: as(['analyst']) });
    expect(await screen.findByTestId('recon-empty')).toHaveTextContent('2026-11 has not been reconciled yet.');
    expect(screen.getByTestId('recon-source')).toHaveTextContent('2026-11 has never been reconciled. Press “Reconcile now”');
  });
});
