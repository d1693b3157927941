// `choose` picks the remembered program, else the default; remembering survives broken storage; statements list
// the IBs that only traded. (Which program a command acts on is the session's: see App.test.ts.)
import { describe, expect, it } from 'vitest';
import { choose, readRemembered, remember, statementAffiliates } from './programs';
import { PROGRAMS } from '../test/backend';
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
