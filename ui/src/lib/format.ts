// Display formatting without floats: integers and money strings are grouped as text, so an amount shown is
// exactly the amount the backend computed.

const GROUP = ',';

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
}

/** 1234567 → "1,234,567". Accepts a safe integer or an integer string (with optional sign). */
export function formatInt(value: number | string): string {
  const text = typeof value === 'number' ? value.toFixed(0) : value.trim();
  const match = /^([+-]?)(\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, digits] = match;
  return (sign === '-' ? '-' : '') + groupDigits(digits);
}

/** "1234567.50" → "1,234,567.50"; the fraction is kept as given. Non-decimal input is returned unchanged. */
export function formatDecimal(value: string): string {
  const match = /^([+-]?)(\d+)(\.\d+)?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, int, frac = ''] = match;
  return (sign === '-' ? '-' : '') + groupDigits(int) + frac;
}

/** "1234.5" + "EUR" → "1,234.5 EUR". */
export function formatMoney(amount: string, currency: string): string {
  return `${formatDecimal(amount)} ${currency}`;
}

/** Strips the grouping separators added above: "1,234" → "1234". */
export function ungroup(text: string): string {
  return text.split(GROUP).join('');
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A coarse age: "just now", "3 min ago", "5 h ago", "2 days ago". */
export function formatAge(thenMs: number, nowMs: number): string {
  const age = Math.max(0, nowMs - thenMs);
  if (age < MINUTE_MS) return 'just now';
  if (age < HOUR_MS) return `${Math.floor(age / MINUTE_MS)} min ago`;
  if (age < DAY_MS) return `${Math.floor(age / HOUR_MS)} h ago`;
  const days = Math.floor(age / DAY_MS);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** A source whose last success is older than this is flagged stale. */
export const STALE_AFTER_MS = DAY_MS;
