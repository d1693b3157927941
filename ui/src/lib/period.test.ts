import { describe, expect, it } from 'vitest';
import { checkPeriod } from './period';

describe('checkPeriod', () => {
  it('accepts from ≤ to, including a single day', () => {
    expect(checkPeriod('2025-06-01', '2025-06-30')).toEqual({
      ok: true,
      query: { from: '2025-06-01', to: '2025-06-30' },
    });
    expect(checkPeriod('2025-06-05', '2025-06-05').ok).toBe(true);
  });

  it('rejects a start after the end with a message naming both', () => {
    const check = checkPeriod('2025-07-01', '2025-06-30');
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toContain('2025-07-01');
  });

  it('rejects missing or malformed dates', () => {
    expect(checkPeriod('', '2025-06-30').ok).toBe(false);
    expect(checkPeriod('2025-6-1', '2025-06-30').ok).toBe(false);
  });
});
