// The Statements screen with the fake backend: the empty state, compute with its busy state and every problem
// listed, the periods list, the affiliate picker, the statement lines (exact sort, "Why?" drill-down), a player's
// qualification checklist, exports and closing a period.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import StatementsView from './StatementsView.svelte';
import type { Backend } from '../lib/api';
import type { ComputeResult } from '../lib/bindings';
import { fakeBackend } from '../test/backend';
import { checklist, computeResult, periodView, statement } from '../test/commission';
import { dashboard, row } from '../test/fixtures';
import { accessContext, accessOf } from '../lib/access';
import { permissionsOf, person } from '../test/people';
import { LINES } from '../test/commission';
import { disputeRow, disputeView } from '../test/disputes';

const TODAY = '2026-03-20';
const PERIODS = [periodView('2026-02', { status: 'closed', result_hash: 'f'.repeat(64), statement_hash: 'e'.repeat(64) }), periodView('2026-03', { result_hash: 'c'.repeat(64) })];

function withPeriods(over: Partial<Backend> = {}) {
  return fakeBackend({
    listPeriods: vi.fn(async () => PERIODS),
    dashboard: vi.fn(async () => dashboard({ rows: [row('aff-2', 'Beta Ads'), row('aff-1', 'Alpha Media')] })),
    ...over,
  });
}

const as = (roles: Parameters<typeof person>[1]) => accessContext(accessOf(person('someone', roles), permissionsOf(roles)));

async function openStatement(user: ReturnType<typeof userEvent.setup>, backend: Backend, roles?: Parameters<typeof person>[1]) {
  render(StatementsView, { props: { backend, today: TODAY }, ...(roles ? { context: as(roles) } : {}) });
  const march = (await screen.findAllByTestId('period-row')).find((r) => r.dataset.period === '2026-03')!;
  await user.click(within(march).getByTestId('open-period'));
  const pick = (await screen.findAllByTestId('pick-affiliate')).find((b) => b.dataset.affiliateId === 'aff-1')!;
  await user.click(pick);
  return screen.findByTestId('statement');
}

describe('StatementsView', () => {
  it('says what to do when there are no periods, and computes the current month from there', async () => {
    const user = userEvent.setup();
    let finish: (r: ComputeResult) => void = () => {};
    const backend = fakeBackend({ computePeriod: vi.fn(() => new Promise<ComputeResult>((resolve) => (finish = resolve))) });
    render(StatementsView, { backend, today: TODAY });
    expect(await screen.findByTestId('periods-empty')).toHaveTextContent('No periods yet — compute the current month');
    await user.click(screen.getByTestId('compute-current'));
    expect(backend.computePeriod).toHaveBeenCalledWith('2026-03');
    // Busy while the engine runs: a progress bar, and Compute cannot be pressed twice.
    expect(screen.getByTestId('computing')).toHaveTextContent('Computing 2026-03');
    expect(screen.getByTestId('compute')).toBeDisabled();
    finish(computeResult());
    const result = await screen.findByTestId('compute-result');
    expect(within(result).getByTestId('compute-hash')).toHaveTextContent('c'.repeat(64));
    expect(within(result).getByTestId('compute-totals')).toHaveTextContent('1,234.56 EUR');
    expect(within(result).getByTestId('compute-entries')).toHaveTextContent('9');
    // Problems are listed, never hidden.
    expect(within(result).getByTestId('compute-problem')).toHaveTextContent('no_plan aff-9: no plan assigned and no program default');
    expect(screen.queryByTestId('computing')).not.toBeInTheDocument();
  });

  it('lists periods newest first with status and hashes; a closed one cannot be computed again', async () => {
    render(StatementsView, { backend: withPeriods(), today: TODAY });
    const rows = await screen.findAllByTestId('period-row');
    expect(rows.map((r) => r.dataset.period)).toEqual(['2026-03', '2026-02']);
    expect(rows[1]).toHaveTextContent('closed');
    expect(within(rows[1]).getByTitle('e'.repeat(64))).toBeInTheDocument();
    expect(within(rows[0]).getByTestId('recompute')).toBeInTheDocument();
    expect(within(rows[1]).queryByTestId('recompute')).not.toBeInTheDocument();
  });

  it('filters the affiliate picker and opens a statement by id when no affiliate matches', async () => {
    const user = userEvent.setup();
    const backend = withPeriods();
    render(StatementsView, { backend, today: TODAY });
    await user.click((await screen.findAllByTestId('open-period'))[0]);
    expect(backend.dashboard).toHaveBeenCalledWith({ from: '2026-03-01', to: '2026-03-31' });
    const ids = async () => (await screen.findAllByTestId('pick-affiliate')).map((b) => b.dataset.affiliateId);
    expect(await ids()).toEqual(['aff-1', 'aff-2']);
    await user.type(screen.getByTestId('affiliate-filter'), 'beta');
    expect(await ids()).toEqual(['aff-2']);
    await user.clear(screen.getByTestId('affiliate-filter'));
    await user.type(screen.getByTestId('affiliate-filter'), 'aff-77');
    await user.click(screen.getByTestId('open-by-id'));
    expect(backend.statement).toHaveBeenCalledWith({ affiliate: 'aff-77', period: '2026-03' });
  });

  it('shows the lines with exact amounts, sorts them exactly, and totals with the hash', async () => {
    const user = userEvent.setup();
    const st = await openStatement(user, withPeriods());
    const keys = () => within(st).getAllByTestId('statement-line').map((r) => r.dataset.lineKey);
    expect(keys()).toEqual(['cpa', 'revshare', 'adjustment', 'sub_affiliate', 'carry_in']);
    const amounts = within(st).getAllByTestId('line-amount');
    expect(amounts[1]).toHaveTextContent('9,007,199,254.740993');
    expect(amounts[1]).toHaveClass('num');
    await user.click(within(st).getByTestId('line-sort-amount'));
    expect(keys()).toEqual(['revshare', 'adjustment', 'cpa', 'sub_affiliate', 'carry_in']);
    expect(within(st).getByTestId('payable')).toHaveTextContent('18,014,398,654.481985 EUR');
    expect(within(st).getByTestId('carried-in')).toHaveTextContent('-50.00');
    expect(within(st).getByTestId('statement-hash')).toHaveTextContent('d'.repeat(64));
    // A late correction names its origin period.
    expect(within(st).getAllByTestId('statement-line')[1]).toHaveTextContent('2026-02');
  });

  it('expands "Why?" into the players and events behind a line; a player opens the checklist', async () => {
    const user = userEvent.setup();
    const backend = withPeriods();
    const st = await openStatement(user, backend);
    const cpa = within(st).getAllByTestId('statement-line')[0];
    const why = within(cpa).getByTestId('why');
    expect(why).toHaveAttribute('aria-expanded', 'false');
    expect(within(st).queryByTestId('drilldown')).not.toBeInTheDocument();
    await user.click(why);
    expect(why).toHaveAttribute('aria-expanded', 'true');
    const drill = within(st).getByTestId('drilldown');
    expect(drill).toHaveTextContent('cpa rule');
    expect(drill).toHaveTextContent('Standard RevShare v2');
    const items = within(drill).getAllByTestId('drill-item');
    expect(items.map((i) => i.dataset.subject)).toEqual(['player-7', 'player-8']);
    const events = within(items[0]).getAllByTestId('drill-event');
    expect(events[1]).toHaveTextContent('deposit');
    expect(events[1]).toHaveTextContent('77');
    expect(events[1]).toHaveTextContent('2026-03-05');
    expect(events[1]).toHaveTextContent('FTD 50.00 EUR');

    await user.click(within(items[0]).getByTestId('drill-player'));
    const panel = await screen.findByTestId('qualification');
    expect(backend.qualification).toHaveBeenCalledWith({ player: 'player-7', period: '2026-03' });
    const criteria = await within(panel).findAllByTestId('criterion');
    expect(criteria.map((c) => c.dataset.name)).toEqual(['first_deposit', 'wagering']);
    expect(criteria[0]).toHaveTextContent('pass');
    expect(criteria[0]).toHaveTextContent('2026-03-05');
    expect(criteria[1]).toHaveTextContent('fail');
    expect(within(panel).getByTestId('qualified-on')).toHaveTextContent('Not qualified as of 2026-03-31');
    // The same click answers "why is this player here?": the attribution explanation beside the checklist.
    expect(backend.explainPlayer).toHaveBeenCalledWith('player-7');
    expect(await screen.findByTestId('explanation-key')).toBeInTheDocument();

    await user.click(why);
    expect(within(st).queryByTestId('drilldown')).not.toBeInTheDocument();
  });

  it('shows sub-affiliates as names (no checklist), carry lines without events, and the note of an organic player', async () => {
    const user = userEvent.setup();
    const backend = withPeriods({
      qualification: vi.fn(async () => checklist({ affiliate_id: null, plan: null, plan_version_no: null, criteria: [], note: 'organic player: no affiliate, no CPA' })),
      explainPlayer: vi.fn(async () => {
        throw { code: 'not_found', message: 'no attribution decision for player player-7' };
      }),
    });
    const st = await openStatement(user, backend);
    const lines = within(st).getAllByTestId('statement-line');
    await user.click(within(lines[3]).getByTestId('why'));
    expect(within(st).getByTestId('drill-item')).toHaveTextContent('aff-child');
    expect(within(st).queryByTestId('drill-player')).not.toBeInTheDocument();
    await user.click(within(lines[4]).getByTestId('why'));
    expect(within(st).getByTestId('drill-empty')).toHaveTextContent('No events behind this line');

    await user.click(within(lines[3]).getByTestId('why'));
    await user.click(within(lines[0]).getByTestId('why'));
    await user.click(within(st).getAllByTestId('drill-player')[0]);
    expect(await screen.findByTestId('qualification-note')).toHaveTextContent('organic player: no affiliate, no CPA');
    // No attribution decision (a broker's client, or not yet attributed): said in words, the checklist stays.
    expect(await screen.findByTestId('attribution-unavailable')).toHaveTextContent('no attribution decision');
  });

  it('exports CSV and the printable statement to the path given', async () => {
    const user = userEvent.setup();
    const backend = withPeriods();
    await openStatement(user, backend);
    expect(screen.getByTestId('statement-export-path')).toHaveValue('statement-aff-1-2026-03.csv');
    await user.click(screen.getByTestId('export-csv'));
    expect(backend.exportStatement).toHaveBeenCalledWith({ affiliate: 'aff-1', period: '2026-03', format: 'csv', path: 'statement-aff-1-2026-03.csv' });
    await user.click(screen.getByTestId('export-html'));
    expect(backend.exportStatement).toHaveBeenLastCalledWith({ affiliate: 'aff-1', period: '2026-03', format: 'html', path: 'statement-aff-1-2026-03.html' });
    expect(await screen.findByTestId('statement-exported')).toHaveTextContent('/data/exports/statement-aff-1-2026-03.html');
    await user.click(screen.getByTestId('export-pdf'));
    expect(backend.exportStatement).toHaveBeenLastCalledWith({ affiliate: 'aff-1', period: '2026-03', format: 'pdf', path: 'statement-aff-1-2026-03.pdf' });
    expect(await screen.findByTestId('statement-exported')).toHaveTextContent('/data/exports/statement-aff-1-2026-03.pdf');
  });

  it('shows each line’s payout state, the payee details in use and the period’s FX snapshot', async () => {
    const user = userEvent.setup();
    const lines = LINES.map((l, i) => (i === 0 ? { ...l, status: 'approved', payout: 'paid (run 3)' } : i === 1 ? { ...l, status: 'approved', payout: 'run 4' } : l));
    const st = await openStatement(
      user,
      withPeriods({
        statement: vi.fn(async () =>
          statement({ lines, payee: 'SEPA DE89 •••• 3000 in EUR, details version 358e5936d5f8', fx_snapshot: ['1 EUR = 1.0842 USD (ECB, 2026-03-31)'] }),
        ),
      }),
    );
    const payouts = within(st).getAllByTestId('line-payout').map((c) => c.textContent?.trim());
    expect(payouts).toEqual(['paid (run 3)', 'run 4', '—', '—', '—']);
    expect(within(st).getByTestId('statement-payee')).toHaveTextContent('SEPA DE89 •••• 3000 in EUR, details version 358e5936d5f8');
    expect(within(st).getByTestId('statement-fx-rate')).toHaveTextContent('1 EUR = 1.0842 USD (ECB, 2026-03-31)');
  });

  it('says when no payee details are approved and no FX rate is recorded', async () => {
    const user = userEvent.setup();
    const st = await openStatement(user, withPeriods());
    expect(within(st).getByTestId('statement-payee')).toHaveTextContent('No approved payee details — propose them on Payouts → Payees');
    expect(within(st).getByTestId('statement-fx')).toHaveTextContent('No rates recorded for 2026-03 yet');
  });

  it('finance approves a line, or rejects one only with a reason, and the statement is read again', async () => {
    const user = userEvent.setup();
    const backend = withPeriods({
      statementLines: vi.fn(async (r) => ({ affiliate_id: r.affiliate, period: r.period, entries_changed: 1, skipped: [] })),
    });
    const st = await openStatement(user, backend, ['finance']);
    const cpa = within(st).getAllByTestId('statement-line')[0];
    await user.click(within(cpa).getByTestId('line-approve'));
    expect(backend.statementLines).toHaveBeenCalledWith({ affiliate: 'aff-1', period: '2026-03', line_key: 'cpa', approve: true, reason: '' });
    expect(await screen.findByTestId('statement-decision')).toHaveTextContent('Approved CPA: 1 ledger entry.');
    expect(backend.statement).toHaveBeenCalledTimes(2);

    const revshare = within(screen.getByTestId('statement')).getAllByTestId('statement-line')[1];
    await user.click(within(revshare).getByTestId('line-reject'));
    expect(within(revshare).getByTestId('line-reject-reason')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(within(revshare).getByTestId('line-decision-error')).toHaveTextContent('Give a reason');
    expect(backend.statementLines).toHaveBeenCalledTimes(1);
    await user.keyboard('duplicate player{Enter}');
    await waitFor(() =>
      expect(backend.statementLines).toHaveBeenLastCalledWith({ affiliate: 'aff-1', period: '2026-03', line_key: 'revshare', approve: false, reason: 'duplicate player' }),
    );
    expect(await screen.findByTestId('statement-decision')).toHaveTextContent('Rejected RevShare');
  });

  it('"Approve all" approves every pending line at once and lists what the core skipped', async () => {
    const user = userEvent.setup();
    const backend = withPeriods({
      statementLines: vi.fn(async (r) => ({ affiliate_id: r.affiliate, period: r.period, entries_changed: 4, skipped: ['entry 9: on hold until 2026-04-30'] })),
    });
    await openStatement(user, backend, ['finance']);
    expect(screen.getByTestId('statement-pending')).toHaveTextContent('5');
    await user.click(screen.getByTestId('approve-all'));
    expect(backend.statementLines).toHaveBeenCalledWith({ affiliate: 'aff-1', period: '2026-03', approve: true, reason: '' });
    expect(await screen.findByTestId('statement-decision')).toHaveTextContent(
      'Approved Alpha Media’s 2026-03 lines: 4 ledger entries; skipped 1: entry 9: on hold until 2026-04-30.',
    );
  });

  it('shows the core’s refusal of a decision beside the line', async () => {
    const user = userEvent.setup();
    const backend = withPeriods({
      statementLines: vi.fn(async () => Promise.reject({ code: 'forbidden', message: "Not allowed: statement_lines needs the permission 'statements.approve'" })),
    });
    const st = await openStatement(user, backend, ['finance']);
    await user.click(within(within(st).getAllByTestId('statement-line')[0]).getByTestId('line-approve'));
    expect(await screen.findByTestId('line-decision-error')).toHaveTextContent('statements.approve');
  });

  it('people who may not approve statements see no decision buttons', async () => {
    const user = userEvent.setup();
    const st = await openStatement(user, withPeriods(), ['viewer']);
    expect(within(st).queryByTestId('line-approve')).toBeNull();
    expect(within(st).queryByTestId('approve-all')).toBeNull();
    expect(within(st).getAllByTestId('line-payout')).toHaveLength(5);
  });

  it('says so when a statement has no lines', async () => {
    const user = userEvent.setup();
    await openStatement(user, withPeriods({ statement: vi.fn(async () => statement({ lines: [] })) }));
    expect(screen.getByTestId('statement-empty')).toHaveTextContent('Nothing for Alpha Media in 2026-03');
  });

  it('closes a period only on the second, confirming press', async () => {
    const user = userEvent.setup();
    const backend = withPeriods();
    render(StatementsView, { backend, today: TODAY });
    const march = (await screen.findAllByTestId('period-row'))[0];
    const close = within(march).getByTestId('close-period');
    await user.click(close);
    expect(backend.closePeriod).not.toHaveBeenCalled();
    expect(close).toHaveTextContent('Confirm: close 2026-03 for good');
    await user.click(close);
    await waitFor(() => expect(backend.closePeriod).toHaveBeenCalledWith('2026-03'));
    expect(backend.listPeriods).toHaveBeenCalledTimes(2);
  });

  it('shows a backend error from compute and stays usable', async () => {
    const user = userEvent.setup();
    const backend = withPeriods({ computePeriod: vi.fn(async () => Promise.reject({ code: 'invalid_input', message: 'period 2026-02 is closed' })) });
    render(StatementsView, { backend, today: TODAY });
    await screen.findAllByTestId('period-row');
    await user.clear(screen.getByTestId('compute-label'));
    await user.type(screen.getByTestId('compute-label'), '2026-02');
    await user.click(screen.getByTestId('compute'));
    expect(await screen.findByTestId('error-message')).toHaveTextContent('period 2026-02 is closed');
    expect(screen.getByTestId('compute')).toBeEnabled();
  });

  it('an analyst opens a dispute about a line, or about a player for the statement’s affiliate, and is shown the case', async () => {
    const user = userEvent.setup();
    const onopencase = vi.fn();
    const backend = withPeriods({ disputeOpen: vi.fn(async (r) => disputeView(disputeRow(r.from === 'player' ? 13 : 12))) });
    render(StatementsView, { props: { backend, today: TODAY, onopencase }, context: as(['analyst']) });
    const march = (await screen.findAllByTestId('period-row')).find((r) => r.dataset.period === '2026-03')!;
    await user.click(within(march).getByTestId('open-period'));
    await user.click((await screen.findAllByTestId('pick-affiliate')).find((b) => b.dataset.affiliateId === 'aff-1')!);
    const st = await screen.findByTestId('statement');
    const cpa = within(st).getAllByTestId('statement-line')[0];
    await user.click(within(cpa).getByTestId('line-dispute'));
    expect(backend.disputeOpen).toHaveBeenCalledWith({ from: 'statement_line', reference: cpa.dataset.lineKey, affiliate: 'aff-1', period: '2026-03', title: '', description: '', amount: '' });
    await waitFor(() => expect(onopencase).toHaveBeenCalledWith(12));

    await user.click(within(cpa).getByTestId('why'));
    await user.click(within(st).getAllByTestId('drill-player')[0]);
    const tools = await screen.findByTestId('player-case-tools');
    expect(within(tools).getByTestId('player-claimant')).toHaveValue('aff-1');
    await user.type(within(tools).getByTestId('player-claim-amount'), '25.00');
    await user.click(within(tools).getByTestId('player-dispute'));
    expect(backend.disputeOpen).toHaveBeenLastCalledWith({ from: 'player', reference: 'player-7', affiliate: 'aff-1', period: '', title: '', description: '', amount: '25.00' });
    await waitFor(() => expect(onopencase).toHaveBeenLastCalledWith(13));
  });

  it('finance sees no dispute buttons on the lines', async () => {
    const user = userEvent.setup();
    await openStatement(user, withPeriods(), ['finance']);
    expect(screen.queryByTestId('line-dispute')).toBeNull();
  });
});
