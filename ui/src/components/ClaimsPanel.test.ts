// The Claims tab with the fake backend: it opens on the claims as last matched (a read), "Match claims" matches
// again (busy, the request with the affiliate), the reasons as chips with counts that filter the table, exact
// sort, cases opened for every unmatched claim at once or for one (which then shows), the core's refusal shown,
// the empty month, and what someone who may not match or open cases sees.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import ClaimsPanel from './ClaimsPanel.svelte';
import type { Backend, ClaimsReport } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { claimsReport } from '../test/disputes';

const ANA = person('ana', ['analyst']);
const FIONA = person('fiona', ['finance']);
const VERA = person('vera', ['viewer']);
const as = (who: typeof ANA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderPanel(over: Partial<Backend> = {}, who = ANA) {
  const backend = fakeBackend({
    claimsReport: vi.fn(async () => claimsReport()),
    claimsReconcile: vi.fn(async () => claimsReport()),
    ...over,
  });
  const onopencase = vi.fn();
  render(ClaimsPanel, { props: { backend, initialPeriod: '2026-10', onopencase }, context: as(who) });
  return { backend, onopencase };
}

const claimIds = () => screen.getAllByTestId('claim-row').map((r) => Number(r.dataset.claimId));

describe('ClaimsPanel', () => {
  it('opens on the month’s claims as last matched, with the reasons as chips and each claim’s reason, detail and case', async () => {
    const { backend } = renderPanel();
    await screen.findByTestId('claims-table');
    expect(backend.claimsReport).toHaveBeenCalledWith({ period: '2026-10' });
    expect(backend.claimsReconcile).not.toHaveBeenCalled(); // matching writes: only when asked
    expect(screen.getByTestId('claims-source')).toHaveTextContent('as last matched');
    expect(screen.getByTestId('claims-when')).toHaveTextContent('by ana');
    const chips = screen.getAllByTestId('claims-reason');
    expect(chips.map((c) => `${c.dataset.reason} ${within(c).getByTestId('claims-reason-count').textContent}`)).toEqual([
      'unknown 1',
      'other_affiliate 1',
      'missing_postback 1',
      'amount_mismatch 1',
      'confirmed 1',
    ]);
    expect(chips[0]).toHaveAttribute('title', 'Neither the operator nor the tracker knows the player or the click.');
    expect(claimIds()).toEqual([1, 2, 3, 4, 5]);
    const row = (id: number) => screen.getAllByTestId('claim-row').find((r) => Number(r.dataset.claimId) === id)!;
    expect(within(row(3)).getByTestId('claim-reason')).toHaveTextContent('Missing postback');
    expect(row(3)).toHaveTextContent('120.50');
    expect(row(3)).toHaveTextContent('90.00');
    expect(within(row(4)).getByTestId('claim-case')).toHaveTextContent('case #12');
    expect(row(1)).toHaveTextContent('holds');
    expect(row(5)).toHaveTextContent('df96beb6d463d07c');
    expect(screen.getByTestId('claims-open-all')).toHaveTextContent('Open cases for all unmatched (3)');
    expect(screen.getByRole('heading', { name: /Claims of 2026-10 · affiliate 4/ })).toBeInTheDocument();
  });

  it('"Match claims" matches again for the month and affiliate, busy meanwhile', async () => {
    const user = userEvent.setup();
    let finish: (r: ClaimsReport) => void = () => {};
    const { backend } = renderPanel({ claimsReconcile: vi.fn(() => new Promise<ClaimsReport>((r) => (finish = r))) });
    await screen.findByTestId('claims-table');
    await user.type(screen.getByTestId('claims-affiliate'), '4');
    await user.click(screen.getByTestId('claims-match'));
    expect(backend.claimsReconcile).toHaveBeenCalledWith({ period: '2026-10', affiliate: '4' });
    expect(screen.getByTestId('claims-match')).toHaveTextContent('Matching…');
    expect(screen.getByTestId('claims-match')).toBeDisabled();
    finish(claimsReport());
    await waitFor(() => expect(screen.getByTestId('claims-source')).toHaveTextContent('Matched just now'));
  });

  it('a reason chip filters the table; columns sort amounts exactly; the search narrows', async () => {
    const user = userEvent.setup();
    renderPanel();
    await screen.findByTestId('claims-table');
    await user.click(screen.getAllByTestId('claims-reason').find((c) => c.dataset.reason === 'amount_mismatch')!);
    expect(claimIds()).toEqual([2]);
    expect(screen.getByTestId('claims-reason-filter')).toHaveValue('amount_mismatch');
    await user.click(screen.getAllByTestId('claims-reason').find((c) => c.dataset.reason === 'amount_mismatch')!);
    expect(claimIds()).toHaveLength(5);
    await user.click(screen.getByTestId('claims-sort-amount'));
    expect(claimIds()).toEqual([3, 2, 1, 4, 5]); // 120.50, 57.00, 25.00, 25.00, none
    await user.type(screen.getByTestId('claims-search'), 'zzz');
    expect(screen.getByTestId('claims-filter-empty')).toBeInTheDocument();
  });

  it('opens a case for every unmatched claim at once, listing them', async () => {
    const user = userEvent.setup();
    const { backend, onopencase } = renderPanel({ claimsOpenCases: vi.fn(async () => [21, 22, 23]) });
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('claims-open-all'));
    expect(backend.claimsOpenCases).toHaveBeenCalledWith({ period: '2026-10', claims: [] });
    const message = await screen.findByTestId('claims-message');
    expect(message).toHaveTextContent('Opened 3 cases, one per unmatched claim: #21, #22, #23');
    expect(backend.claimsReport).toHaveBeenCalledTimes(2); // read again: the claims now name their cases
    await user.click(within(message).getAllByTestId('claims-opened-case')[1]);
    expect(onopencase).toHaveBeenCalledWith(22);
  });

  it('opens one claim’s case and shows it; a claim the core refuses says why', async () => {
    const user = userEvent.setup();
    const claimsOpenCases = vi
      .fn<Backend['claimsOpenCases']>()
      .mockRejectedValueOnce({ code: 'conflict', message: 'claim 2 already has dispute case 30' })
      .mockResolvedValueOnce([31]);
    const { onopencase } = renderPanel({ claimsOpenCases });
    await screen.findByTestId('claims-table');
    const row2 = screen.getAllByTestId('claim-row').find((r) => r.dataset.claimId === '2')!;
    await user.click(within(row2).getByTestId('claim-open-case'));
    expect(claimsOpenCases).toHaveBeenCalledWith({ period: '2026-10', claims: [2] });
    expect(await screen.findByTestId('error-message')).toHaveTextContent('claim 2 already has dispute case 30');
    await user.click(within(screen.getAllByTestId('claim-row').find((r) => r.dataset.claimId === '3')!).getByTestId('claim-open-case'));
    await waitFor(() => expect(onopencase).toHaveBeenCalledWith(31));
  });

  it('a month never matched says so, and how to get claims', async () => {
    renderPanel({ claimsReport: vi.fn(async () => claimsReport({ rows: [], reasons: [], matched_at_ms: null, matched_by: '' })) });
    const empty = await screen.findByTestId('claims-empty');
    expect(empty).toHaveTextContent('No claims matched for 2026-10 yet.');
    expect(empty).toHaveTextContent('preset “Claims”');
    expect(screen.getByTestId('claims-source')).toHaveTextContent('have not been matched yet. Press “Match claims”.');
  });

  it('finance may match but not open cases; a viewer does neither', async () => {
    renderPanel({}, FIONA);
    await screen.findByTestId('claims-table');
    expect(screen.getByTestId('claims-match')).toBeEnabled();
    expect(screen.getByTestId('claims-open-all')).toBeDisabled();
    expect(screen.getAllByTestId('claim-open-case')[0]).toHaveAttribute('title', expect.stringContaining('“disputes.work”'));
  });

  it('a viewer reads the claims only', async () => {
    renderPanel({}, VERA);
    await screen.findByTestId('claims-table');
    expect(screen.getByTestId('claims-match')).toBeDisabled();
    expect(screen.getByTestId('claims-match')).toHaveAttribute('title', expect.stringContaining('“reconcile.run”'));
  });
});
