// The Disputes screen with the fake backend: counts and the SLA, the list (state chips, SLA badges with due date
// and "in N days", unowned cases, amounts as the core wrote them), exact sort, the filters sent to the core
// (unowned as "-", overdue only), search, the empty and filtered-empty states, New case (Enter submits, Escape
// cancels, a field the core refuses named beside it, the new case opened), opening a case from the list and from
// another screen, and what a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DisputesView from './DisputesView.svelte';
import App from '../App.svelte';
import type { Backend, DisputeFilter, DisputesPage } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { disputeRow, disputeView } from '../test/disputes';

const NOW = Date.UTC(2026, 10, 3, 12);
const DAY = 86_400_000;
const ANA = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
const BEN = person('ben', ['analyst'], { display_name: 'Ben Analyst' });
const FIONA = person('fiona', ['finance'], { display_name: 'Fiona Finance' });
const VERA = person('vera', ['viewer']);
const as = (who: typeof ANA) => accessContext(accessOf(who, permissionsOf(who.roles)));

const ROWS = [
  disputeRow(4, { title: 'October is short by 400 EUR', reason: 'manual', opened_from: 'manual', affiliate_id: '2', affiliate_name: 'Nordic Spin Reviews', amount_claimed: '400.00', due_at_ms: NOW + 14 * DAY }),
  disputeRow(2, { title: 'missing_postback: D000102', affiliate_id: '9', affiliate_name: 'Lucky Lane', amount_claimed: '150.00', owner: 'ben', due_at_ms: NOW + DAY, due: 'near_due' }),
  disputeRow(1, { title: 'missing_postback: D000060', affiliate_id: '4', affiliate_name: 'Jackpot Junction', state: 'awaiting_operator', owner: 'ana', amount_claimed: '90.00', due_at_ms: NOW - 2 * DAY - 1, due: 'overdue' }),
  disputeRow(3, { title: 'Deposit of c000075 short', reason: 'amount_mismatch', state: 'partly_accepted', owner: 'ana', amount_claimed: '3.25', granted: '2.00', due: 'resolved' }),
];

function page(rows = ROWS, over: Partial<DisputesPage> = {}): DisputesPage {
  return { rows, open: 3, overdue: 1, sla: '10 business days', ...over };
}

/** The fake list: filters like the core (state, affiliate, owner incl. '-', reason, overdue). */
function listing(rows = ROWS) {
  return vi.fn(async (f: DisputeFilter) =>
    page(
      rows.filter(
        (r) =>
          (!f.state || r.state === f.state) &&
          (!f.affiliate || r.affiliate_id === f.affiliate) &&
          (!f.owner || (f.owner === '-' ? r.owner === '' : r.owner === f.owner)) &&
          (!f.reason || r.reason === f.reason) &&
          (!f.overdue || r.due === 'overdue'),
      ),
    ),
  );
}

function renderView(over: Partial<Backend> = {}, who = ANA, props: Record<string, unknown> = {}) {
  const backend = fakeBackend({ disputesList: listing(), listPeople: vi.fn(async () => [ANA, BEN, FIONA, VERA]), ...over });
  const onnavigate = vi.fn();
  render(DisputesView, { props: { backend, nowMs: NOW, onnavigate, ...props }, context: as(who) });
  return { backend, onnavigate };
}

const ids = () => screen.getAllByTestId('case-row').map((r) => Number(r.dataset.caseId));
const rowOf = (id: number) => screen.getAllByTestId('case-row').find((r) => Number(r.dataset.caseId) === id)!;

describe('DisputesView', () => {
  it('shows the counts, the SLA and each case with its state, SLA badge, owner and amounts', async () => {
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    expect(backend.disputesList).toHaveBeenCalledWith({ overdue: false });
    expect(screen.getByTestId('disputes-open')).toHaveTextContent('3');
    expect(screen.getByTestId('disputes-overdue')).toHaveTextContent('1');
    expect(screen.getByTestId('disputes-sla')).toHaveTextContent('10 business days');
    expect(ids()).toEqual([1, 2, 4, 3]); // soonest due first, decided ones last

    const overdue = rowOf(1);
    expect(within(overdue).getByTestId('case-state')).toHaveTextContent('Awaiting operator');
    expect(within(overdue).getByTestId('sla-badge')).toHaveTextContent('Overdue');
    expect(within(overdue).getByTestId('sla-relative')).toHaveTextContent('2 days late');
    expect(within(rowOf(2)).getByTestId('sla-badge')).toHaveTextContent('Near due');
    expect(within(rowOf(2)).getByTestId('sla-relative')).toHaveTextContent('in 1 day');
    expect(within(rowOf(4)).getByTestId('case-owner')).toHaveTextContent('unowned');
    expect(within(rowOf(4)).getByTestId('case-claimed')).toHaveTextContent('400.00 EUR');
    expect(rowOf(4)).toHaveTextContent('By hand');
    expect(within(rowOf(3)).getByTestId('sla-badge')).toHaveTextContent('Resolved');
    expect(within(rowOf(3)).queryByTestId('sla-due-at')).toBeNull();
    expect(within(rowOf(3)).getByTestId('case-granted')).toHaveTextContent('2.00 EUR');
    expect(within(rowOf(1)).getByTestId('case-granted')).toHaveTextContent('—');
    expect(rowOf(1)).toHaveTextContent('Reconciliation · 2026-10'); // the title says the reason already
    expect(rowOf(3)).toHaveTextContent('Amount mismatch · Reconciliation'); // …this one's does not
  });

  it('sorts by every column, amounts exactly', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('cases-table');
    await user.click(screen.getByTestId('cases-sort-claimed'));
    expect(ids()).toEqual([4, 2, 1, 3]); // 400.00 > 150.00 > 90.00 > 3.25
    await user.click(screen.getByTestId('cases-sort-claimed'));
    expect(ids()).toEqual([3, 1, 2, 4]);
    await user.click(screen.getByTestId('cases-sort-owner'));
    expect(ids()[0]).toBe(4); // unowned first: the one to pick up
    expect(screen.getByTestId('cases-sort-owner').closest('th')).toHaveAttribute('aria-sort', 'ascending');
  });

  it('sends the filters to the core: state, affiliate, unowned as "-", reason, overdue only; search narrows on screen', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    await user.selectOptions(screen.getByTestId('case-filter-owner'), '-');
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith({ overdue: false, owner: '-' }));
    await waitFor(() => expect(ids()).toEqual([4]));
    await user.selectOptions(screen.getByTestId('case-filter-owner'), 'ana');
    await user.click(screen.getByTestId('case-filter-overdue'));
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith({ overdue: true, owner: 'ana' }));
    await waitFor(() => expect(ids()).toEqual([1]));
    // The choices come from every case, whatever the filter.
    const owners = [...screen.getByTestId('case-filter-owner').querySelectorAll('option')].map((o) => o.value);
    expect(owners).toEqual(['', '-', 'ana', 'ben']); // people who may work disputes (not fiona, not vera)
    const reasons = [...screen.getByTestId('case-filter-reason').querySelectorAll('option')].map((o) => o.textContent);
    expect(reasons).toEqual(['Any', 'Amount mismatch', 'By hand', 'Missing postback']);
    await user.click(screen.getByTestId('case-filter-clear'));
    await waitFor(() => expect(ids()).toHaveLength(4));
    await user.selectOptions(screen.getByTestId('case-filter-affiliate'), '9');
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith({ overdue: false, affiliate: '9' }));
    await user.selectOptions(screen.getByTestId('case-filter-affiliate'), '');
    await waitFor(() => expect(ids()).toHaveLength(4));
    await user.type(screen.getByTestId('case-search'), 'short by');
    expect(ids()).toEqual([4]);
    await user.clear(screen.getByTestId('case-search'));
    await user.type(screen.getByTestId('case-search'), 'nothing like it');
    expect(screen.getByTestId('cases-filter-empty')).toHaveTextContent('No case matching “nothing like it”');
  });

  it('says a filter matched nothing, and clears it', async () => {
    const user = userEvent.setup();
    renderView({}, ANA, { initialFilter: { affiliate: '4', state: 'open' } });
    const empty = await screen.findByTestId('cases-filter-empty');
    expect(empty).toHaveTextContent('No case (open, affiliate 4).');
    await user.click(within(empty).getByRole('button', { name: 'Show every case' }));
    await waitFor(() => expect(ids()).toHaveLength(4));
  });

  it('with no case at all, says where cases come from', async () => {
    const user = userEvent.setup();
    const { onnavigate } = renderView({ disputesList: vi.fn(async () => page([], { open: 0, overdue: 0 })) });
    const empty = await screen.findByTestId('cases-empty');
    expect(empty).toHaveTextContent('Open a case from Reconciliation, Flagged traffic, Statements or a player, or by hand with “New case”.');
    await user.click(within(empty).getByRole('button', { name: 'Flagged traffic' }));
    expect(onnavigate).toHaveBeenCalledWith('flags');
  });

  it('opens a case by hand: checks first, Enter submits, the core’s refusal lands on its field, then the case opens', async () => {
    const user = userEvent.setup();
    const disputeOpen = vi
      .fn<Backend['disputeOpen']>()
      .mockRejectedValueOnce({ code: 'not_found', message: "Affiliate: no affiliate '99'" })
      .mockImplementationOnce(async (r) => disputeView(disputeRow(9, { title: r.title, reason: 'manual', opened_from: 'manual' })));
    const { backend } = renderView({ disputeOpen });
    await screen.findByTestId('cases-table');
    await user.click(screen.getByTestId('case-new'));
    const dialog = screen.getByTestId('new-case');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(screen.getByTestId('new-case-affiliate')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('new-case-affiliate-error')).toHaveTextContent('Say whose claim it is');
    expect(screen.getByTestId('new-case-title-error')).toHaveTextContent('Say what the affiliate claims');
    expect(disputeOpen).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('new-case-affiliate'), '99');
    await user.type(screen.getByTestId('new-case-period'), '2026-13');
    await user.type(screen.getByTestId('new-case-title'), 'October is short by 400 EUR{Enter}');
    expect(screen.getByTestId('new-case-period-error')).toHaveTextContent('YYYY-MM');
    await user.clear(screen.getByTestId('new-case-period'));
    await user.type(screen.getByTestId('new-case-period'), '2026-10');
    await user.type(screen.getByTestId('new-case-amount'), '400{Enter}');
    await waitFor(() =>
      expect(disputeOpen).toHaveBeenCalledWith({ from: 'manual', reference: '', affiliate: '99', period: '2026-10', title: 'October is short by 400 EUR', description: '', amount: '400' }),
    );
    expect(await screen.findByTestId('new-case-affiliate-error')).toHaveTextContent("no affiliate '99'");
    await user.clear(screen.getByTestId('new-case-affiliate'));
    await user.type(screen.getByTestId('new-case-affiliate'), '2{Enter}');
    const opened = await screen.findByTestId('dispute-case');
    expect(opened).toHaveAttribute('data-case-id', '9');
    expect(screen.queryByTestId('new-case')).toBeNull();
    expect(backend.disputeShow).toHaveBeenCalledWith(9);
  });

  it('Escape closes the New case dialog and focus returns to its button', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    await user.click(screen.getByTestId('case-new'));
    await user.type(screen.getByTestId('new-case-affiliate'), '4');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('new-case')).toBeNull();
    expect(screen.getByTestId('case-new')).toHaveFocus();
    expect(backend.disputeOpen).not.toHaveBeenCalled();
  });

  it('opens a case from the list and goes back to the list, read again', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    await user.click(within(rowOf(2)).getByTestId('case-open'));
    expect(await screen.findByTestId('dispute-case')).toHaveAttribute('data-case-id', '2');
    expect(screen.queryByTestId('cases-table')).toBeNull();
    const reads = vi.mocked(backend.disputesList).mock.calls.length;
    await user.click(screen.getByTestId('case-back'));
    await screen.findByTestId('cases-table');
    expect(vi.mocked(backend.disputesList).mock.calls.length).toBeGreaterThan(reads);
  });

  it('opens straight on a case handed over by another screen', async () => {
    const { backend } = renderView({}, ANA, { initialCase: 7 });
    expect(await screen.findByTestId('dispute-case')).toHaveAttribute('data-case-id', '7');
    expect(backend.disputeShow).toHaveBeenCalledWith(7);
  });

  it('a viewer reads the cases but may not open one', async () => {
    renderView({}, VERA);
    await screen.findByTestId('cases-table');
    expect(screen.getByTestId('case-new')).toBeDisabled();
    expect(screen.getByTestId('case-new')).toHaveAttribute('title', expect.stringContaining('“disputes.work”'));
  });
});

describe('Disputes in the app', () => {
  it('a case opened on Reconciliation is shown on the Disputes screen; leaving it returns to the list', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ disputesList: listing(), listPeople: vi.fn(async () => [ANA]) });
    render(App, { backend });
    await screen.findByTestId('dashboard');
    await user.click(screen.getByTestId('nav-reconcile'));
    const row = (await screen.findAllByTestId('recon-row'))[0];
    await user.click(within(row).getByTestId('recon-dispute'));
    const opened = await screen.findByTestId('dispute-case');
    expect(opened).toHaveAttribute('data-case-id', '7');
    expect(screen.getByTestId('nav-disputes')).toHaveAttribute('aria-current', 'page');
    await user.click(screen.getByTestId('nav-dashboard'));
    await user.click(screen.getByTestId('nav-disputes'));
    expect(await screen.findByTestId('cases-table')).toBeInTheDocument(); // the list, not the case again
  });

  it('the dashboard’s open cases lead to the list filtered to the affiliate', async () => {
    const user = userEvent.setup();
    const rows = [disputeRow(1, { affiliate_id: 'aff-1', affiliate_name: 'Alpha Media' }), disputeRow(2, { affiliate_id: 'aff-2', affiliate_name: 'bravo partners' })];
    const backend = fakeBackend({ disputesList: listing(rows) });
    render(App, { backend });
    await screen.findAllByTestId('open-cases');
    const alpha = screen.getAllByTestId('affiliate-row').find((r) => r.dataset.affiliateId === 'aff-1')!;
    await user.click(within(alpha).getByTestId('open-cases'));
    await screen.findByTestId('cases-table');
    expect(backend.disputesList).toHaveBeenCalledWith({ overdue: false, affiliate: 'aff-1' });
    expect(screen.getByTestId('case-filter-affiliate')).toHaveValue('aff-1');
    await waitFor(() => expect(ids()).toEqual([1]));
  });
});
