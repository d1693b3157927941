// A payout run's detail with the fake backend: the state machine, items (state with note, amounts exactly as the
// core wrote them, FX, payee and its version, change since the previous run), totals, content hash, approvals,
// files and history; and the actions by status — approving through the passphrase dialog (Enter, Escape, the
// four-eyes refusal and a wrong passphrase shown as the core says), approval files, cancelling with a reason,
// exporting payment files, marking paid, recording a bank return — with what a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PayoutRunDetail from './PayoutRunDetail.svelte';
import type { Backend } from '../lib/api';
import type { ApprovalOutcome, PayoutRunView } from '../lib/payout-types';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { item, runView, T0 } from '../test/payouts';

const TODAY = '2026-12-04';
const FIONA = person('fiona', ['finance']);
const FELIX = person('felix', ['finance']);
const VERA = person('vera', ['viewer']);
const as = (who: typeof FIONA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderRun(run: PayoutRunView, over: Partial<Backend> = {}, who = FELIX) {
  const backend = fakeBackend(over);
  const onchanged = vi.fn();
  render(PayoutRunDetail, { props: { backend, run, today: TODAY, onchanged, onclose: vi.fn() }, context: as(who) });
  return { backend, onchanged };
}

const itemRow = (id: string) => screen.getAllByTestId('run-item').find((r) => r.dataset.affiliateId === id)!;

describe('PayoutRunDetail', () => {
  it('shows the state machine, totals, content hash and every item with its state, note, FX, payee and change', () => {
    renderRun(runView());
    const steps = screen.getAllByTestId('run-step');
    expect(steps.map((s) => s.dataset.state)).toEqual(['current', 'todo', 'todo', 'todo']);
    expect(screen.getByTestId('run-next')).toHaveTextContent('Waits for 1 more approval (0 of 1)');
    const totals = screen.getAllByTestId('run-total');
    expect(totals.map((t) => t.textContent)).toEqual([expect.stringContaining('728.12 EUR'), expect.stringContaining('1,090.00 USD')]);
    expect(screen.getByTestId('run-content-hash')).toHaveTextContent('4c947e30dd6a04191cc0440e7fa5c67fef4d6fce6bb2d126d8aca4f7cab2aab4');
    expect(screen.getAllByTestId('run-state-count').map((c) => `${c.dataset.state} ${c.textContent?.trim()}`)).toEqual([
      'pay Pay 2',
      'held Held 1',
      'no_payee No payee details 1',
      'carried Carried forward 1',
    ]);

    const usd = itemRow('7');
    expect(within(usd).getByTestId('item-amount')).toHaveTextContent('1,090.00 USD');
    expect(within(usd).getByTestId('item-source')).toHaveTextContent('1,005.35 EUR');
    expect(within(usd).getByTestId('item-fx')).toHaveTextContent('1 EUR = 1.0842 USD');
    expect(within(usd).getByTestId('item-fx')).toHaveTextContent('ECB, 2026-10-31');
    expect(within(usd).getByTestId('item-payee')).toHaveTextContent('International wire US •••• 6789');
    expect(within(usd).getByTestId('item-payee')).toHaveTextContent('details abababab…');
    expect(within(usd).getByTestId('item-change')).toHaveTextContent('new');
    const held = itemRow('3');
    expect(within(held).getByTestId('item-state')).toHaveTextContent('Held');
    expect(within(held).getByTestId('item-note')).toHaveTextContent('held until 2026-12-07 09:30 UTC');
    expect(within(held).getByTestId('item-amount')).toHaveTextContent('—');
    expect(within(itemRow('2')).getByTestId('item-payee')).toHaveTextContent('none approved');
    expect(screen.getByTestId('no-approvals')).toBeInTheDocument();
    expect(screen.getAllByTestId('run-event')[0]).toHaveTextContent('prepared by fiona');
    expect(screen.getAllByTestId('run-event')[0]).toHaveTextContent('approvals required: 1');
  });

  it('sorts items by amount and filters them by state', async () => {
    const user = userEvent.setup();
    renderRun(runView({ items: [item('1', 'A', { amount: '99.99' }), item('2', 'B', { amount: '100.00' }), item('3', 'C', { state: 'held', amount: '' })] }));
    const ids = () => screen.getAllByTestId('run-item').map((r) => r.dataset.affiliateId);
    await user.click(screen.getByTestId('items-sort-amount'));
    expect(ids()).toEqual(['2', '1', '3']);
    await user.selectOptions(screen.getByTestId('items-state-filter'), 'held');
    expect(ids()).toEqual(['3']);
  });

  it('approves in a passphrase dialog: Escape cancels, Enter signs, and the run is read again', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderRun(runView());
    await user.click(screen.getByTestId('run-approve'));
    const dialog = screen.getByTestId('approve-dialog');
    expect(dialog).toHaveAttribute('role', 'dialog');
    expect(dialog).toHaveTextContent('signs the run’s content');
    expect(within(dialog).getByTestId('approve-dialog-passphrase')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('approve-dialog')).toBeNull();
    expect(screen.getByTestId('run-approve')).toHaveFocus(); // focus goes back

    await user.click(screen.getByTestId('run-approve'));
    await user.keyboard('{Enter}'); // empty: asked for, not sent
    expect(screen.getByTestId('approve-dialog-field-error')).toHaveTextContent('Type your passphrase');
    expect(backend.approvePayoutRun).not.toHaveBeenCalled();
    await user.keyboard('felix-demo-pass{Enter}');
    await waitFor(() => expect(backend.approvePayoutRun).toHaveBeenCalledWith({ run_id: 1, passphrase: 'felix-demo-pass' }));
    expect(onchanged).toHaveBeenCalledWith('Approved by sam (1 of 1): the run is approved.');
    expect(screen.queryByTestId('approve-dialog')).toBeNull();
  });

  it('shows the core’s four-eyes refusal in the dialog, and a wrong passphrase beside the field', async () => {
    const user = userEvent.setup();
    const approvePayoutRun = vi
      .fn<Backend['approvePayoutRun']>()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'Passphrase: it does not open your signing key' })
      .mockRejectedValueOnce({ code: 'conflict', message: 'four-eyes: fiona prepared run 1, so someone else must approve it' });
    const { onchanged } = renderRun(runView(), { approvePayoutRun }, FIONA);
    expect(screen.getByTestId('run-approve-note')).toHaveTextContent('You prepared this run');
    expect(screen.getByTestId('run-approve')).toBeEnabled(); // the core is the guard
    await user.click(screen.getByTestId('run-approve'));
    await user.keyboard('wrong{Enter}');
    expect(await screen.findByTestId('approve-dialog-field-error')).toHaveTextContent('it does not open your signing key');
    await user.clear(screen.getByTestId('approve-dialog-passphrase'));
    await user.keyboard('fiona-demo-pass{Enter}');
    expect(await screen.findByTestId('approve-dialog-error')).toHaveTextContent('four-eyes: fiona prepared run 1, so someone else must approve it');
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('keeps the dialog busy while signing', async () => {
    const user = userEvent.setup();
    let finish: (o: ApprovalOutcome) => void = () => {};
    renderRun(runView(), { approvePayoutRun: vi.fn(() => new Promise<ApprovalOutcome>((resolve) => (finish = resolve))) });
    await user.click(screen.getByTestId('run-approve'));
    await user.keyboard('felix-demo-pass{Enter}');
    expect(screen.getByTestId('approve-dialog-submit')).toHaveTextContent('Signing…');
    expect(screen.getByTestId('approve-dialog-submit')).toBeDisabled();
    await user.keyboard('{Escape}'); // not while signing
    expect(screen.getByTestId('approve-dialog')).toBeInTheDocument();
    finish({ run_id: 1, approver: 'felix', applied: false, status: 'approved', approvals: 1, approvals_required: 1 });
    await waitFor(() => expect(screen.queryByTestId('approve-dialog')).toBeNull());
  });

  it('moves approvals through files: export the request, sign it, import it (already recorded says so)', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderRun(runView(), {
      importApproval: vi.fn(async () => ({ run_id: 1, approver: 'felix', applied: false, status: 'approved', approvals: 1, approvals_required: 1 })),
    });
    await user.click(screen.getByText('Approve on another machine (signed files)'));
    await user.click(screen.getByTestId('approval-request-export'));
    expect(backend.exportApprovalRequest).toHaveBeenCalledWith({ run_id: 1, text: '' });
    expect(await screen.findByTestId('approval-files-notice')).toHaveTextContent('/data/exports/payout-run-1.approval-request.json');
    expect(screen.getByTestId('approval-sign-path')).toHaveValue('/data/exports/payout-run-1.approval-request.json');
    await user.click(screen.getByTestId('approval-sign'));
    await user.keyboard('felix-demo-pass{Enter}');
    await waitFor(() =>
      expect(backend.signApprovalRequest).toHaveBeenCalledWith({ path: '/data/exports/payout-run-1.approval-request.json', out: '', passphrase: 'felix-demo-pass' }),
    );
    expect(await screen.findByTestId('approval-files-notice')).toHaveTextContent('Signed: /data/exports/payout-run-1.approval-request.signed-by-sam.json');
    expect(screen.getByTestId('approval-import-path')).toHaveValue('/data/exports/payout-run-1.approval-request.signed-by-sam.json');
    await user.click(screen.getByTestId('approval-import'));
    expect(backend.importApproval).toHaveBeenCalledWith('/data/exports/payout-run-1.approval-request.signed-by-sam.json');
    expect(await screen.findByTestId('approval-files-notice')).toHaveTextContent('already recorded: nothing changed');
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('cancels a run only with a reason', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderRun(runView());
    await user.click(screen.getByTestId('run-cancel'));
    expect(screen.getByTestId('cancel-reason')).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('cancel-error')).toHaveTextContent('Say why');
    expect(backend.cancelPayoutRun).not.toHaveBeenCalled();
    await user.keyboard('wrong execution date{Enter}');
    await waitFor(() => expect(backend.cancelPayoutRun).toHaveBeenCalledWith({ run_id: 1, text: 'wrong execution date' }));
    expect(onchanged).toHaveBeenCalledWith('Run 1 is cancelled; its lines can go in another run.');
  });

  it('exports the payment files of an approved run in the format chosen, listing each file with its hash', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderRun(runView({ status: 'approved', approvals: [{ approver: 'felix', signed_at_ms: T0, via: 'app', public_key: 'ae'.repeat(32) }] }));
    expect(screen.queryByTestId('run-approve')).toBeNull();
    expect(screen.getAllByTestId('run-step').map((s) => s.dataset.state)).toEqual(['done', 'current', 'todo', 'todo']);
    expect(screen.getByTestId('run-approval')).toHaveTextContent('felix');
    expect(screen.getByTestId('run-approval')).toHaveTextContent('In the app');
    await user.selectOptions(screen.getByTestId('export-format'), 'pain.001.001.03');
    await user.click(screen.getByTestId('export-files'));
    expect(backend.exportPaymentFiles).toHaveBeenCalledWith({ run_id: 1, sepa_format: 'pain.001.001.03', dir: '' });
    const file = await screen.findByTestId('written-file');
    expect(file).toHaveTextContent('/data/exports/payout-run-1-EUR.pain.001.001.03.xml');
    expect(file).toHaveTextContent('a6a6a6a6a6a6a6a6…');
    expect(onchanged).toHaveBeenCalledWith(expect.stringContaining('Wrote 1 payment file for run 1'));
  });

  it('marks an exported run paid after checking the reference and day; the core’s field refusal lands beside it', async () => {
    const user = userEvent.setup();
    const markPayoutPaid = vi
      .fn<Backend['markPayoutPaid']>()
      .mockRejectedValueOnce({ code: 'invalid_input', message: 'Paid on: 2026-02-30 is not a day' })
      .mockImplementationOnce(async (r) => runView({ status: 'paid', bank_reference: r.bank_reference, paid_on: r.paid_on }));
    const { onchanged } = renderRun(
      runView({ status: 'exported', files: [{ currency: 'EUR', format: 'pain.001.001.09', file_name: 'payout-run-1-EUR.pain.001.001.09.xml', sha256: 'a6'.repeat(32), payments: 1 }] }),
      { markPayoutPaid },
    );
    expect(screen.getByTestId('run-file')).toHaveTextContent('payout-run-1-EUR.pain.001.001.09.xml');
    expect(screen.getByTestId('export-files')).toHaveTextContent('Export again (same files)');
    expect(screen.getByTestId('paid-on')).toHaveValue(TODAY);
    await user.click(screen.getByTestId('mark-paid'));
    expect(screen.getByTestId('paid-reference-error')).toHaveTextContent('bank’s reference');
    expect(markPayoutPaid).not.toHaveBeenCalled();
    await user.type(screen.getByTestId('paid-reference'), 'BANK-2026-12-09-001');
    await user.clear(screen.getByTestId('paid-on'));
    await user.type(screen.getByTestId('paid-on'), '2026-02-30{Enter}');
    expect(await screen.findByTestId('paid-on-error')).toHaveTextContent('2026-02-30 is not a day');
    await user.clear(screen.getByTestId('paid-on'));
    await user.type(screen.getByTestId('paid-on'), '2026-12-09{Enter}');
    await waitFor(() => expect(markPayoutPaid).toHaveBeenLastCalledWith({ run_id: 1, bank_reference: 'BANK-2026-12-09-001', paid_on: '2026-12-09' }));
    expect(onchanged).toHaveBeenCalledWith('Run 1 is paid (bank reference BANK-2026-12-09-001, 2026-12-09).');
  });

  it('records a failed or returned payment of a paid run with the bank’s reason', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderRun(runView({ status: 'paid', items: [item('1', 'Slots Hub Media', { outcome: 'paid' }), item('3', 'Held one', { state: 'held', amount: '' })] }));
    expect(within(itemRow('3')).queryByTestId('item-return')).toBeNull();
    await user.click(within(itemRow('1')).getByTestId('item-return'));
    const form = screen.getByTestId('return-form');
    await user.selectOptions(within(form).getByTestId('return-outcome'), 'failed');
    await user.click(within(form).getByTestId('return-submit'));
    expect(within(form).getByTestId('return-error')).toHaveTextContent('Give the bank’s reason');
    await user.type(within(form).getByTestId('return-reason'), 'account closed{Enter}');
    await waitFor(() => expect(backend.recordBankReturn).toHaveBeenCalledWith({ run_id: 1, affiliate: '1', outcome: 'failed', reason: 'account closed' }));
    expect(onchanged).toHaveBeenCalledWith(expect.stringContaining('as failed: its amount is owed again'));
  });

  it('a viewer sees the run but every action is disabled, naming the permission', async () => {
    renderRun(runView(), {}, VERA);
    expect(screen.getByTestId('run-approve')).toBeDisabled();
    expect(screen.getByTestId('run-approve')).toHaveAttribute('title', expect.stringContaining('“payouts.approve”'));
    expect(screen.getByTestId('run-cancel')).toBeDisabled();
    expect(screen.getByTestId('approval-request-export')).toHaveAttribute('title', expect.stringContaining('“payouts.manage”'));
  });

  it('a cancelled run offers no action and says its lines are free again', () => {
    renderRun(runView({ status: 'cancelled' }));
    expect(screen.getAllByTestId('run-step').map((s) => s.dataset.state)).toEqual(['done', 'skipped', 'skipped', 'skipped', 'current']);
    expect(screen.getByTestId('run-next')).toHaveTextContent('its lines can go in another run');
    expect(within(screen.getByTestId('run-actions')).queryAllByRole('button')).toHaveLength(0);
  });
});
