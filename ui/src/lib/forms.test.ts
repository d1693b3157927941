import { describe, expect, it, vi } from 'vitest';
import { submitChecked } from './forms';

type F = 'name' | 'url';
const fieldOfMessage = (m: string) => (m.startsWith('url:') ? { field: 'url' as F, reason: m.slice(4).trim() } : null);

function steps(check: () => { errors: Partial<Record<F, string>> } | { save: () => Promise<void> }) {
  return { check, fieldOfMessage, showErrors: vi.fn(async () => {}), busy: vi.fn() };
}

describe('submitChecked', () => {
  it('shows client errors and never saves or goes busy', async () => {
    const s = steps(() => ({ errors: { name: 'Required.' } }));
    expect(await submitChecked<F>(s)).toBe('');
    expect(s.showErrors).toHaveBeenCalledWith({ name: 'Required.' });
    expect(s.busy).not.toHaveBeenCalled();
  });

  it('clears errors, saves while busy, and reports no form error', async () => {
    const save = vi.fn(async () => {});
    const s = steps(() => ({ save }));
    expect(await submitChecked<F>(s)).toBe('');
    expect(s.showErrors).toHaveBeenCalledWith({});
    expect(save).toHaveBeenCalledOnce();
    expect(s.busy.mock.calls).toEqual([[true], [false]]);
  });

  it('puts a server invalid_input beside the field it names', async () => {
    const s = steps(() => ({ save: async () => Promise.reject({ code: 'invalid_input', message: 'url: not https' }) }));
    expect(await submitChecked<F>(s)).toBe('');
    expect(s.showErrors).toHaveBeenLastCalledWith({ url: 'not https' });
    expect(s.busy.mock.calls).toEqual([[true], [false]]);
  });

  it('returns any other failure as the form error', async () => {
    const s = steps(() => ({ save: async () => Promise.reject({ code: 'storage', message: 'disk full' }) }));
    expect(await submitChecked<F>(s)).toBe('disk full');
  });
});
