// Flagged traffic: the queue flag by flag is read from the core a page at a time (each filter, search, order and
// page asks again, from the first row); an empty queue says what to do; running detection shows each rule as it
// starts, then reloads; a flag opens its investigation, and a decision needs a comment (it is recorded under the
// signed-in person, never a typed name); a viewer can read everything but run nothing, an analyst decides.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import FlaggedView from './FlaggedView.svelte';
import type { DetectRunSummary, FlagRow, ProgressHandler } from '../lib/api';
import { FLAG_PAGE } from '../lib/flags';
import { fakeBackend } from '../test/backend';
import { deferred } from '../test/ipc';
import { allowEntry, flagGroup, flagRow, investigation, progress } from '../test/fixtures';
import { accessContext, accessOf } from '../lib/access';
import { permissionsOf, person } from '../test/people';
import { disputeRow, disputeView } from '../test/disputes';

const ANA = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
const VERA = person('vera', ['viewer'], { display_name: 'Vera Viewer' });
const as = (who: typeof ANA) => accessContext(accessOf(who, permissionsOf(who.roles)));

const ids = () => screen.queryAllByTestId('flag-row').map((r) => r.dataset.flagId);
/** The queue opens grouped by affiliate and rule; these tests read it flag by flag (once its first page is in). */
async function eachFlag() {
  await userEvent.click(await screen.findByTestId('queue-each'));
  await screen.findByTestId(/^(flag-table|flags-none-match)$/);
}
const RUN: DetectRunSummary = { run_id: 1, flags_created: 2, flags_updated: 0, flags_superseded: 0, flags_reopened: 0, skipped: false, rules: [] };

describe('FlaggedView', () => {
  it('lists open flags by score, and asks the core again for each filter and order', async () => {
    const backend = fakeBackend(
      {},
      {
        flags: [
          flagRow(1, { score: 40, severity: 'medium', amount_at_stake: '9.00' }),
          flagRow(2, { score: 90, amount_at_stake: '100.00' }),
          flagRow(3, { score: 60, status: 'dismissed', pattern: 'geo_mismatch', rule: 'geo_mismatch' }),
        ],
      },
    );
    render(FlaggedView, { backend, syncGeneration: 0 });
    await eachFlag();
    expect(ids()).toEqual(['2', '1']); // open only, highest score first
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', sort: 'score', descending: true, offset: 0, limit: FLAG_PAGE });
    expect(screen.getByTestId('flag-count')).toHaveTextContent('2 flags');
    expect(screen.queryByTestId('flag-pager')).toBeNull(); // one page
    expect(screen.getByTestId('flag-sort-score').closest('th')).toHaveAttribute('aria-sort', 'descending');
    await userEvent.selectOptions(screen.getByTestId('flag-filter-status'), '');
    await waitFor(() => expect(ids()).toEqual(['2', '3', '1']));
    await userEvent.click(screen.getByTestId('flag-sort-amount')); // largest first: 100.00, 50.00, 9.00
    await waitFor(() => expect(backend.flagsList).toHaveBeenLastCalledWith({ sort: 'amount', descending: true, offset: 0, limit: FLAG_PAGE }));
    expect(ids()).toEqual(['2', '3', '1']);
    expect(screen.getByTestId('flag-sort-amount').closest('th')).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByTestId('flag-sort-score').closest('th')).not.toHaveAttribute('aria-sort');
    await userEvent.click(screen.getByTestId('flag-sort-amount')); // exact decimals, not text ("9.00" < "50.00")
    await waitFor(() => expect(ids()).toEqual(['1', '3', '2']));
    expect(screen.getByTestId('flag-sort-amount').closest('th')).toHaveAttribute('aria-sort', 'ascending');
    await userEvent.selectOptions(screen.getByTestId('flag-filter-pattern'), 'geo_mismatch');
    await waitFor(() => expect(ids()).toEqual(['3']));
    await userEvent.selectOptions(screen.getByTestId('flag-filter-pattern'), '');
    await userEvent.selectOptions(screen.getByTestId('flag-filter-severity'), 'medium');
    await waitFor(() => expect(ids()).toEqual(['1']));
    expect(backend.flagsList).toHaveBeenLastCalledWith({ severity: 'medium', sort: 'amount', descending: false, offset: 0, limit: FLAG_PAGE });
    await userEvent.selectOptions(screen.getByTestId('flag-filter-status'), 'confirmed');
    expect(await screen.findByTestId('flags-none-match')).toHaveTextContent('No flags match these filters.');
  });

  it('reads 100,000 flags a page at a time from the core; an order or a search asks again from the first row', async () => {
    const patterns = ['click_flooding', 'geo_mismatch', 'bonus_abuse'];
    const flags = Array.from({ length: 100_000 }, (_, i) =>
      flagRow(i + 1, { pattern: patterns[i % 3], rule: patterns[i % 3], amount_at_stake: `${(i + 1) % 1000}.00` }),
    );
    const backend = fakeBackend({}, { flags });
    const user = userEvent.setup();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag();
    expect(screen.getAllByTestId('flag-row')).toHaveLength(FLAG_PAGE);
    expect(ids()[0]).toBe('1'); // every score ties: by flag id
    expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 1–200 of 100,000');
    expect(screen.getByTestId('flag-count')).toHaveTextContent('100,000 flags');
    expect(screen.getByTestId('flag-pager')).toHaveAccessibleName('Pages of flags');
    expect(within(screen.getByTestId('flag-filter-pattern')).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'All',
      'bonus abuse',
      'click flooding',
      'geo mismatch',
    ]);
    expect(screen.getByTestId('flag-prev')).toBeDisabled();
    screen.getByTestId('flag-next').focus(); // the pager works from the keyboard
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 201–400 of 100,000'));
    expect(ids()[0]).toBe('201');
    expect(screen.getAllByTestId('flag-row')).toHaveLength(FLAG_PAGE);
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', sort: 'score', descending: true, offset: 200, limit: FLAG_PAGE });
    expect(screen.getByTestId('flag-prev')).toBeEnabled();

    // A sort header asks the core for the new order, from the first row.
    await user.click(screen.getByTestId('flag-sort-amount'));
    await waitFor(() => expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 1–200 of 100,000'));
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', sort: 'amount', descending: true, offset: 0, limit: FLAG_PAGE });
    expect(ids().slice(0, 3)).toEqual(['999', '1999', '2999']); // 999.00 at stake, ties by id
    await user.click(screen.getByTestId('flag-next'));
    await waitFor(() => expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 201–400 of 100,000'));

    // A search asks once typing pauses, from the first row.
    const calls = vi.mocked(backend.flagsList).mock.calls.length;
    await user.type(screen.getByTestId('flag-filter-text'), 'px1');
    await waitFor(() => expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 1–200 of 11,112'));
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', text: 'px1', sort: 'amount', descending: true, offset: 0, limit: FLAG_PAGE });
    expect(backend.flagsList).toHaveBeenCalledTimes(calls + 1); // not once per key
    expect(screen.getAllByTestId('flag-row').every((r) => /PX1/.test(r.textContent ?? ''))).toBe(true);
    expect(screen.getAllByTestId('flag-row')).toHaveLength(FLAG_PAGE);
  });

  it('shows an empty state, and runs detection then reloads', async () => {
    const flags: FlagRow[] = [];
    const backend = fakeBackend(
      {
        detectRun: vi.fn(async () => {
          flags.push(flagRow(5), flagRow(6, { score: 30 }));
          return RUN;
        }),
      },
      { flags },
    );
    render(FlaggedView, { backend, syncGeneration: 0 });
    expect(await screen.findByTestId('flags-empty')).toHaveTextContent('No flags yet');
    await userEvent.click(screen.getByTestId('run-detection'));
    expect(await screen.findByTestId('run-message')).toHaveTextContent('2 new flags');
    await eachFlag();
    expect(ids()).toEqual(['5', '6']);
    expect(backend.detectRun).toHaveBeenCalledTimes(1);
  });

  it('shows each rule of a detection run as it starts, and runs one at a time', async () => {
    const run = deferred<DetectRunSummary>();
    let report: ProgressHandler | undefined;
    const backend = fakeBackend({
      detectRun: vi.fn((onProgress?: ProgressHandler) => {
        report = onProgress;
        return run.promise;
      }),
    });
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await screen.findByTestId('group-table');
    await userEvent.click(screen.getByTestId('run-detection'));
    expect(screen.getByTestId('run-detection')).toBeDisabled();
    expect(screen.getByTestId('run-detection')).toHaveTextContent('Running detection…');
    const starting = screen.getByRole('progressbar', { name: 'Detection progress' });
    expect(starting.closest('.sync-progress')).toHaveTextContent('Starting detection…');

    report!(progress({ step: 'click_injection', done: 0, total: null, steps_done: 2, steps_total: 11, message: 'click injection (3 of 11)' }));
    await waitFor(() => expect(screen.getByRole('progressbar', { name: 'Detection progress' })).toHaveAttribute('value', '2'));
    const bar = screen.getByRole('progressbar', { name: 'Detection progress' });
    expect(bar).toHaveAttribute('max', '11');
    const box = bar.closest<HTMLElement>('.sync-progress')!;
    expect(box).toHaveTextContent('Step 3 of 11');
    expect(within(box).getByTestId('sync-step')).toHaveTextContent(/^click injection$/);
    expect(box).not.toHaveTextContent('rows'); // the rules count no rows
    report!(progress({ step: 'storing_flags', done: 0, total: null, steps_done: 10, steps_total: 11, message: 'storing flags (11 of 11)' }));
    await waitFor(() => expect(screen.getByTestId('sync-step')).toHaveTextContent('storing flags'));
    expect(screen.getByRole('progressbar', { name: 'Detection progress' }).closest('.sync-progress')).toHaveTextContent('Step 11 of 11');
    await userEvent.click(screen.getByTestId('run-detection')); // disabled: still one run
    expect(backend.detectRun).toHaveBeenCalledTimes(1);

    run.resolve(RUN);
    expect(await screen.findByTestId('run-message')).toHaveTextContent('2 new flags');
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Detection progress' })).toBeNull());
    expect(screen.getByTestId('run-detection')).toBeEnabled();
    expect(screen.getByTestId('run-detection')).toHaveTextContent('Run detection');
  });

  it('opens the investigation and records a decision as the signed-in analyst', async () => {
    const backend = fakeBackend();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag();
    const row = screen.getAllByTestId('flag-row').find((r) => r.dataset.flagId === '1')!;
    await userEvent.click(within(row).getByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    await within(panel).findByTestId('timeline');
    expect(backend.flagInvestigate).toHaveBeenCalledWith(1);
    expect(within(panel).getByTestId('evidence')).toHaveTextContent('"ctit_secs": 5');
    expect(within(panel).getByTestId('shared')).toHaveTextContent('PX1, PX2');
    expect(within(panel).getByTestId('ctit-chart')).toHaveAttribute('src', expect.stringMatching(/^data:image\/svg\+xml/));
    const submit = within(panel).getByTestId('decision-submit');
    expect(submit).toBeDisabled(); // a comment is required
    expect(within(panel).queryByTestId('decision-user')).toBeNull();
    expect(within(panel).getByTestId('decision-by')).toHaveTextContent('Recorded as Ana Analyst (ana)');
    await userEvent.type(within(panel).getByTestId('decision-comment'), 'same device ring');
    await userEvent.click(submit);
    await waitFor(() =>
      expect(backend.flagDecide).toHaveBeenCalledWith({ flag_id: 1, decision: 'confirm', comment: 'same device ring' }),
    );
    // Confirmed flags leave the "open" queue: the page is read again where it was.
    await waitFor(() => expect(ids()).toEqual(['2']));
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', sort: 'score', descending: true, offset: 0, limit: FLAG_PAGE });
    await userEvent.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('investigation')).toBeNull());
    await userEvent.selectOptions(screen.getByTestId('flag-filter-status'), 'confirmed');
    await waitFor(() => expect(ids()).toEqual(['1']));
    expect(screen.getAllByTestId('flag-row')[0]).toHaveTextContent('confirmed');
  });

  it('a decision that empties the last page shows the page before it', async () => {
    const flags = Array.from({ length: FLAG_PAGE + 1 }, (_, i) => flagRow(i + 1));
    const backend = fakeBackend({}, { flags });
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag();
    await userEvent.click(screen.getByTestId('flag-next'));
    await waitFor(() => expect(screen.getByTestId('flag-range')).toHaveTextContent('Rows 201–201 of 201'));
    await userEvent.click(screen.getByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    await userEvent.type(within(panel).getByTestId('decision-comment'), 'bot traffic');
    await userEvent.click(within(panel).getByTestId('decision-submit'));
    await waitFor(() => expect(screen.getByTestId('flag-count')).toHaveTextContent('200 flags'));
    expect(screen.getAllByTestId('flag-row')).toHaveLength(FLAG_PAGE);
    expect(screen.queryByTestId('flag-pager')).toBeNull(); // one page left
    expect(backend.flagsList).toHaveBeenLastCalledWith({ status: 'open', sort: 'score', descending: true, offset: 0, limit: FLAG_PAGE });
  });

  it('shows how a flag was revised as data arrived, and a decision taken on an older revision', async () => {
    const flood = flagRow(4, {
      pattern: 'click_flooding',
      status: 'dismissed',
      revision: 2,
      revision_state: 'superseded',
      revision_reason: 'not found on the data stored now: records that arrived later no longer meet the rule',
      decided_revision: 1,
    });
    const backend = fakeBackend(
      {
        flagInvestigate: vi.fn(async () => ({
          ...investigation(flood),
          decisions: [{ decision: 'dismissed', comment: 'looking at it', user: 'ana', decided_at_ms: Date.UTC(2026, 9, 6), revision: 1 }],
          revisions: [
            { revision: 1, state: 'found', severity: 'high', score: 75, summary: '120 clicks with 0 registrations', evidence_json: '{}', items: 120, reason: '', at_ms: Date.UTC(2026, 9, 5) },
            { revision: 2, state: 'superseded', severity: 'high', score: 75, summary: '120 clicks with 0 registrations', evidence_json: '{}', items: 120, reason: flood.revision_reason, at_ms: Date.UTC(2026, 9, 7) },
          ],
        })),
      },
      { flags: [flood] },
    );
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag(); // the open view: a decided flag is not open
    expect(screen.getByTestId('flags-none-match')).toBeInTheDocument();
    await userEvent.selectOptions(screen.getByTestId('flag-filter-status'), 'dismissed');
    const row = (await screen.findAllByTestId('flag-row'))[0]!;
    expect(within(row).getByTestId('flag-revision')).toHaveTextContent('rev 2 · decided on rev 1');
    await userEvent.click(within(row).getByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    const revisions = await within(panel).findByTestId('revisions');
    const states = within(revisions).getAllByRole('row').slice(1).map((r) => r.dataset.state);
    expect(states).toEqual(['found', 'superseded']);
    expect(within(revisions).getAllByRole('row')[1]).toHaveTextContent('ana dismissed');
    expect(within(panel).getByTestId('flag-superseded')).toHaveTextContent('no longer meet the rule');
    expect(within(panel).getByTestId('flag-revised-after-decision')).toHaveTextContent('decided on revision 1, now revision 2');
    expect(within(panel).getByTestId('decisions')).toHaveTextContent('dismissed on revision 1: looking at it');
  });

  it('says what a detection run revised, or that nothing had arrived', async () => {
    const backend = fakeBackend({
      detectRun: vi
        .fn()
        .mockResolvedValueOnce({ run_id: 2, flags_created: 1, flags_updated: 3, flags_superseded: 2, flags_reopened: 0, skipped: false, rules: [] })
        .mockResolvedValueOnce({ run_id: 2, flags_created: 0, flags_updated: 0, flags_superseded: 0, flags_reopened: 0, skipped: true, rules: [] }),
    });
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag();
    await userEvent.click(screen.getByTestId('run-detection'));
    expect(await screen.findByTestId('run-message')).toHaveTextContent('1 new, 3 updated with new evidence, 2 superseded (no longer found on all the data) flags.');
    await userEvent.click(screen.getByTestId('run-detection'));
    await waitFor(() => expect(screen.getByTestId('run-message')).toHaveTextContent('Nothing arrived and no setting changed'));
  });

  it('groups the queue by affiliate and rule, and decides a whole group with one comment from the keyboard', async () => {
    const groups = vi
      .fn()
      .mockResolvedValueOnce([
        flagGroup('7', 'click_flooding', [11, 12, 13], { flags: 3, items: 1500, amount_at_stake: '120.00' }),
        flagGroup('8', 'geo_mismatch', [14], { highest_severity: 'low', amount_at_stake: '0.00' }),
      ])
      .mockResolvedValue([flagGroup('8', 'geo_mismatch', [14], { highest_severity: 'low', amount_at_stake: '0.00' })]);
    const backend = fakeBackend({
      flagsGroups: groups,
      flagDecideBulk: vi.fn(async () => ({ decided: 3, unchanged: 0, moved: ['2026-10: -120.00 EUR'] })),
    });
    const user = userEvent.setup();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    const table = await screen.findByTestId('group-table');
    const first = within(table).getAllByTestId('group-row')[0]!;
    expect(first).toHaveAttribute('data-rule', 'click_flooding');
    expect(within(first).getByTestId('group-flags')).toHaveTextContent('3');
    expect(within(first).getByTestId('group-stake')).toHaveTextContent('120.00 EUR');
    expect(screen.getByTestId('group-count')).toHaveTextContent('2 groups · 4 flags');
    expect(groups).toHaveBeenCalledWith({ status: 'open' });
    await user.click(within(first).getByTestId('group-decide'));
    const form = await screen.findByTestId('group-decision-form');
    expect(within(form).getByTestId('group-submit')).toBeDisabled(); // one comment is required
    await user.keyboard('carrier NAT, checked with the operator');
    await user.click(within(form).getByLabelText(/Confirm/));
    await user.click(within(form).getByTestId('group-submit'));
    await waitFor(() =>
      expect(backend.flagDecideBulk).toHaveBeenCalledWith({ flag_ids: [11, 12, 13], decision: 'confirm', comment: 'carrier NAT, checked with the operator' }),
    );
    expect(await screen.findByTestId('group-message')).toHaveTextContent('3 flags of Affiliate 7 (click flooding) confirmed; commission moved 2026-10: -120.00 EUR.');
    await waitFor(() => expect(screen.getAllByTestId('group-row')).toHaveLength(1));
    // "Show flags" opens the group's flags one by one.
    await user.click(screen.getByTestId('group-show'));
    expect(await screen.findByTestId('flag-filter-affiliate')).toHaveTextContent('8');
    expect(screen.getByTestId('flag-filter-pattern')).toHaveValue('geo_mismatch');
  });

  it('allow-lists what made a dismissed flag, suggested from its evidence, and lists and revokes entries', async () => {
    const flood = flagRow(5, {
      rule: 'click_flooding',
      pattern: 'click_flooding',
      status: 'dismissed',
      affiliate_id: '7',
      evidence_json: '{"ip":"100.64.3.9","sub1":"push-12","clicks":300}',
    });
    let added = false;
    const entries = vi.fn(async () => (added ? [allowEntry(7, { value: '100.64.0.0/16', rule: 'click_flooding', flag_id: 5 })] : []));
    const backend = fakeBackend(
      {
        allowlistAdd: vi.fn(async (input) => {
          added = true;
          return allowEntry(7, { ...input, value: '100.64.0.0/16' });
        }),
        allowlistList: entries,
        flagInvestigate: vi.fn(async () => ({
          ...investigation(flood),
          decisions: [{ decision: 'dismissed', comment: 'carrier NAT of the operator', user: 'ana', decided_at_ms: Date.UTC(2026, 9, 6), revision: 1 }],
        })),
      },
      { flags: [flood] },
    );
    const user = userEvent.setup();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(ANA) });
    await eachFlag();
    await user.selectOptions(screen.getByTestId('flag-filter-status'), 'dismissed');
    await user.click(await screen.findByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    await user.click(await within(panel).findByTestId('allow-from-flag-open'));
    const form = within(panel).getByTestId('allow-form');
    expect(within(form).getByTestId('allow-kind')).toHaveValue('ip_range');
    expect(within(form).getByTestId('allow-value')).toHaveValue('100.64.3.9');
    expect(within(form).getByTestId('allow-rule')).toHaveValue('click_flooding');
    expect(within(form).getByTestId('allow-reason')).toHaveValue('carrier NAT of the operator');
    await user.clear(within(form).getByTestId('allow-value'));
    await user.type(within(form).getByTestId('allow-value'), '100.64.0.0/16');
    await user.click(within(form).getByTestId('allow-submit'));
    await waitFor(() =>
      expect(backend.allowlistAdd).toHaveBeenCalledWith({ kind: 'ip_range', value: '100.64.0.0/16', rule: 'click_flooding', reason: 'carrier NAT of the operator', flag_id: 5 }),
    );
    expect(await within(panel).findByTestId('allow-notice')).toHaveTextContent('Allow-listed 100.64.0.0/16 (click flooding)');
    // The screen's allow-list shows the entry; revoking asks why.
    const list = screen.getByTestId('allowlist');
    await within(list).findByTestId('allowlist-table'); // reloaded once the entry was added
    await user.click(within(list).getByTestId('allow-revoke'));
    expect(within(list).getByTestId('allow-revoke-submit')).toBeDisabled();
    await user.type(within(list).getByTestId('allow-revoke-reason'), 'the operator moved the NAT');
    await user.click(within(list).getByTestId('allow-revoke-submit'));
    await waitFor(() => expect(backend.allowlistRevoke).toHaveBeenCalledWith({ id: 7, reason: 'the operator moved the NAT' }));
  });

  it('backtests a rule with changed thresholds and shows what it would hold', async () => {
    const backend = fakeBackend({
      detectBacktest: vi.fn(async () => ({
        rules: [
          {
            rule: 'click_flooding',
            settings_json: '{"min_clicks":50}',
            findings: 3,
            already_flagged: 1,
            affiliates: [{ affiliate_id: '4', affiliate_name: 'Affiliate 4', findings: 3, amount_at_stake: '150.00', currency: 'EUR' }],
            examples: ['300 clicks from IP 1.2.3.4'],
          },
        ],
      })),
    });
    render(FlaggedView, { backend, syncGeneration: 0 });
    await eachFlag();
    await userEvent.click(screen.getByText('Backtest a rule'));
    await userEvent.type(screen.getByTestId('backtest-settings'), 'min_clicks=50{enter}{enter}min_hours=3');
    await userEvent.click(screen.getByTestId('backtest-run'));
    expect(await screen.findByTestId('backtest-affiliate')).toHaveTextContent('150.00 EUR');
    expect(backend.detectBacktest).toHaveBeenCalledWith({ rule: 'click_flooding', settings: ['min_clicks=50', 'min_hours=3'] });
    expect(screen.getByTestId('backtest-result')).toHaveTextContent('3 findings (1 already flagged)');

    await userEvent.click(screen.getByTestId('backtest-save'));
    expect(backend.saveRuleSettings).toHaveBeenCalledWith({ rule: 'click_flooding', settings: ['min_clicks=50', 'min_hours=3'] });
    expect(await screen.findByTestId('backtest-saved')).toHaveTextContent('version 2');
  });

  it('a viewer reads the queue and the evidence but runs, backtests and decides nothing', async () => {
    const backend = fakeBackend();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(VERA) });
    await eachFlag();
    const run = screen.getByTestId('run-detection');
    expect(run).toBeDisabled();
    expect(run).toHaveAttribute('title', expect.stringContaining('“detection.run”'));
    expect(run).toHaveAttribute('title', expect.stringContaining('Vera Viewer is Viewer'));
    expect(screen.getByTestId('backtest-run')).toBeDisabled();
    await userEvent.click(within(screen.getAllByTestId('flag-row')[0]).getByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    await within(panel).findByTestId('timeline');
    expect(within(panel).getByTestId('decision-comment')).toBeDisabled();
    expect(within(panel).getByTestId('decision-submit')).toBeDisabled();
    expect(within(panel).getByTestId('decision-submit')).toHaveAttribute('title', expect.stringContaining('flags.decide'));
    expect(within(panel).getByTestId('decision-by')).toHaveTextContent('flags.decide');
    expect(backend.detectRun).not.toHaveBeenCalled();
  });
  it('opens filtered to the affiliate chosen on the dashboard, and the filter can be cleared', async () => {
    const backend = fakeBackend({}, { flags: [flagRow(1, { affiliate_id: '7' }), flagRow(2, { affiliate_id: '8' })] });
    render(FlaggedView, { backend, syncGeneration: 0, affiliate: '7' });
    await eachFlag();
    expect(ids()).toEqual(['1']);
    expect(backend.flagsList).toHaveBeenCalledWith(expect.objectContaining({ affiliate: '7' }));
    expect(backend.flagsList).not.toHaveBeenCalledWith({ limit: 0 }); // opened flag by flag: no grouped read first
    expect(screen.getByTestId('flag-filter-affiliate')).toHaveTextContent('Affiliate 7');
    await userEvent.click(screen.getByTestId('flag-clear-affiliate'));
    await waitFor(() => expect(ids()).toEqual(['1', '2']));
    expect(screen.queryByTestId('flag-filter-affiliate')).toBeNull();
  });

  it('opens a dispute about a flag from its investigation and shows the case; a viewer may not', async () => {
    const backend = fakeBackend({ disputeOpen: vi.fn(async () => disputeView(disputeRow(11, { reason: 'flag:click_flooding', opened_from: 'flag' }))) });
    const onopencase = vi.fn();
    render(FlaggedView, { props: { backend, syncGeneration: 0, onopencase }, context: as(ANA) });
    await eachFlag();
    await userEvent.click(within(screen.getAllByTestId('flag-row').find((r) => r.dataset.flagId === '2')!).getByTestId('flag-open'));
    const panel = await screen.findByTestId('investigation');
    await userEvent.click(within(panel).getByTestId('flag-dispute'));
    expect(backend.disputeOpen).toHaveBeenCalledWith({ from: 'flag', reference: '2', affiliate: '', period: '', title: '', description: '', amount: '' });
    await waitFor(() => expect(onopencase).toHaveBeenCalledWith(11));
  });

  it('a viewer sees no way to open a dispute from a flag', async () => {
    const backend = fakeBackend();
    render(FlaggedView, { props: { backend, syncGeneration: 0 }, context: as(VERA) });
    await eachFlag();
    await userEvent.click(screen.getAllByTestId('flag-open')[0]);
    const button = await screen.findByTestId('flag-dispute');
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute('title', expect.stringContaining('“disputes.work”'));
  });
});
