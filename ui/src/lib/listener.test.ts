import { describe, expect, it } from 'vitest';
import { checkPostbackDraft, deniesAll, newPostbackDraft, parsePort, postbackFieldOfMessage, postbackUrl } from './listener';

describe('listener helpers', () => {
  it('parses ports: empty and 0 mean any, 1–65535 otherwise', () => {
    expect(parsePort('')).toEqual({ ok: true, port: 0 });
    expect(parsePort(' 0 ')).toEqual({ ok: true, port: 0 });
    expect(parsePort('65535')).toEqual({ ok: true, port: 65535 });
    expect(parsePort('65536').ok).toBe(false);
    expect(parsePort('-1').ok).toBe(false);
    expect(parsePort('80x').ok).toBe(false);
  });

  it('routes server messages to fields by label or key, longest first', () => {
    expect(postbackFieldOfMessage('Previous secret: too short')).toEqual({ field: 'hmac_previous', reason: 'too short' });
    expect(postbackFieldOfMessage('default_currency: unknown code XYZ')).toEqual({ field: 'default_currency', reason: 'unknown code XYZ' });
    expect(postbackFieldOfMessage('HMAC secret: empty')?.field).toBe('hmac_current');
    expect(postbackFieldOfMessage('disk full')).toBeNull();
  });

  it('builds the config and sends only typed secrets', () => {
    const check = checkPostbackDraft({ ...newPostbackDraft(), name: ' a.b ', token: 't', clear_previous: true }, 'P');
    expect(check).toEqual({
      ok: true,
      config: { name: 'a.b', program: 'P', dialect: 'everflow', allow_ips: [], allow_any_ip: false, hmac_required: false, default_currency: 'USD' },
      secrets: { token: 't', clear_previous: true },
    });
    expect(deniesAll({ allow_ips: [], allow_any_ip: false })).toBe(true);
    expect(deniesAll({ allow_ips: [], allow_any_ip: true })).toBe(false);
    expect(postbackUrl('127.0.0.1:9', 'x')).toBe('http://127.0.0.1:9/postback/x');
  });
});
