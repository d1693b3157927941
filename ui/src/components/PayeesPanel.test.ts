// Payees with the fake backend: the review queue (approve, reject only with a reason, one's own proposal marked
// and the core's four-eyes refusal shown), the versions list (status, who proposed and reviewed, masked details
// and version, held until; sorted and filtered), the propose form whose fields follow the method (the request
// sent, empty fields caught, the core's field-named errors beside each field), and what a viewer may not do.
import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import PayeesPanel from './PayeesPanel.svelte';
import type { Backend } from '../lib/api';
import { accessContext, accessOf } from '../lib/access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';
import { payeesPage, payeeVersion } from '../test/payouts';

const FIONA = person('fiona', ['finance']);
const FELIX = person('felix', ['finance']);
const VERA = person('vera', ['viewer']);
const as = (who: typeof FIONA) => accessContext(accessOf(who, permissionsOf(who.roles)));

function renderPanel(over: Partial<Backend> = {}, who = FELIX) {
  const backend = fakeBackend(over);
  const onchanged = vi.fn();
  render(PayeesPanel, { props: { backend, currency: 'EUR', onchanged }, context: as(who) });
  return { backend, onchanged };
}

describe('PayeesPanel', () => {
  it('lists every version with status, proposer, reviewer, masked details, version and hold', async () => {
    const user = userEvent.setup();
    renderPanel();
    await screen.findByTestId('payees-table');
    const rows = () => screen.getAllByTestId('payee-row');
    expect(rows().map((r) => r.dataset.versionId)).toEqual(['4', '3', '2', '1']);
    const approved = rows()[1];
    expect(within(approved).getByTestId('payee-status')).toHaveTextContent('Approved');
    expect(approved).toHaveTextContent('DE89 •••• 3000');
    expect(approved).toHaveTextContent('035e5e5e…');
    expect(approved).toHaveTextContent('felix');
    expect(within(approved).getByTestId('payee-held')).not.toHaveTextContent('—');
    expect(within(rows()[3]).getByTestId('payee-reason')).toHaveTextContent('the holder name does not match the contract');
    await user.selectOptions(screen.getByTestId('payees-status-filter'), 'superseded');
    expect(rows().map((r) => r.dataset.versionId)).toEqual(['2']);
    await user.selectOptions(screen.getByTestId('payees-status-filter'), '');
    await user.type(screen.getByTestId('payees-filter'), 'forex');
    expect(rows().map((r) => r.dataset.versionId)).toEqual(['1']);
    await user.click(screen.getByTestId('payees-sort-affiliate'));
  });

  it('approves a pending proposal and tells the screen', async () => {
    const user = userEvent.setup();
    const { backend, onchanged } = renderPanel();
    const pending = await screen.findByTestId('pending-payee');
    expect(screen.getByTestId('payees-pending-count')).toHaveTextContent('1');
    expect(pending).toHaveTextContent('Nordic Spin Reviews');
    expect(pending).toHaveTextContent('FI21 •••• 0785');
    expect(within(pending).queryByTestId('pending-own')).toBeNull();
    await user.click(within(pending).getByTestId('payee-approve'));
    expect(backend.reviewPayee).toHaveBeenCalledWith({ version_id: 4, approve: true, reason: '' });
    expect(await screen.findByTestId('payees-notice')).toHaveTextContent('Approved FI21 •••• 0785 for Nordic Spin Reviews: the first payment to it waits 3 days');
    expect(onchanged).toHaveBeenCalled();
  });

  it('rejects only with a reason (Escape cancels)', async () => {
    const user = userEvent.setup();
    const { backend } = renderPanel();
    const pending = await screen.findByTestId('pending-payee');
    await user.click(within(pending).getByTestId('payee-reject'));
    expect(screen.getByTestId('reject-reason')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('reject-form')).toBeNull();
    await user.click(within(pending).getByTestId('payee-reject'));
    await user.keyboard('{Enter}');
    expect(screen.getByTestId('reject-error')).toHaveTextContent('Say why');
    expect(backend.reviewPayee).not.toHaveBeenCalled();
    await user.keyboard('IBAN belongs to someone else{Enter}');
    await waitFor(() => expect(backend.reviewPayee).toHaveBeenCalledWith({ version_id: 4, approve: false, reason: 'IBAN belongs to someone else' }));
    expect(await screen.findByTestId('payees-notice')).toHaveTextContent('Rejected FI21 •••• 0785');
  });

  it('marks one’s own proposal, and shows the core’s four-eyes refusal when approving it anyway', async () => {
    const user = userEvent.setup();
    renderPanel(
      {
        payees: vi.fn(async () => payeesPage({ versions: [payeeVersion(5, { status: 'pending', proposed_by: 'fiona', reviewed_by: null, reviewed_at_ms: null })] })),
        reviewPayee: vi.fn(async () => Promise.reject({ code: 'conflict', message: 'four-eyes: you proposed these payee details, so someone else must review them' })),
      },
      FIONA,
    );
    const pending = await screen.findByTestId('pending-payee');
    expect(within(pending).getByTestId('pending-own')).toHaveTextContent('someone else reviews it');
    await user.click(within(pending).getByTestId('payee-approve'));
    expect(await within(pending).findByTestId('payee-review-error')).toHaveTextContent('four-eyes: you proposed these payee details');
  });

  it('the propose form’s fields follow the method, and SEPA sends exactly what was typed', async () => {
    const user = userEvent.setup();
    const { backend } = renderPanel();
    const form = await screen.findByTestId('payee-propose-form');
    // The method's fields, in form order (between the affiliate and the currency).
    const shown = () =>
      [...form.querySelectorAll<HTMLInputElement>('input[name^="payee-"]:not([type=radio])')]
        .map((i) => i.name.slice('payee-'.length))
        .filter((f) => !['affiliate', 'currency', 'note'].includes(f));
    expect(shown()).toEqual(['holder', 'iban', 'bic']);
    expect(within(form).getByTestId('payee-currency')).toHaveValue('EUR');
    expect(within(form).getByTestId('payee-currency')).toHaveAttribute('readonly');
    await user.click(within(form).getByTestId('payee-method-wire'));
    expect(shown()).toEqual(['holder', 'account_number', 'bank_name', 'bic', 'bank_country']);
    await user.click(within(form).getByTestId('payee-method-paypal'));
    expect(shown()).toEqual(['email']);
    await user.click(within(form).getByTestId('payee-method-crypto'));
    expect(shown()).toEqual(['network', 'address']);
    await user.click(within(form).getByTestId('payee-method-sepa'));

    await user.click(within(form).getByTestId('payee-propose'));
    expect(within(form).getByTestId('payee-affiliate-error')).toHaveTextContent('Affiliate id is required.');
    expect(within(form).getByTestId('payee-iban-error')).toHaveTextContent('IBAN is required.');
    expect(within(form).queryByTestId('payee-bic-error')).toBeNull(); // optional for SEPA
    expect(within(form).getByTestId('payee-affiliate')).toHaveFocus();
    expect(backend.proposePayee).not.toHaveBeenCalled();

    await user.type(within(form).getByTestId('payee-affiliate'), '1');
    await user.type(within(form).getByTestId('payee-holder'), 'Slots Hub Media Ltd');
    await user.type(within(form).getByTestId('payee-iban'), 'DE89 3704 0044 0532 0130 00');
    await user.type(within(form).getByTestId('payee-note'), 'signed form of 2026-11-28{Enter}');
    await waitFor(() =>
      expect(backend.proposePayee).toHaveBeenCalledWith({
        affiliate: '1',
        details: { method: 'sepa', holder: 'Slots Hub Media Ltd', iban: 'DE89 3704 0044 0532 0130 00', bic: '' },
        currency: 'EUR',
        note: 'signed form of 2026-11-28',
      }),
    );
    expect(await screen.findByTestId('payees-notice')).toHaveTextContent('someone else must approve them');
    expect(within(form).getByTestId('payee-holder')).toHaveValue('');
  });

  it('sends wire details in their own shape and puts each field the core refuses beside it', async () => {
    const user = userEvent.setup();
    const proposePayee = vi.fn<Backend['proposePayee']>().mockRejectedValueOnce({
      code: 'invalid_input',
      message:
        "The bank name is not valid. It is empty. The BIC (SWIFT code) is not valid. A BIC has 8 or 11 letters and digits, but this one has 3. The bank country is not valid. 'QQ' is not an ISO 3166 country code; enter two letters such as DE, FR or GB.",
    });
    renderPanel({ proposePayee });
    const form = await screen.findByTestId('payee-propose-form');
    await user.click(within(form).getByTestId('payee-method-wire'));
    await user.type(within(form).getByTestId('payee-affiliate'), '7');
    await user.type(within(form).getByTestId('payee-holder'), 'Forex Friends LLC');
    await user.type(within(form).getByTestId('payee-account_number'), '123456789');
    await user.type(within(form).getByTestId('payee-bank_name'), ' ');
    await user.type(within(form).getByTestId('payee-bic'), 'ZZZ');
    await user.type(within(form).getByTestId('payee-bank_country'), 'QQ');
    await user.clear(within(form).getByTestId('payee-currency'));
    await user.type(within(form).getByTestId('payee-currency'), 'usd');
    // The blank bank name is caught here first.
    await user.click(within(form).getByTestId('payee-propose'));
    expect(within(form).getByTestId('payee-bank_name-error')).toHaveTextContent('Bank name is required.');
    await user.type(within(form).getByTestId('payee-bank_name'), 'X');
    await user.click(within(form).getByTestId('payee-propose'));
    await waitFor(() =>
      expect(proposePayee).toHaveBeenCalledWith({
        affiliate: '7',
        details: { method: 'wire', holder: 'Forex Friends LLC', account_number: '123456789', bank_name: 'X', bic: 'ZZZ', bank_country: 'QQ' },
        currency: 'USD',
        note: '',
      }),
    );
    expect(await within(form).findByTestId('payee-bic-error')).toHaveTextContent('A BIC has 8 or 11 letters and digits, but this one has 3.');
    expect(within(form).getByTestId('payee-bank_country-error')).toHaveTextContent("'QQ' is not an ISO 3166 country code");
    expect(within(form).getByTestId('payee-bank_name-error')).toHaveTextContent('It is empty.');
    expect(within(form).getByTestId('payee-bank_name')).toHaveFocus();
    expect(within(form).queryByTestId('payee-form-error')).toBeNull();
  });

  it('says what to do when there are no details yet', async () => {
    renderPanel({ payees: vi.fn(async () => payeesPage({ versions: [], pending: 0 })) });
    expect(await screen.findByTestId('payees-empty')).toHaveTextContent('No payee details yet');
    expect(screen.getByTestId('payees-pending-empty')).toHaveTextContent('Nothing waits for review');
  });

  it('a viewer reads the details but may not review or propose', async () => {
    renderPanel({}, VERA);
    const pending = await screen.findByTestId('pending-payee');
    expect(within(pending).getByTestId('payee-approve')).toBeDisabled();
    expect(within(pending).getByTestId('payee-approve')).toHaveAttribute('title', expect.stringContaining('“payees.manage”'));
    expect(screen.getByTestId('payee-propose')).toBeDisabled();
  });
});
