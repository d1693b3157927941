// The FX table panel's logic: checking a manual rate before it is sent, filtering and ordering the rates in
// force. Rates stay decimal strings (compared exactly, never parseFloat).
import type { FxRateRow, FxSetRequest } from './bindings';
import { DAY_RE } from './audit';
import { compareDecimalStrings } from './sort';

export const CURRENCY_RE = /^[A-Z]{3}$/;
const RATE_RE = /^\d+(\.\d+)?$/;

/** What is wrong with a manual rate, field first (as the core says it); '' when it may be sent. */
export function checkManualRate(r: FxSetRequest): string {
  if (!DAY_RE.test(r.day.trim())) return 'Day: write it as YYYY-MM-DD.';
  const from = r.from.trim().toUpperCase();
  const to = r.to.trim().toUpperCase();
  if (!CURRENCY_RE.test(from)) return 'From: give an ISO currency code, e.g. EUR.';
  if (!CURRENCY_RE.test(to)) return 'To: give an ISO currency code, e.g. USD.';
  if (from === to) return 'To: pick a currency other than From.';
  const rate = r.rate.trim();
  if (!RATE_RE.test(rate)) return 'Rate: give a positive decimal, e.g. 1.0823.';
  if (/^0+(\.0+)?$/.test(rate)) return 'Rate: a rate is positive (zero is not a rate).';
  return '';
}

/** The request as sent: trimmed, codes upper-case. */
export function normalizeManualRate(r: FxSetRequest): FxSetRequest {
  return { day: r.day.trim(), from: r.from.trim().toUpperCase(), to: r.to.trim().toUpperCase(), rate: r.rate.trim() };
}

export type FxSortKey = 'day' | 'pair' | 'rate' | 'source';

export function firstFxDir(key: FxSortKey): 'asc' | 'desc' {
  return key === 'day' || key === 'rate' ? 'desc' : 'asc';
}

const pairOf = (r: FxRateRow) => `${r.base}/${r.quote}`;

/** Rows whose pair, either way round, or source contains the needle (case-insensitive). */
export function filterFx(rows: readonly FxRateRow[], needle: string): FxRateRow[] {
  const n = needle.trim().toUpperCase().replace(/\s+/g, '');
  if (!n) return [...rows];
  return rows.filter((r) => pairOf(r).includes(n) || `${r.quote}/${r.base}`.includes(n) || r.source.toUpperCase().includes(n));
}

/** Ordered by the column, ties by day (newest first) then pair. Rates compare as exact decimals. */
export function sortFx(rows: readonly FxRateRow[], key: FxSortKey, dir: 'asc' | 'desc'): FxRateRow[] {
  const by = (a: FxRateRow, b: FxRateRow): number => {
    switch (key) {
      case 'day':
        return a.day.localeCompare(b.day);
      case 'pair':
        return pairOf(a).localeCompare(pairOf(b));
      case 'rate':
        return compareDecimalStrings(a.rate, b.rate);
      case 'source':
        return a.source.localeCompare(b.source);
    }
  };
  const s = dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => s * by(a, b) || b.day.localeCompare(a.day) || pairOf(a).localeCompare(pairOf(b)));
}
