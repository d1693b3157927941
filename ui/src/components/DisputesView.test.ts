// The Disputes screen with the fake backend: counts and the SLA, the list (state chips, SLA badges with due date
// and "in N days", unowned cases, amounts as the core wrote them), exact sort, the filters and the search sent to
// the core (unowned as "-", overdue only), 100,000 cases a page at a time, the empty and filtered-empty states, New case (Enter submits, Escape
// cancels, a field the core refuses named beside it, the new case opened), opening a case from the list and from
// another screen, and what a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DisputesView from './DisputesView.svelte';
import App from '../App.svelte';
import type { Backend, DisputeFilter, DisputeRow } from '../lib/api';
import { CASE_PAGE } from '../lib/disputes';
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

/** What the list asks the core: the first page, soonest due first, with these filters. */
function query(over: Partial<DisputeFilter> = {}): DisputeFilter {
  return { overdue: false, ...over, sort: 'due', descending: false, offset: 0, limit: CASE_PAGE };
}

/** The screen over the fake core's list of `cases` (it filters, searches, orders and pages like the core). */
function renderView(over: Partial<Backend> = {}, who = ANA, props: Record<string, unknown> = {}, cases: readonly DisputeRow[] = ROWS) {
  const backend = fakeBackend({ listPeople: vi.fn(async () => [ANA, BEN, FIONA, VERA]), ...over }, { cases });
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
    expect(backend.disputesList).toHaveBeenCalledWith(query());
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

  it('sorts by every column in the core, amounts exactly', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    await user.click(screen.getByTestId('cases-sort-claimed'));
    await waitFor(() => expect(ids()).toEqual([4, 2, 1, 3])); // 400.00 > 150.00 > 90.00 > 3.25
    expect(backend.disputesList).toHaveBeenLastCalledWith({ ...query(), sort: 'claimed', descending: true });
    await user.click(screen.getByTestId('cases-sort-claimed'));
    await waitFor(() => expect(ids()).toEqual([3, 1, 2, 4]));
    await user.click(screen.getByTestId('cases-sort-owner'));
    await waitFor(() => expect(ids()[0]).toBe(4)); // unowned first: the one to pick up
    expect(screen.getByTestId('cases-sort-owner').closest('th')).toHaveAttribute('aria-sort', 'ascending');
  });

  it('sends the filters and the search to the core: state, affiliate, unowned as "-", reason, overdue only, text', async () => {
    const user = userEvent.setup();
    const { backend } = renderView();
    await screen.findByTestId('cases-table');
    await user.selectOptions(screen.getByTestId('case-filter-owner'), '-');
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith(query({ owner: '-' })));
    await waitFor(() => expect(ids()).toEqual([4]));
    await user.selectOptions(screen.getByTestId('case-filter-owner'), 'ana');
    await user.click(screen.getByTestId('case-filter-overdue'));
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith(query({ overdue: true, owner: 'ana' })));
    await waitFor(() => expect(ids()).toEqual([1]));
    // The choices come from every case, whatever the filter.
    const owners = [...screen.getByTestId('case-filter-owner').querySelectorAll('option')].map((o) => o.value);
    expect(owners).toEqual(['', '-', 'ana', 'ben']); // people who may work disputes (not fiona, not vera)
    const reasons = [...screen.getByTestId('case-filter-reason').querySelectorAll('option')].map((o) => o.textContent);
    expect(reasons).toEqual(['Any', 'Amount mismatch', 'By hand', 'Missing postback']);
    await user.click(screen.getByTestId('case-filter-clear'));
    await waitFor(() => expect(ids()).toHaveLength(4));
    await user.selectOptions(screen.getByTestId('case-filter-affiliate'), '9');
    await waitFor(() => expect(backend.disputesList).toHaveBeenCalledWith(query({ affiliate: '9' })));
    await user.selectOptions(screen.getByTestId('case-filter-affiliate'), '');
    await waitFor(() => expect(ids()).toHaveLength(4));
    await user.type(screen.getByTestId('case-search'), 'short by');
    await waitFor(() => expect(ids()).toEqual([4]));
    expect(backend.disputesList).toHaveBeenLastCalledWith(query({ text: 'short by' }));
    await user.clear(screen.getByTestId('case-search'));
    await user.type(screen.getByTestId('case-search'), 'nothing like it');
    expect(await screen.findByTestId('cases-filter-empty')).toHaveTextContent('No case matching “nothing like it”');
  });

  it('reads 100,000 cases a page at a time from the core; an order or a search asks again from the first row', async () => {
    const cases = Array.from({ length: 100_000 }, (_, i) =>
      disputeRow(i + 1, { affiliate_id: `a${i % 50}`, affiliate_name: `Affiliate ${i % 50}`, amount_claimed: `${(i + 1) % 1000}.00` }),
    );
    const user = userEvent.setup();
    const { backend } = renderView({}, ANA, {}, cases);
    await screen.findByTestId('cases-table');
    expect(screen.getAllByTestId('case-row')).toHaveLength(CASE_PAGE);
    expect(ids()[0]).toBe(1); // every due date ties: by case number
    expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 1–200 of 100,000');
    expect(screen.getByTestId('cases-count')).toHaveTextContent('100,000 cases');
    expect(screen.getByTestId('disputes-open')).toHaveTextContent('100,000');
    expect(screen.getByTestId('cases-pager')).toHaveAccessibleName('Pages of cases');
    expect(within(screen.getByTestId('case-filter-affiliate')).getAllByRole('option')).toHaveLength(51); // Any, and the 50
    expect(screen.getByTestId('cases-prev')).toBeDisabled();
    screen.getByTestId('cases-next').focus(); // the pager works from the keyboard
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 201–400 of 100,000'));
    expect(ids()[0]).toBe(201);
    expect(screen.getAllByTestId('case-row')).toHaveLength(CASE_PAGE);
    expect(backend.disputesList).toHaveBeenLastCalledWith({ ...query(), offset: 200 });
    expect(screen.getByTestId('cases-prev')).toBeEnabled();

    // A sort header asks the core for the new order, from the first row.
    await user.click(screen.getByTestId('cases-sort-claimed'));
    await waitFor(() => expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 1–200 of 100,000'));
    expect(backend.disputesList).toHaveBeenLastCalledWith({ ...query(), sort: 'claimed', descending: true });
    expect(ids().slice(0, 3)).toEqual([999, 1999, 2999]); // 999.00 claimed, ties by case number
    expect(screen.getByTestId('cases-sort-claimed').closest('th')).toHaveAttribute('aria-sort', 'descending');
    await user.click(screen.getByTestId('cases-next'));
    await waitFor(() => expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 201–400 of 100,000'));

    // A search asks once typing pauses, from the first row.
    const calls = vi.mocked(backend.disputesList).mock.calls.length;
    await user.type(screen.getByTestId('case-search'), 'affiliate 7');
    await waitFor(() => expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 1–200 of 2,000'));
    expect(backend.disputesList).toHaveBeenLastCalledWith({ ...query(), text: 'affiliate 7', sort: 'claimed', descending: true });
    expect(backend.disputesList).toHaveBeenCalledTimes(calls + 1); // not once per key
    expect(screen.getAllByTestId('case-row')).toHaveLength(CASE_PAGE);
    expect(screen.getAllByTestId('case-row').every((r) => r.dataset.affiliateId === 'a7')).toBe(true);
    expect(screen.getByTestId('cases-count')).toHaveTextContent('2,000 cases match');
  });

  it('a page that is gone (its cases moved out of the filter) reads the first page instead of failing', async () => {
    const user = userEvent.setup();
    const cases = Array.from({ length: 250 }, (_, i) => disputeRow(i + 1));
    const { backend } = renderView({}, ANA, {}, cases);
    await screen.findByTestId('cases-table');
    await user.click(screen.getByTestId('cases-next'));
    await waitFor(() => expect(screen.getByTestId('cases-range')).toHaveTextContent('Rows 201–250 of 250'));
    await user.click(within(rowOf(250)).getByTestId('case-open'));
    await screen.findByTestId('dispute-case');
    cases.splice(100); // decided elsewhere meanwhile: 100 cases left
    await user.click(screen.getByTestId('case-back'));
    await waitFor(() => expect(ids()).toHaveLength(100));
    expect(backend.disputesList).toHaveBeenCalledWith({ ...query(), offset: 200 });
    expect(backend.disputesList).toHaveBeenLastCalledWith(query());
    expect(screen.queryByTestId('cases-pager')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
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
    const { onnavigate } = renderView({}, ANA, {}, []);
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
    const backend = fakeBackend({ listPeople: vi.fn(async () => [ANA]) }, { cases: ROWS });
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
    const backend = fakeBackend({}, { cases: rows });
    render(App, { backend });
    await screen.findAllByTestId('open-cases');
    const alpha = screen.getAllByTestId('affiliate-row').find((r) => r.dataset.affiliateId === 'aff-1')!;
    await user.click(within(alpha).getByTestId('open-cases'));
    await screen.findByTestId('cases-table');
    expect(backend.disputesList).toHaveBeenCalledWith(query({ affiliate: 'aff-1' }));
    expect(screen.getByTestId('case-filter-affiliate')).toHaveValue('aff-1');
    await waitFor(() => expect(ids()).toEqual([1]));
  });
});
