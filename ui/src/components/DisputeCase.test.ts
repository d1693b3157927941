// One dispute case with the fake backend: the header (state, SLA, money, where an adjustment lands), the state
// machine, the timeline in words, the moves the core allows (busy, the request, a refusal shown as the core says
// it and the case read again), deciding in a dialog (the amount prefilled, the landing month said before
// confirming, the difference booked, re-attributing a player, reason required, the core's field refusal beside
// its field, Escape), reopening with a reason, assigning, commenting, attaching, the evidence (kinds, pretty
// bodies, raw text as received, hashes copied, the raw view), the evidence pack and outcome statement, and what
// a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import DisputeCase from './DisputeCase.svelte';
import type { Backend, DisputeView } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { disputeRow, evidenceItem, T0, workedView } from '../test/disputes';

const NOW = Date.UTC(2026, 10, 3, 12);
const ANA = person('ana', ['analyst'], { display_name: 'Ana Analyst' });
const BEN = person('ben', ['analyst'], { display_name: 'Ben Analyst' });
const FIONA = person('fiona', ['finance'], { display_name: 'Fiona Finance' });
const VERA = person('vera', ['viewer']);
const as = (who: typeof ANA) => accessContext(accessOf(who, permissionsOf(who.roles)));

/** The case after a change: the worked case with some of its fields replaced. */
const after = (over: Partial<DisputeView['case']>, view: Partial<DisputeView> = {}) => {
  const v = workedView(view);
  return { ...v, case: { ...v.case, ...over } };
};

function renderCase(view: DisputeView = workedView(), over: Partial<Backend> = {}, who = ANA) {
  const backend = fakeBackend({ disputeShow: vi.fn(async () => view), ...over });
  const onback = vi.fn();
  render(DisputeCase, { props: { backend, caseId: view.case.id, nowMs: NOW, people: [ANA, BEN, FIONA, VERA], onback }, context: as(who) });
  return { backend, onback };
}

const loaded = () => screen.findByTestId('case-timeline');

describe('DisputeCase', () => {
  it('shows the case: state, SLA, money, the state machine, the timeline and its facts', async () => {
    renderCase();
    await loaded();
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('#7 missing_postback: D000060');
    expect(screen.getByRole('heading', { level: 2 })).toHaveFocus();
    expect(screen.getByTestId('dispute-case')).toHaveAttribute('data-state', 'awaiting_operator');
    expect(screen.getAllByTestId('case-state')[0]).toHaveTextContent('Awaiting operator');
    expect(screen.getByTestId('sla-badge')).toHaveTextContent('On time');
    expect(screen.getByTestId('sla-relative')).toHaveTextContent('in 12 days');
    expect(screen.getByTestId('case-claimed')).toHaveTextContent('90.00 EUR');
    expect(screen.getByTestId('case-granted')).toHaveTextContent('0.00 EUR');
    expect(screen.getByTestId('case-proposed')).toHaveTextContent('90.00 EUR');
    expect(screen.getByTestId('case-adjustment-period')).toHaveTextContent('2026-10');
    expect(screen.getAllByTestId('case-flow-step').map((s) => `${s.dataset.step}:${s.dataset.state}`)).toEqual([
      'open:done',
      'investigating:next',
      'awaiting_operator:current',
      'decision:next',
    ]);
    const events = screen.getAllByTestId('case-event');
    expect(events.map((e) => e.dataset.event)).toEqual(['opened', 'assigned', 'comment', 'moved']);
    expect(events[1]).toHaveTextContent('ana assigned it to ana');
    expect(within(events[2]).getByTestId('case-event-text')).toHaveTextContent('Asked the operator for the FTD record.');
    expect(events[3]).toHaveTextContent('moved it from Open to Awaiting operator');
    expect(screen.getByTestId('case-owner-select')).toHaveValue('ana');
    expect([...screen.getByTestId('case-owner-select').querySelectorAll('option')].map((o) => o.value)).toEqual(['', 'ana', 'ben']);
    expect(screen.getAllByTestId('case-subject').map((s) => s.textContent?.replace(/\s+/g, ' ').trim())).toEqual(['deposit D000060 raw', 'discrepancy 1', 'player P000073 raw']);
    expect(screen.getByTestId('outcomes-empty')).toHaveTextContent('Accepting would grant 90.00 EUR, booked in 2026-10');
  });

  it('offers the moves the core allows; a move is busy, sent, and the case answers', async () => {
    const user = userEvent.setup();
    let finish: (v: DisputeView) => void = () => {};
    const { backend } = renderCase(workedView(), { disputeMove: vi.fn(() => new Promise<DisputeView>((r) => (finish = r))) });
    await loaded();
    const moves = screen.getAllByTestId('case-move');
    expect(moves.map((m) => `${m.dataset.to}:${m.textContent?.trim()}`)).toEqual(['investigating:Back to investigating']);
    expect(screen.getByTestId('case-resolve')).toHaveTextContent('Decide…');
    expect(screen.queryByTestId('case-reopen')).toBeNull();
    await user.click(moves[0]);
    expect(backend.disputeMove).toHaveBeenCalledWith({ case_id: 7, to: 'investigating', reason: '' });
    expect(screen.getByTestId('case-move')).toHaveTextContent('Moving…');
    expect(screen.getByTestId('case-resolve')).toBeDisabled();
    finish(after({ state: 'investigating' }, { allowed: ['awaiting_operator', 'accepted', 'partly_accepted', 'rejected'] }));
    expect(await screen.findByTestId('case-notice')).toHaveTextContent('Case #7 moved from Awaiting operator to Investigating.');
    expect(screen.getByTestId('dispute-case')).toHaveAttribute('data-state', 'investigating');
    expect(screen.getByTestId('case-move')).toHaveTextContent('Wait for the operator');
  });

  it('a move the core refuses (the case moved on meanwhile) shows its words and reads the case again', async () => {
    const user = userEvent.setup();
    const message = 'case 7 is investigating: it may move to awaiting_operator, accepted, partly_accepted, rejected';
    const disputeShow = vi
      .fn<Backend['disputeShow']>()
      .mockResolvedValueOnce(workedView())
      .mockResolvedValue(after({ state: 'investigating' }, { allowed: ['awaiting_operator', 'accepted', 'partly_accepted', 'rejected'] }));
    renderCase(workedView(), { disputeShow, disputeMove: vi.fn(async () => Promise.reject({ code: 'conflict', message })) });
    await loaded();
    await user.click(screen.getByTestId('case-move'));
    expect(await screen.findByTestId('case-refusal')).toHaveTextContent(message);
    await waitFor(() => expect(screen.getByTestId('dispute-case')).toHaveAttribute('data-state', 'investigating'));
    expect(disputeShow).toHaveBeenCalledTimes(2);
    expect(screen.getByTestId('case-move')).toHaveAttribute('data-to', 'awaiting_operator');
  });

  it('decides in a dialog: the amount is prefilled, the landing month and the booking are said first, reason required', async () => {
    const user = userEvent.setup();
    const disputeResolve = vi
      .fn<Backend['disputeResolve']>()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'Amount: a partial acceptance grants less than the 90.00 claimed' })
      .mockImplementationOnce(async () =>
        after(
          { state: 'accepted', granted: '90.00', due: 'resolved' },
          {
            allowed: ['reopen'],
            outcomes: [{ decision: 'accepted', granted: '90.00', reason: 'operator confirms the FTD', booked_period: '2026-10', ledger_entry: 36, decided_by: 'ana', decided_at_ms: T0 }],
          },
        ),
      );
    const { backend } = renderCase(workedView(), { disputeResolve });
    await loaded();
    await user.click(screen.getByTestId('case-resolve'));
    const dialog = screen.getByTestId('resolve-dialog');
    expect(screen.getByTestId('resolve-amount')).toHaveValue('90.00');
    expect(screen.getByTestId('resolve-amount')).toHaveFocus();
    expect(screen.getByTestId('resolve-decision-accepted')).toBeChecked();
    expect(screen.getByTestId('resolve-landing')).toHaveTextContent('The adjustment will land in 2026-10.');
    expect(screen.getByTestId('resolve-delta')).toHaveTextContent('Books +90.00 EUR as a new pending “Dispute adjustment” line for Jackpot Junction');
    expect(within(dialog).getByTestId('resolve-reattribute').closest('label')).toHaveTextContent('Re-attribute the player P000073 to Jackpot Junction');
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('resolve-reason-error')).toHaveTextContent('Say why');
    expect(screen.getByTestId('resolve-reason')).toHaveFocus();
    expect(disputeResolve).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('resolve-decision-partly_accepted'));
    await user.click(screen.getByTestId('resolve-reason'));
    await user.keyboard('one of two deposits qualifies{Enter}');
    await waitFor(() =>
      expect(disputeResolve).toHaveBeenCalledWith({ case_id: 7, decision: 'partly_accepted', amount: '90.00', reason: 'one of two deposits qualifies', reattribute: false }),
    );
    expect(await screen.findByTestId('resolve-amount-error')).toHaveTextContent('a partial acceptance grants less than the 90.00 claimed');
    expect(screen.getByTestId('resolve-dialog')).toBeInTheDocument();

    await user.click(screen.getByTestId('resolve-decision-accepted'));
    await user.clear(screen.getByTestId('resolve-reason'));
    await user.type(screen.getByTestId('resolve-reason'), 'operator confirms the FTD');
    await user.click(screen.getByTestId('resolve-dialog-submit'));
    await waitFor(() => expect(screen.queryByTestId('resolve-dialog')).toBeNull());
    expect(disputeResolve).toHaveBeenLastCalledWith({ case_id: 7, decision: 'accepted', amount: '90.00', reason: 'operator confirms the FTD', reattribute: false });
    expect(screen.getByTestId('case-notice')).toHaveTextContent('Case #7 is accepted. It grants 90.00 EUR in all; the adjustment is on the 2026-10 statement');
    expect(screen.getByTestId('dispute-case')).toHaveAttribute('data-state', 'accepted');
    expect(screen.getByTestId('case-outcome')).toHaveTextContent('On the 2026-10 statement (ledger entry 36)');
    expect(screen.getByTestId('case-outcome')).toHaveTextContent('“operator confirms the FTD”');
    expect(screen.getByTestId('case-reopen')).toBeEnabled();
    expect(backend.disputeMove).not.toHaveBeenCalled();
  });

  it('says a closed month sends the money to the next one; rejecting books nothing new; re-attributing is sent', async () => {
    const user = userEvent.setup();
    const { backend } = renderCase(workedView({ adjustment_period: '2026-11' }));
    await loaded();
    await user.click(screen.getByTestId('case-resolve'));
    expect(screen.getByTestId('resolve-landing')).toHaveTextContent('The adjustment will land in 2026-11 — 2026-10 is closed, so it goes on the next open month’s statement.');
    await user.click(screen.getByTestId('resolve-decision-rejected'));
    expect(screen.queryByTestId('resolve-amount')).toBeNull();
    expect(screen.queryByTestId('resolve-reattribute')).toBeNull();
    expect(screen.getByTestId('resolve-delta')).toHaveTextContent('Books nothing new');
    await user.click(screen.getByTestId('resolve-decision-accepted'));
    await user.click(screen.getByTestId('resolve-reattribute'));
    await user.clear(screen.getByTestId('resolve-amount'));
    await user.type(screen.getByTestId('resolve-amount'), '25');
    expect(screen.getByTestId('resolve-delta')).toHaveTextContent('Books +25.00 EUR');
    await user.type(screen.getByTestId('resolve-reason'), 'the player came from their link{Enter}');
    await waitFor(() =>
      expect(backend.disputeResolve).toHaveBeenCalledWith({ case_id: 7, decision: 'accepted', amount: '25', reason: 'the player came from their link', reattribute: true }),
    );
  });

  it('Escape closes the decision without deciding', async () => {
    const user = userEvent.setup();
    const { backend } = renderCase();
    await loaded();
    await user.click(screen.getByTestId('case-resolve'));
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('resolve-dialog')).toBeNull();
    expect(screen.getByTestId('case-resolve')).toHaveFocus();
    expect(backend.disputeResolve).not.toHaveBeenCalled();
  });

  it('reopens a decided case only with a reason', async () => {
    const user = userEvent.setup();
    const decided = after({ state: 'accepted', granted: '90.00', due: 'resolved' }, { allowed: ['reopen'] });
    const { backend } = renderCase(decided, {
      disputeMove: vi.fn(async () => after({ state: 'investigating' }, { allowed: ['awaiting_operator', 'accepted', 'partly_accepted', 'rejected'] })),
    });
    await loaded();
    expect(screen.queryByTestId('case-move')).toBeNull();
    expect(screen.queryByTestId('case-resolve')).toBeNull();
    expect(screen.queryByTestId('case-proposed')).toBeNull();
    await user.click(screen.getByTestId('case-reopen'));
    expect(screen.getByTestId('reopen-reason')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('reopen-reason-error')).toHaveTextContent('Say why the case reopens');
    await user.keyboard('the operator found a second deposit{Enter}');
    await waitFor(() => expect(backend.disputeMove).toHaveBeenCalledWith({ case_id: 7, to: 'reopen', reason: 'the operator found a second deposit' }));
    expect(await screen.findByTestId('case-notice')).toHaveTextContent('Case #7 is reopened');
  });

  it('assigns the case; the core’s refusal of an owner is shown beside the field', async () => {
    const user = userEvent.setup();
    const disputeAssign = vi
      .fn<Backend['disputeAssign']>()
      .mockImplementationOnce(async (r) => after({ owner: r.owner }))
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'Owner: ben is deactivated' });
    renderCase(workedView(), { disputeAssign });
    await loaded();
    expect(screen.queryByTestId('case-take')).toBeNull(); // ana owns it
    await user.selectOptions(screen.getByTestId('case-owner-select'), 'ben');
    expect(disputeAssign).toHaveBeenCalledWith({ case_id: 7, owner: 'ben' });
    expect(await screen.findByTestId('case-notice')).toHaveTextContent('Case #7 is assigned to ben.');
    expect(screen.getByTestId('case-owner-select')).toHaveValue('ben');
    await user.click(screen.getByTestId('case-take')); // ana takes it back
    expect(disputeAssign).toHaveBeenLastCalledWith({ case_id: 7, owner: 'ana' });
    expect(await screen.findByTestId('case-owner-error')).toHaveTextContent('ben is deactivated');
  });

  it('comments with Ctrl+Enter; an empty comment is not sent', async () => {
    const user = userEvent.setup();
    const { backend } = renderCase(workedView(), {
      disputeComment: vi.fn(async (r) => {
        const v = workedView();
        return { ...v, events: [...v.events, { at_ms: T0 + 240_000, by: 'ana', event: 'comment', from_state: '', to_state: '', text: r.text }] };
      }),
    });
    await loaded();
    await user.click(screen.getByTestId('case-comment-submit'));
    expect(screen.getByTestId('case-comment-error')).toHaveTextContent('Write the comment first.');
    await user.click(screen.getByTestId('case-comment'));
    await user.keyboard('Operator says the postback failed on their side.{Control>}{Enter}{/Control}');
    await waitFor(() => expect(backend.disputeComment).toHaveBeenCalledWith({ case_id: 7, text: 'Operator says the postback failed on their side.', path: '' }));
    await waitFor(() => expect(screen.getAllByTestId('case-event')).toHaveLength(5));
    expect(screen.getAllByTestId('case-event-text').at(-1)).toHaveTextContent('Operator says the postback failed on their side.');
    expect(screen.getByTestId('case-comment')).toHaveValue('');
  });

  it('attaches a file by path, listing it with size and hash; a file the core cannot open is named beside the path', async () => {
    const user = userEvent.setup();
    const disputeAttach = vi
      .fn<Backend['disputeAttach']>()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'Attachment: cannot open /nope.pdf: No such file or directory (os error 2)' })
      .mockImplementationOnce(async () =>
        workedView({ attachments: [{ id: 1, file_name: 'claims-oct.csv', sha256: 'c1'.repeat(32), bytes: 1536, added_by: 'ana', added_at_ms: T0 }] }),
      );
    renderCase(workedView(), { disputeAttach });
    await loaded();
    expect(screen.getByTestId('attachments-empty')).toBeInTheDocument();
    await user.type(screen.getByTestId('attach-path'), '/nope.pdf{Enter}');
    expect(disputeAttach).toHaveBeenCalledWith({ case_id: 7, text: '', path: '/nope.pdf' });
    expect(await screen.findByTestId('attach-error')).toHaveTextContent('cannot open /nope.pdf: No such file or directory');
    await user.clear(screen.getByTestId('attach-path'));
    await user.type(screen.getByTestId('attach-path'), '/in/claims-oct.csv{Enter}');
    const file = await screen.findByTestId('case-attachment');
    expect(file).toHaveTextContent('claims-oct.csv');
    expect(file).toHaveTextContent('1.5 KiB · ana');
    expect(within(file).getByTestId('attachment-sha256')).toHaveTextContent('c1c1c1c1c1c1c1c1…');
    expect(screen.getByTestId('case-notice')).toHaveTextContent('Attached claims-oct.csv (1.5 KiB, sha256 c1c1c1c1c1c1c1c1…).');
  });

  it('lists the evidence by kind; an item expands to its body, a raw record shows the text as received; hashes copy', async () => {
    const user = userEvent.setup();
    renderCase();
    await loaded();
    expect(screen.getAllByTestId('evidence-item')).toHaveLength(4);
    await user.click(screen.getAllByTestId('evidence-kind').find((k) => k.dataset.kind === 'raw')!);
    expect(screen.getAllByTestId('evidence-item').map((i) => i.dataset.kind)).toEqual(['raw']);
    const raw = screen.getByTestId('evidence-item');
    expect(within(raw).getByTestId('evidence-source')).toHaveTextContent('players page 1');
    await user.click(within(raw).getByTestId('evidence-toggle'));
    expect(within(raw).getByTestId('evidence-toggle')).toHaveAttribute('aria-expanded', 'true');
    expect(within(raw).getByTestId('evidence-body-text').textContent).toBe('{"data":[{"player_id":"P000073","country":"NO"}],"next":null}');
    await user.click(within(raw).getByTestId('evidence-pretty'));
    expect(within(raw).getByTestId('evidence-body-text').textContent).toContain('\n  "data": [');
    await user.click(within(raw).getByTestId('evidence-copy'));
    expect(await navigator.clipboard.readText()).toBe('29'.repeat(32));
    expect(within(raw).getByTestId('evidence-copy')).toHaveTextContent('Copied');

    await user.click(screen.getAllByTestId('evidence-kind').find((k) => k.dataset.kind === '')!);
    const player = screen.getAllByTestId('evidence-item').find((i) => i.dataset.kind === 'player')!;
    await user.click(within(player).getByTestId('evidence-toggle'));
    expect(within(player).getByTestId('evidence-body-text')).toHaveTextContent('"external_id": "P000073"');
    expect(screen.getAllByTestId('evidence-body')).toHaveLength(2); // the raw record stays open
    await user.click(screen.getByTestId('evidence-expand-all'));
    expect(screen.getAllByTestId('evidence-body')).toHaveLength(4);
  });

  it('opens a record’s raw view from its evidence: the record, its history and raw records; a missing one says so', async () => {
    const user = userEvent.setup();
    const rawRecord = vi
      .fn<Backend['rawRecord']>()
      .mockResolvedValueOnce([
        evidenceItem('player', 'Operator player P000073', { external_id: 'P000073' }),
        { kind: 'raw', title: 'Raw record 66: players page 1', source: 'players page 1', sha256: '29'.repeat(32), body: 'player_id,country\nP000073,NO\n' },
      ])
      .mockRejectedValueOnce({ code: 'not_found', message: "no player 'P999' in this program" });
    renderCase(workedView(), { rawRecord });
    await loaded();
    const player = screen.getAllByTestId('evidence-item').find((i) => i.dataset.kind === 'player')!;
    await user.click(within(player).getByTestId('evidence-raw'));
    expect(rawRecord).toHaveBeenCalledWith({ kind: 'player', reference: 'P000073' });
    const panel = await screen.findByTestId('raw-record');
    await waitFor(() => expect(within(panel).getAllByTestId('evidence-item')).toHaveLength(2));
    expect(within(panel).getAllByTestId('evidence-body')).toHaveLength(1); // the record itself, open
    const rawItem = within(panel).getAllByTestId('evidence-item')[1];
    await user.click(within(rawItem).getByTestId('evidence-toggle'));
    expect(within(rawItem).getByTestId('evidence-body-text').textContent).toBe('player_id,country\nP000073,NO\n');
    expect(within(rawItem).queryByTestId('evidence-pretty')).toBeNull(); // CSV: nothing to pretty-print
    await user.clear(within(panel).getByTestId('raw-reference'));
    await user.type(within(panel).getByTestId('raw-reference'), 'P999{Enter}');
    expect(await within(panel).findByTestId('raw-error')).toHaveTextContent("no player 'P999' in this program");
    await user.click(within(panel).getByTestId('raw-close'));
    expect(screen.queryByTestId('raw-record')).toBeNull();
  });

  it('writes the evidence pack (paths and the zip’s SHA-256), then lists it; the outcome statement waits for a decision', async () => {
    const user = userEvent.setup();
    const { backend } = renderCase();
    await loaded();
    expect(screen.getByTestId('make-outcome')).toBeDisabled();
    expect(screen.getByTestId('make-outcome')).toHaveAttribute('title', expect.stringContaining('Decide the case first'));
    await user.click(screen.getByTestId('make-pack'));
    expect(backend.disputeEvidence).toHaveBeenCalledWith({ case_id: 7, dir: '' });
    const result = await screen.findByTestId('pack-result');
    expect(result).toHaveTextContent('Evidence pack of 12 items written');
    expect(within(result).getByTestId('written-path')).toHaveTextContent('/data/exports/dispute-7-evidence.zip');
    expect(within(result).getByTestId('pack-sha256')).toHaveTextContent('e'.repeat(64));
    expect(result).toHaveTextContent('sha256sum -c manifest.sha256');
    await waitFor(() => expect(backend.disputeShow).toHaveBeenCalledTimes(2)); // the case again: its packs
  });

  it('writes the outcome statement of a decided case', async () => {
    const user = userEvent.setup();
    const decided = after({ state: 'rejected', due: 'resolved' }, { allowed: ['reopen'] });
    const { backend } = renderCase(decided, {}, VERA);
    await loaded();
    await user.type(screen.getByTestId('files-dir'), 'out');
    await user.click(screen.getByTestId('make-outcome'));
    expect(backend.disputeOutcomeStatement).toHaveBeenCalledWith({ case_id: 7, dir: 'out' });
    expect(within(await screen.findByTestId('outcome-result')).getByTestId('outcome-sha256')).toHaveTextContent('f'.repeat(64));
  });

  it('keeps the pack and the outcome statement written side by side', async () => {
    const user = userEvent.setup();
    renderCase(after({ state: 'accepted', granted: '90.00', due: 'resolved' }, { allowed: ['reopen'] }));
    await loaded();
    expect(screen.queryByTestId('sla')).toBeNull(); // a decided case has stopped its clock
    await user.click(screen.getByTestId('make-pack'));
    await screen.findByTestId('pack-result');
    await user.click(screen.getByTestId('make-outcome'));
    await screen.findByTestId('outcome-result');
    expect(screen.getByTestId('pack-sha256')).toHaveTextContent('e'.repeat(64));
    expect(screen.getByTestId('outcome-sha256')).toHaveTextContent('f'.repeat(64));
  });

  it('a viewer reads the case; every action on it is disabled, naming the permission', async () => {
    renderCase(workedView(), {}, VERA);
    await loaded();
    for (const id of ['case-move', 'case-resolve', 'make-pack', 'attach-submit', 'case-comment-submit']) {
      expect(screen.getByTestId(id)).toBeDisabled();
    }
    expect(screen.getByTestId('case-move')).toHaveAttribute('title', expect.stringContaining('“disputes.work”'));
    expect(screen.getByTestId('case-owner-select')).toBeDisabled();
    expect(screen.getByTestId('case-comment')).toHaveAttribute('readonly');
    expect(screen.queryByTestId('case-take')).toBeNull();
    expect(screen.getByTestId('case-actions-denied')).toHaveTextContent('Vera is Viewer');
  });

  it('says when the case cannot be read', async () => {
    renderCase(workedView(), { disputeShow: vi.fn(async () => Promise.reject({ code: 'not_found', message: 'Case: no case 7 in this program' })) });
    expect(await screen.findByTestId('error-message')).toHaveTextContent('Case: no case 7 in this program');
    expect(disputeRow(7).id).toBe(7);
  });
});
