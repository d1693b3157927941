// `choose` picks the remembered program, else the default; remembering survives broken storage; statements list
// the IBs that only traded; the Programs form's checks and the routing of the core's refusals to their field; the
// table's order. (Which program a command acts on is the session's: see App.test.ts.)
import { describe, expect, it } from 'vitest';
import {
  checkProgramDraft,
  choose,
  newProgramDraft,
  parseBrands,
  programDraftOf,
  programFieldOf,
  readRemembered,
  remember,
  sortPrograms,
  statementAffiliates,
  timeZones,
} from './programs';
import { program, PROGRAMS } from '../test/backend';
import { dashboard, tradingSummary } from '../test/fixtures';

describe('choose and remember', () => {
  it('prefers the remembered program, then the default, then the first', () => {
    expect(choose(PROGRAMS, 'Demo Broker')?.name).toBe('Demo Broker');
    expect(choose(PROGRAMS, 'Gone')?.name).toBe('Lucky Casino EU');
    expect(choose(PROGRAMS, null)?.name).toBe('Lucky Casino EU');
    expect(choose([{ ...PROGRAMS[1] }], null)?.name).toBe('Demo Broker');
    expect(choose([], 'Demo Broker')).toBeNull();
  });

  it('survives storage that throws', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(readRemembered(broken)).toBeNull();
    expect(() => remember(broken, 'Demo Broker')).not.toThrow();
  });
});

it('statementAffiliates adds the IBs that only traded, once', () => {
  const d = dashboard({ rows: [], trading: tradingSummary() });
  expect(statementAffiliates(d).map((r) => r.affiliate_id)).toEqual(['101', '102']);
  const withRow = dashboard({ trading: tradingSummary() });
  const ids = statementAffiliates(withRow).map((r) => r.affiliate_id);
  expect(new Set(ids).size).toBe(ids.length);
});

describe('the program form', () => {
  it('sends trimmed settings, the currency upper-cased and the brands split on commas', () => {
    const d = { ...newProgramDraft('Europe/Malta'), name: ' Spin ', currency: ' gbp', brands: ' Spin, ,Spin Sports ,' };
    expect(checkProgramDraft(d)).toEqual({
      ok: true,
      settings: { name: 'Spin', vertical: 'igaming', currency: 'GBP', timezone: 'Europe/Malta', brands: ['Spin', 'Spin Sports'] },
    });
    expect(parseBrands('A\nB,  ,C')).toEqual(['A', 'B', 'C']);
    expect(programDraftOf(PROGRAMS[1])).toEqual({ name: 'Demo Broker', vertical: 'forex', currency: 'USD', timezone: 'Europe/London', brands: '' });
  });

  it('names the first wrong field the way the core does', () => {
    const d = newProgramDraft('UTC');
    expect(checkProgramDraft(d)).toMatchObject({ ok: false, error: { field: 'name' } });
    expect(checkProgramDraft({ ...d, name: 'x'.repeat(81) })).toMatchObject({ ok: false, error: { field: 'name' } });
    expect(checkProgramDraft({ ...d, name: 'A', currency: 'EURO' })).toMatchObject({
      ok: false,
      error: { field: 'currency', message: expect.stringMatching(/^Currency: /) },
    });
    expect(checkProgramDraft({ ...d, name: 'A', timezone: ' ' })).toMatchObject({ ok: false, error: { field: 'timezone' } });
    expect(timeZones()[0]).toBe('UTC');
  });

  it('routes a refusal to the field its message starts with', () => {
    expect(programFieldOf('Name: a program named "X" exists already')).toBe('name');
    expect(programFieldOf("Currency: 'XYZ' is not an ISO 4217 currency code")).toBe('currency');
    expect(programFieldOf('Time zone: cannot change from Europe/Malta to UTC')).toBe('timezone');
    expect(programFieldOf('Vertical: cannot change from igaming to forex')).toBe('vertical');
    expect(programFieldOf("Brand 2: 'x' is listed twice")).toBe('brands');
    expect(programFieldOf('Brands: at most 50')).toBe('brands');
    expect(programFieldOf('Program: no program named "X"')).toBeNull();
  });

  it('sorts programs by a column, ties by name', () => {
    const rows = [...PROGRAMS, program('Spin', { affiliates: 8 })];
    expect(sortPrograms(rows, { key: 'affiliates', dir: 'desc' }).map((p) => p.name)).toEqual(['Lucky Casino EU', 'Demo Broker', 'Spin']);
    expect(sortPrograms(rows, { key: 'data_range', dir: 'asc' }).map((p) => p.name)).toEqual(['Spin', 'Demo Broker', 'Lucky Casino EU']);
    expect(sortPrograms(rows, { key: 'people', dir: 'desc' }).map((p) => p.name)).toEqual(['Lucky Casino EU', 'Demo Broker', 'Spin']);
  });
});
