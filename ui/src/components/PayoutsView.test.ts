// The Payouts screen with the fake backend: the rules and paying account, the runs table (state chips,
// approvals n/required, totals per currency, exact sort, status filter), the empty state's steps, preparing a run
// (the request, the busy state, the core's "nothing to pay" shown as said), opening a run, the paying account form
// with the core's field errors, and what a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PayoutsView from './PayoutsView.svelte';
import type { Backend } from '../lib/api';
import type { PayoutRunView } from '../lib/payout-types';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { periodView } from '../test/commission';
import { permissionsOf, person } from '../test/people';
import { overview, runView } from '../test/payouts';

const TODAY = '2026-12-04';
const FIONA = person('fiona', ['finance']);
const VERA = person('vera', ['viewer']);
const as = (who: typeof FIONA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderView(over: Partial<Backend> = {}, who = FIONA) {
  const backend = fakeBackend({
    listPeriods: vi.fn(async () => [
      periodView('2026-09', { status: 'closed' }),
      periodView('2026-10', { status: 'closed' }),
      periodView('2026-11', { status: 'open' }),
    ]),
    ...over,
  });
  render(PayoutsView, { props: { backend, today: TODAY }, context: as(who) });
  return backend;
}

const runIds = () => screen.getAllByTestId('run-row').map((r) => Number(r.dataset.runId));

describe('PayoutsView', () => {
  it('shows the rules, the paying account and the runs with chips, approvals, payments and totals per currency', async () => {
    renderView();
    await screen.findByTestId('runs-table');
    expect(screen.getByTestId('payout-rules-summary')).toHaveTextContent('Runs from 10,000 EUR need two approvers');
    expect(screen.getByTestId('payout-rules-summary')).toHaveTextContent('held 3 days');
    expect(screen.getByTestId('payer-current')).toHaveTextContent('Demo Casino Ltd · MT84 •••• 001S · BIC MALTMTMTXXX');
    expect(screen.getByTestId('tab-payees-pending')).toHaveTextContent('1');
    expect(runIds()).toEqual([3, 2, 1]); // newest first
    const [three, two] = screen.getAllByTestId('run-row');
    expect(within(three).getByTestId('run-status')).toHaveTextContent('Awaiting approval');
    expect(within(three).getByTestId('run-approvals')).toHaveTextContent('0/2');
    expect(within(three).getByTestId('run-totals')).toHaveTextContent('12,000.00 EUR');
    expect(within(three).getByTestId('run-totals')).toHaveTextContent('1,090.00 USD');
    expect(within(two).getByTestId('run-status')).toHaveAttribute('data-status', 'cancelled');
    expect(screen.getAllByTestId('runs-chart-bar').map((b) => b.dataset.runId)).toEqual(['1', '3']); // cancelled left out
  });

  it('sorts runs by total exactly and filters them by status', async () => {
    const user = userEvent.setup();
    renderView();
    await screen.findByTestId('runs-table');
    await user.click(screen.getByTestId('runs-sort-total'));
    expect(runIds()).toEqual([3, 2, 1]); // 12000.00 > 10000.00 > 9.50
    await user.click(screen.getByTestId('runs-sort-total'));
    expect(runIds()).toEqual([1, 2, 3]);
    await user.selectOptions(screen.getByTestId('runs-status-filter'), 'paid');
    expect(runIds()).toEqual([1]);
  });

  it('with no runs, says what to do first', async () => {
    const user = userEvent.setup();
    renderView({ payoutsOverview: vi.fn(async () => overview({ runs: [], pending_payees: 0 })) });
    const empty = await screen.findByTestId('runs-empty');
    expect(empty).toHaveTextContent('approve each affiliate’s lines');
    expect(empty).toHaveTextContent('Close the period');
    expect(empty).toHaveTextContent('propose each affiliate’s payment details');
    await user.click(within(empty).getByRole('button', { name: 'Payees' }));
    expect(await screen.findByTestId('payees')).toBeInTheDocument();
  });

  it('prepares a run for a closed period and execution day, busy meanwhile, then opens it', async () => {
    const user = userEvent.setup();
    let finish: (r: PayoutRunView) => void = () => {};
    const backend = renderView({ preparePayoutRun: vi.fn(() => new Promise<PayoutRunView>((resolve) => (finish = resolve))) });
    const form = await screen.findByTestId('prepare-run-form');
    const period = within(form).getByTestId('prepare-period');
    expect([...period.querySelectorAll('option')].map((o) => o.value)).toEqual(['2026-10', '2026-09']); // closed only, newest first
    expect(within(form).getByTestId('prepare-date')).toHaveValue(TODAY);
    await user.clear(within(form).getByTestId('prepare-date'));
    await user.type(within(form).getByTestId('prepare-date'), '2026-12-09{Enter}');
    expect(backend.preparePayoutRun).toHaveBeenCalledWith({ period: '2026-10', execution_date: '2026-12-09' });
    expect(within(form).getByTestId('prepare-submit')).toHaveTextContent('Preparing…');
    expect(within(form).getByTestId('prepare-submit')).toBeDisabled();
    finish(runView({ id: 4 }));
    const detail = await screen.findByTestId('run-detail');
    expect(detail).toHaveAttribute('data-run-id', '4');
    expect(screen.getByTestId('payouts-notice')).toHaveTextContent('Prepared run 4 for 2026-10: 2 payment(s), 728.12 EUR, 1,090.00 USD');
  });

  it('shows the core’s reason when there is nothing to pay, and a bad day beside the field', async () => {
    const user = userEvent.setup();
    const reason = 'nothing to pay for 2026-10 and before: held: 1, 2 (approve statement lines and payee details first; new details wait their hold)';
    const backend = renderView({ preparePayoutRun: vi.fn(async () => Promise.reject({ code: 'conflict', message: reason })) });
    const form = await screen.findByTestId('prepare-run-form');
    await user.clear(within(form).getByTestId('prepare-date'));
    await user.type(within(form).getByTestId('prepare-date'), '9 Dec{Enter}');
    expect(within(form).getByTestId('prepare-date-error')).toHaveTextContent('YYYY-MM-DD');
    expect(backend.preparePayoutRun).not.toHaveBeenCalled();
    await user.clear(within(form).getByTestId('prepare-date'));
    await user.type(within(form).getByTestId('prepare-date'), '2026-12-09{Enter}');
    expect(await within(form).findByTestId('prepare-refused')).toHaveTextContent(`No run prepared. ${reason}`);
    expect(screen.queryByTestId('run-detail')).toBeNull();
  });

  it('says so when no period is closed yet', async () => {
    renderView({ listPeriods: vi.fn(async () => [periodView('2026-11')]) });
    expect(await screen.findByTestId('prepare-no-closed')).toHaveTextContent('close one on the Statements screen');
  });

  it('opens a run from the table', async () => {
    const user = userEvent.setup();
    const backend = renderView();
    await screen.findByTestId('runs-table');
    await user.click(within(screen.getAllByTestId('run-row')[0]).getByTestId('run-open'));
    expect(backend.payoutRun).toHaveBeenCalledWith(3);
    expect(await screen.findByTestId('run-detail')).toHaveAttribute('data-run-id', '3');
    expect(screen.getAllByTestId('run-row')[0]).toHaveAttribute('aria-selected', 'true');
    await user.click(screen.getByTestId('run-close'));
    expect(screen.queryByTestId('run-detail')).toBeNull();
  });

  it('sets the paying account; the core’s refusal of the IBAN lands beside it', async () => {
    const user = userEvent.setup();
    const setPayer = vi
      .fn<Backend['setPayer']>()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'IBAN: The IBAN checksum does not match, so a character is probably mistyped or two are swapped.' })
      .mockImplementationOnce(async (r) => overview({ payer: { name: r.name, iban_masked: 'MT84 •••• 001S', bic: r.bic } }));
    renderView({ payoutsOverview: vi.fn(async () => overview({ payer: null })), setPayer });
    expect(await screen.findByTestId('payer-missing')).toHaveTextContent('set it before exporting');
    await user.click(screen.getByTestId('payer-edit'));
    expect(screen.getByTestId('payer-name')).toHaveFocus();
    await user.type(screen.getByTestId('payer-name'), 'Demo Casino Ltd');
    await user.type(screen.getByTestId('payer-iban'), 'MT84MALT011000012345MTLCAST001X');
    await user.type(screen.getByTestId('payer-bic'), 'MALTMTMTXXX{Enter}');
    expect(await screen.findByTestId('payer-iban-error')).toHaveTextContent('checksum does not match');
    await user.clear(screen.getByTestId('payer-iban'));
    await user.type(screen.getByTestId('payer-iban'), 'MT84MALT011000012345MTLCAST001S{Enter}');
    await waitFor(() => expect(setPayer).toHaveBeenLastCalledWith({ name: 'Demo Casino Ltd', iban: 'MT84MALT011000012345MTLCAST001S', bic: 'MALTMTMTXXX' }));
    expect(await screen.findByTestId('payer-current')).toHaveTextContent('Demo Casino Ltd · MT84 •••• 001S');
    expect(screen.getByTestId('payer-notice')).toHaveTextContent('Paying account set');
  });

  it('a viewer reads everything but may not prepare a run or change the paying account', async () => {
    const backend = renderView({}, VERA);
    await screen.findByTestId('runs-table');
    expect(screen.getByTestId('prepare-submit')).toBeDisabled();
    expect(screen.getByTestId('prepare-submit')).toHaveAttribute('title', expect.stringContaining('“payouts.manage”'));
    expect(screen.getByTestId('payer-edit')).toBeDisabled();
    expect(backend.preparePayoutRun).not.toHaveBeenCalled();
  });
});
