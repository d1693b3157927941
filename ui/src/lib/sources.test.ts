import { describe, expect, it } from 'vitest';
import { checkDraft, draftOf, fieldOfMessage, newDraft, type SourceDraft } from './sources';
import { TRACKER } from '../test/fixtures';

const valid = (over: Partial<SourceDraft> = {}): SourceDraft => ({
  ...newDraft(),
  name: 'My tracker',
  base_url: 'https://api.example.com',
  ...over,
});

describe('checkDraft mirrors the server checks', () => {
  it('builds settings from a valid draft, numbers as numbers, optional fields left out', () => {
    expect(checkDraft(valid())).toEqual({
      ok: true,
      settings: {
        name: 'My tracker',
        kind: 'everflow',
        base_url: 'https://api.example.com',
        window_days: 90,
        page_size: 500,
        overlap_minutes: 60,
        enabled: true,
      },
    });
  });

  it('sends since and a typed key', () => {
    const check = checkDraft(valid({ since: '2025-01-01', api_key: 'sk-123' }));
    expect(check.ok && check.settings.since).toBe('2025-01-01');
    expect(check.ok && check.settings.api_key).toBe('sk-123');
  });

  it('never sends an empty or blank key: that would be rejected, leaving it out keeps the stored one', () => {
    for (const api_key of ['', '   ']) {
      const check = checkDraft(valid({ api_key }));
      expect(check.ok && 'api_key' in check.settings).toBe(false);
    }
  });

  it.each([
    [{ name: '  ' }, 'name'],
    [{ name: 'x'.repeat(81) }, 'name'],
    [{ kind: 'hasoffers' }, 'kind'],
    [{ base_url: '' }, 'base_url'],
    [{ base_url: 'api.example.com' }, 'base_url'],
    [{ base_url: 'ftp://api.example.com' }, 'base_url'],
    [{ since: '01/02/2025' }, 'since'],
    [{ window_days: '0' }, 'window_days'],
    [{ window_days: '366' }, 'window_days'],
    [{ window_days: '7.5' }, 'window_days'],
    [{ page_size: '0' }, 'page_size'],
    [{ page_size: '2001' }, 'page_size'],
    [{ page_size: '' }, 'page_size'],
    [{ overlap_minutes: '-1' }, 'overlap_minutes'],
    [{ overlap_minutes: '10081' }, 'overlap_minutes'],
  ] as const)('%o is refused on %s', (over, field) => {
    const check = checkDraft(valid(over));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(Object.keys(check.errors)).toEqual([field]);
  });

  it('accepts the range edges', () => {
    expect(checkDraft(valid({ window_days: '1', page_size: '2000', overlap_minutes: '0' })).ok).toBe(true);
    expect(checkDraft(valid({ window_days: '365', page_size: '1', overlap_minutes: '10080' })).ok).toBe(true);
  });

  it('draftOf edits a stored source without its key', () => {
    expect(draftOf(TRACKER)).toMatchObject({ name: 'Demo tracker', since: '', window_days: '90', api_key: '' });
  });
});

describe('fieldOfMessage', () => {
  it.each([
    ['Base URL: must be an http:// or https:// address', 'base_url', 'must be an http:// or https:// address'],
    ['API key: is empty; leave it out to keep the stored key', 'api_key', 'is empty; leave it out to keep the stored key'],
    ['Window: must be 1 to 365 days (trackers refuse longer)', 'window_days', 'must be 1 to 365 days (trackers refuse longer)'],
    ['Page size: must be 1 to 2000', 'page_size', 'must be 1 to 2000'],
    ['Overlap: must be at most 10080 minutes', 'overlap_minutes', 'must be at most 10080 minutes'],
    ['Since: bad date', 'since', 'bad date'],
    ["Kind: 'x' is not one of everflow, affise, tune, operator", 'kind', "'x' is not one of everflow, affise, tune, operator"],
    ['Name: must be 1 to 80 characters', 'name', 'must be 1 to 80 characters'],
  ])('%s → %s', (message, field, reason) => {
    expect(fieldOfMessage(message)).toEqual({ field, reason });
  });

  it('returns null when no field is named', () => {
    expect(fieldOfMessage('database is locked')).toBeNull();
  });
});
