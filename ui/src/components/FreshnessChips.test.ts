import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import FreshnessChips from './FreshnessChips.svelte';
import { FRESHNESS, NOW_MS } from '../test/fixtures';

describe('FreshnessChips', () => {
  it('shows ok with age, failed with the reason as title, never, and stale', () => {
    const stale = {
      ...FRESHNESS[0],
      source: 'old-tracker',
      last_success_at_ms: NOW_MS - 25 * 3_600_000,
    };
    render(FreshnessChips, { freshness: [...FRESHNESS, stale], nowMs: NOW_MS });
    const chips = screen.getAllByTestId('freshness-chip');
    expect(chips.map((c) => c.dataset.status)).toEqual(['ok', 'failed', 'never', 'stale']);
    expect(chips[0]).toHaveTextContent('everflow');
    expect(chips[0]).toHaveTextContent('synced 3 min ago');
    expect(chips[1]).toHaveAttribute('title', 'HTTP 503 from operator after 5 retries');
    expect(chips[1]).toHaveTextContent('failed · last synced 1 day ago');
    expect(chips[2]).toHaveTextContent('never synced');
    expect(chips[3]).toHaveTextContent('stale · synced 1 day ago');
  });

  it('says a postback source "received", not "synced", and "nothing received yet" before its first request', () => {
    const postbacks = { ...FRESHNESS[0], source: 'demo-postbacks', kind: 'postback', last_success_at_ms: NOW_MS - 180_000 };
    const silent = { ...FRESHNESS[0], source: 'new-postbacks', kind: 'postback', last_status: 'never', last_success_at_ms: null };
    render(FreshnessChips, { freshness: [postbacks, silent], nowMs: NOW_MS });
    const chips = screen.getAllByTestId('freshness-chip');
    expect(chips[0]).toHaveTextContent('received 3 min ago');
    expect(chips[1]).toHaveTextContent('nothing received yet');
  });
});
