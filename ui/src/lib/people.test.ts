import { describe, expect, it } from 'vitest';
import { confirmError, displayNameError, idleMinutesError, nameError, passphraseError, rolesError } from './people';
import { draftError, filterOf, NO_FILTER, sortAudit, verifySummary } from './audit';
import { auditRow, verifyReport } from '../test/people';

describe('people form checks (the core’s rules, checked first)', () => {
  it.each([
    ['olivia', null],
    ['Olivia', null], // lower-cased like the core does
    ['o.l-i_v1a', null],
    ['', 'Enter a sign-in name.'],
    ['9lives', 'A letter first'],
    ['ol ivia', 'A letter first'],
    ['x'.repeat(65), 'A letter first'],
  ])('name %j', (name, message) => {
    const got = nameError(name);
    if (message === null) expect(got).toBeNull();
    else expect(got).toContain(message);
  });

  it('passphrases: 10 characters at least (counted as characters), the same twice', () => {
    expect(passphraseError('123456789')).toBe('Use at least 10 characters (9 so far).');
    expect(passphraseError('1234567890')).toBeNull();
    expect(passphraseError('ääääääääää')).toBeNull();
    expect(passphraseError('x'.repeat(257))).toContain('at most 256');
    expect(confirmError('abc', 'abd')).toBe('The two passphrases differ.');
    expect(confirmError('abc', 'abc')).toBeNull();
  });

  it('display names, roles and idle minutes', () => {
    expect(displayNameError('  ')).toContain('Enter the name');
    expect(displayNameError('x'.repeat(101))).toContain('At most 100');
    expect(rolesError([])).toContain('at least one role');
    expect(rolesError(['viewer'])).toBeNull();
    expect(['1', '480', '0', '481', '1.5', 'ten', ''].map(idleMinutesError).map((e) => e === null)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('audit filters and verification words', () => {
  it('sends only the filters that are set, trimmed, with the page', () => {
    expect(filterOf(NO_FILTER, 0)).toEqual({ offset: 0, limit: 50 });
    expect(filterOf({ actor: 'ana', action: '', object: ' 2026-10 ', from: '2026-10-01', to: '' }, 100)).toEqual({
      actor: 'ana',
      object: '2026-10',
      from: '2026-10-01',
      offset: 100,
      limit: 50,
    });
    expect(draftError({ ...NO_FILTER, from: '2026-13-01' })).toContain('first day');
    expect(draftError({ ...NO_FILTER, to: '31/10/2026' })).toContain('last day');
    expect(draftError({ ...NO_FILTER, from: '2026-10-02', to: '2026-10-01' })).toContain('after');
    expect(draftError({ ...NO_FILTER, from: '2026-10-01', to: '2026-10-01' })).toBeNull();
  });

  it('sorts objects with numbers in order, and says what verification found', () => {
    const rows = [auditRow(1, { entity_id: '10' }), auditRow(2, { entity_id: '9' })];
    expect(sortAudit(rows, { key: 'object', dir: 'asc' }).map((r) => r.id)).toEqual([2, 1]);
    expect(verifySummary(verifyReport({ rows: 3, head_hash: 'ab' }))).toBe('Intact: 3 rows, head ab');
    expect(verifySummary(verifyReport({ ok: false, broken: { row: 2, reason: 'prev_hash does not chain' } }))).toBe(
      'Broken at row 2: prev_hash does not chain',
    );
    expect(verifySummary(verifyReport({ ok: false, people_mismatches: ['ana'] }))).toContain('people differ');
  });
});
