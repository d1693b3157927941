// What the UI mirrors of the core's permissions: can/why from the session's list, and the wrapper that sends
// every `unauthenticated` answer to App before the caller sees it.
import { describe, expect, it, vi } from 'vitest';
import { accessOf, ALLOW_ALL, missingText, watchSession } from './access';
import { fakeBackend } from '../test/backend';
import { permissionsOf, person } from '../test/people';

describe('accessOf', () => {
  it('allows exactly the session’s permissions and names the missing one with the person’s roles', () => {
    const vera = person('vera', ['viewer'], { display_name: 'Vera Viewer' });
    const a = accessOf(vera, permissionsOf(vera.roles));
    expect(a.can('view')).toBe(true);
    expect(a.can('periods.close')).toBe(false);
    expect(a.why('view')).toBe('');
    expect(a.why('periods.close')).toBe(
      'Not allowed: needs the permission “periods.close” (close periods and record FX rates). Vera Viewer is Viewer.',
    );
    expect(missingText('flags.decide', null)).toBe('Not allowed: needs the permission “flags.decide” (confirm or dismiss flags).');
    expect(ALLOW_ALL.can('users.manage')).toBe(true);
  });
});

describe('watchSession', () => {
  it('reports unauthenticated rejections, passes everything else through unchanged', async () => {
    const seen = vi.fn();
    const backend = fakeBackend({
      listPeople: vi.fn(async () => {
        throw { code: 'unauthenticated', message: 'Sign in first.' };
      }),
      listPlans: vi.fn(async () => {
        throw { code: 'forbidden', message: 'Not allowed' };
      }),
    });
    const watched = watchSession(backend, seen);
    await expect(watched.listPeople()).rejects.toEqual({ code: 'unauthenticated', message: 'Sign in first.' });
    expect(seen).toHaveBeenCalledWith({ code: 'unauthenticated', message: 'Sign in first.' });
    await expect(watched.listPlans()).rejects.toMatchObject({ code: 'forbidden' });
    expect(await watched.computePeriod('2026-10')).toMatchObject({ period_label: expect.any(String) });
    expect(backend.computePeriod).toHaveBeenCalledWith('2026-10');
    expect(seen).toHaveBeenCalledTimes(1);
  });
});
