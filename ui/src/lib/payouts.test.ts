// The payout screens' logic: the run state machine in words, exact ordering (amounts as decimal strings, never
// floats), the core's field-named payee refusals split onto fields, bar shares, event details and the checks.
import { describe, expect, it } from 'vitest';
import {
  barPercents,
  canRecordReturn,
  eventDetailText,
  fieldOfPrefixed,
  filterPayees,
  holdDaysError,
  itemStateCounts,
  nextStepText,
  payeeFieldErrors,
  runSteps,
  settingsFieldOfMessage,
  sortItems,
  sortRuns,
  twoApprovalsError,
} from './payouts';
import { ITEMS, item, RUNS, VERSIONS } from '../test/payouts';

describe('the run state machine', () => {
  it('marks done, current and later steps; a cancelled run skips what it never reached', () => {
    expect(runSteps('exported').map((s) => s.state)).toEqual(['done', 'done', 'current', 'todo']);
    expect(runSteps('awaiting_approval').map((s) => s.state)).toEqual(['current', 'todo', 'todo', 'todo']);
    expect(runSteps('paid').map((s) => s.state)).toEqual(['done', 'done', 'done', 'current']);
    expect(runSteps('cancelled').map((s) => s.state)).toEqual(['done', 'skipped', 'skipped', 'skipped']);
  });

  it('says what the run waits for', () => {
    expect(nextStepText('awaiting_approval', 1, 2)).toBe('Waits for 1 more approval (1 of 2) from someone other than the preparer.');
    expect(nextStepText('approved', 1, 1)).toContain('export the payment files');
    expect(nextStepText('exported', 1, 1)).toContain('mark the run paid');
  });
});

describe('ordering and filtering', () => {
  it('sorts runs by their total in the program currency exactly, and filters by status', () => {
    const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
    // 9.50 < 10000.00 < 12000.00: text order would put "9.50" last.
    expect(ids(sortRuns(RUNS, { key: 'total', dir: 'asc' }, 'EUR'))).toEqual([1, 2, 3]);
    expect(ids(sortRuns(RUNS, { key: 'total', dir: 'desc' }, 'EUR'))).toEqual([3, 2, 1]);
    // In USD only run 3 pays anything; the others tie at 0 and fall back to newest first.
    expect(ids(sortRuns(RUNS, { key: 'total', dir: 'desc' }, 'USD'))).toEqual([3, 2, 1]);
    expect(ids(sortRuns(RUNS, { key: 'status', dir: 'asc' }, 'EUR'))).toEqual([3, 1, 2]);
    expect(ids(sortRuns(RUNS, { key: 'id', dir: 'desc' }, 'EUR', 'paid'))).toEqual([1]);
  });

  it('sorts items by state in workflow order and by amount exactly, unpaid ones lowest', () => {
    expect(sortItems(ITEMS, { key: 'state', dir: 'asc' }).map((i) => i.state)).toEqual(['pay', 'pay', 'held', 'no_payee', 'carried']);
    const eur = [item('a', 'A', { amount: '99.99' }), item('b', 'B', { amount: '100.00' }), item('c', 'C', { amount: '', state: 'held' })];
    expect(sortItems(eur, { key: 'amount', dir: 'desc' }).map((i) => i.affiliate_id)).toEqual(['b', 'a', 'c']);
    expect(itemStateCounts(ITEMS)).toEqual([
      { state: 'pay', count: 2 },
      { state: 'held', count: 1 },
      { state: 'no_payee', count: 1 },
      { state: 'carried', count: 1 },
    ]);
  });

  it('a bank return is recordable only for a payment that was sent and not already returned', () => {
    expect(canRecordReturn(item('1', 'A'), 'exported')).toBe(true);
    expect(canRecordReturn(item('1', 'A', { outcome: 'paid' }), 'paid')).toBe(true);
    expect(canRecordReturn(item('1', 'A'), 'approved')).toBe(false);
    expect(canRecordReturn(item('1', 'A', { outcome: 'returned' }), 'paid')).toBe(false);
    expect(canRecordReturn(item('1', 'A', { state: 'held' }), 'paid')).toBe(false);
  });

  it('filters payee versions by status and affiliate, newest first', () => {
    const sort = { key: 'proposed' as const, dir: 'desc' as const };
    expect(filterPayees(VERSIONS, sort, '', '').map((v) => v.id)).toEqual([4, 3, 2, 1]);
    expect(filterPayees(VERSIONS, sort, 'approved', '').map((v) => v.id)).toEqual([3]);
    expect(filterPayees(VERSIONS, sort, '', 'nordic').map((v) => v.id)).toEqual([4]);
    expect(filterPayees(VERSIONS, { key: 'status', dir: 'asc' }, '', '').map((v) => v.status)).toEqual(['pending', 'approved', 'rejected', 'superseded']);
  });
});

describe('the core’s messages onto fields', () => {
  it('splits a payee refusal naming several fields, in the core’s words', () => {
    const message =
      "The account holder name is not valid. It is empty. The IBAN is not valid. 'XX' is not a country in the IBAN registry, so this cannot be an IBAN. The BIC (SWIFT code) is not valid. A BIC has 8 or 11 letters and digits, but this one has 3.";
    expect(payeeFieldErrors(message)).toEqual({
      fields: {
        holder: 'It is empty.',
        iban: "'XX' is not a country in the IBAN registry, so this cannot be an IBAN.",
        bic: 'A BIC has 8 or 11 letters and digits, but this one has 3.',
      },
      rest: '',
    });
    expect(payeeFieldErrors('Payout currency: SEPA credit transfers are in euro; pay USD by international wire instead')).toEqual({
      fields: { currency: 'SEPA credit transfers are in euro; pay USD by international wire instead' },
      rest: '',
    });
    expect(payeeFieldErrors("Affiliate: no affiliate '999'").fields).toEqual({ affiliate: "no affiliate '999'" });
    expect(payeeFieldErrors('four-eyes: you proposed these payee details')).toEqual({ fields: {}, rest: 'four-eyes: you proposed these payee details' });
  });

  it('maps "Field: reason" refusals, and checks the settings fields', () => {
    expect(fieldOfPrefixed('Paid on: not a day', [['Paid on:', 'paid_on']] as const)).toEqual({ field: 'paid_on', reason: 'not a day' });
    expect(fieldOfPrefixed('run 3 is paid', [['Paid on:', 'paid_on']] as const)).toBeNull();
    expect(settingsFieldOfMessage('Payee hold: give 0 to 60 days, got 90')).toEqual({ field: 'payee_hold_days', reason: 'give 0 to 60 days, got 90' });
    expect(twoApprovalsError('10000')).toBeNull();
    expect(twoApprovalsError('2500.50')).toBeNull();
    expect(twoApprovalsError('-1')).not.toBeNull();
    expect(twoApprovalsError('1e9')).not.toBeNull();
    expect(holdDaysError('0')).toBeNull();
    expect(holdDaysError('60')).toBeNull();
    expect(holdDaysError('61')).toBe('Give 0 to 60 days.');
    expect(holdDaysError('2.5')).not.toBeNull();
  });
});

describe('display helpers', () => {
  it('bar shares are exact on decimal strings, beyond what a float holds', () => {
    expect(barPercents(['50.00', '100', '0'])).toEqual([50, 100, 0]);
    expect(barPercents(['9007199254740993.01', '9007199254740993.02'])).toEqual([99, 100]);
    expect(barPercents(['-5.00', 'x', '0'])).toEqual([0, 0, 0]);
  });

  it('writes an event’s JSON detail as words, shortening hashes', () => {
    expect(eventDetailText(`{"approvals_required":1,"content_hash":"${'4c'.repeat(32)}"}`)).toBe('approvals required: 1 · content hash: 4c4c4c4c4c4c…');
    expect(eventDetailText('{"files":["a.xml","b.csv"]}')).toBe('files: a.xml, b.csv');
    expect(eventDetailText('plain words')).toBe('plain words');
  });
});
