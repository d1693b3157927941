// How a source's last sync reads at a glance: ok with its age, stale, failed, or never synced.
import type { SourceFreshness } from './bindings';
import { formatAge, STALE_AFTER_MS } from './format';

export type FreshnessStatus = 'ok' | 'failed' | 'never' | 'stale';

export interface FreshnessSummary {
  status: FreshnessStatus;
  /** "synced 3 min ago", "failed · last synced 1 day ago", "never synced"… */
  text: string;
}

export function summarizeFreshness(f: SourceFreshness, nowMs: number): FreshnessSummary {
  // A postback source is pushed to, not synced: its age is the last request the listener received.
  const verb = f.kind === 'postback' ? 'received' : 'synced';
  const synced = f.last_success_at_ms === null ? null : formatAge(f.last_success_at_ms, nowMs);
  const stale = f.last_success_at_ms !== null && nowMs - f.last_success_at_ms > STALE_AFTER_MS;
  if (f.last_status === 'failed') {
    return { status: 'failed', text: synced ? `failed · last ${verb} ${synced}` : 'failed' };
  }
  if (f.last_status === 'never' || synced === null) {
    return { status: 'never', text: f.kind === 'postback' ? 'nothing received yet' : 'never synced' };
  }
  if (stale) return { status: 'stale', text: `stale · ${verb} ${synced}` };
  return { status: 'ok', text: `${verb} ${synced}` };
}

/** Re-reads the clock now and then, so "3 min ago" ages while a screen stays open. */
export const CLOCK_TICK_MS = 30_000;
