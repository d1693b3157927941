// The source form: its editable draft, the client-side checks (a mirror of the server's, so most mistakes are
// caught before a round trip), and routing a server `invalid_input` ("Base URL: …") to the field it names.
import type { SourceSettings, SourceView } from './bindings';

export const SOURCE_KINDS = [
  { value: 'everflow', label: 'Everflow (tracker)' },
  { value: 'affise', label: 'Affise (tracker)' },
  { value: 'tune', label: 'TUNE / HasOffers (tracker)' },
  { value: 'operator', label: 'Operator API' },
] as const;

// Mirrors of the server's limits (crates/core/src/sources.rs); the server stays the authority.
export const NAME_LEN_MAX = 80;
export const WINDOW_DAYS_MAX = 365;
export const PAGE_SIZE_MAX = 2000;
export const OVERLAP_MINUTES_MAX = 7 * 24 * 60;

export type SourceField =
  | 'name'
  | 'kind'
  | 'base_url'
  | 'since'
  | 'window_days'
  | 'page_size'
  | 'overlap_minutes'
  | 'api_key';

/** The label the server puts before ':' in its messages, per field. */
export const FIELD_LABELS: Record<SourceField, string> = {
  name: 'Name',
  kind: 'Kind',
  base_url: 'Base URL',
  since: 'Since',
  window_days: 'Window',
  page_size: 'Page size',
  overlap_minutes: 'Overlap',
  api_key: 'API key',
};

/** What the form edits: numbers stay text until checked, so "" and "12x" can be reported, not coerced. */
export interface SourceDraft {
  name: string;
  kind: string;
  base_url: string;
  since: string;
  window_days: string;
  page_size: string;
  overlap_minutes: string;
  enabled: boolean;
  api_key: string;
}

export function newDraft(): SourceDraft {
  return {
    name: '',
    kind: 'everflow',
    base_url: '',
    since: '',
    window_days: '90',
    page_size: '500',
    overlap_minutes: '60',
    enabled: true,
    api_key: '',
  };
}

export function draftOf(source: SourceView): SourceDraft {
  return {
    name: source.name,
    kind: source.kind,
    base_url: source.base_url,
    since: source.since ?? '',
    window_days: String(source.window_days),
    page_size: String(source.page_size),
    overlap_minutes: String(source.overlap_minutes),
    enabled: source.enabled,
    api_key: '',
  };
}

export type FieldErrors = Partial<Record<SourceField, string>>;

export type DraftCheck = { ok: true; settings: SourceSettings } | { ok: false; errors: FieldErrors };

function wholeNumber(text: string): number | null {
  return /^\d{1,9}$/.test(text.trim()) ? Number(text.trim()) : null;
}

function inRange(text: string, min: number, max: number): number | null {
  const n = wholeNumber(text);
  return n !== null && n >= min && n <= max ? n : null;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks every field; on success builds the settings to send. An empty API key is left out, which keeps the
 * stored key (the server rejects an empty one).
 */
export function checkDraft(d: SourceDraft): DraftCheck {
  const errors: FieldErrors = {};
  const name = d.name.trim();
  if (name === '') errors.name = 'Name is required.';
  else if ([...name].length > NAME_LEN_MAX) errors.name = `At most ${NAME_LEN_MAX} characters.`;
  if (!SOURCE_KINDS.some((k) => k.value === d.kind)) errors.kind = 'Pick a kind.';
  if (d.base_url.trim() === '') errors.base_url = 'Base URL is required.';
  else if (!isHttpUrl(d.base_url)) errors.base_url = 'Must be an http:// or https:// address.';
  if (d.since.trim() !== '' && !DAY.test(d.since.trim())) errors.since = 'Use the form YYYY-MM-DD.';
  const window_days = inRange(d.window_days, 1, WINDOW_DAYS_MAX);
  if (window_days === null) errors.window_days = `A whole number of days, 1 to ${WINDOW_DAYS_MAX}.`;
  const page_size = inRange(d.page_size, 1, PAGE_SIZE_MAX);
  if (page_size === null) errors.page_size = `A whole number, 1 to ${PAGE_SIZE_MAX}.`;
  const overlap_minutes = inRange(d.overlap_minutes, 0, OVERLAP_MINUTES_MAX);
  if (overlap_minutes === null) {
    errors.overlap_minutes = `A whole number of minutes, 0 to ${OVERLAP_MINUTES_MAX}.`;
  }
  if (window_days === null || page_size === null || overlap_minutes === null || Object.keys(errors).length) {
    return { ok: false, errors };
  }
  const settings: SourceSettings = {
    name,
    kind: d.kind,
    base_url: d.base_url.trim(),
    window_days,
    page_size,
    overlap_minutes,
    enabled: d.enabled,
  };
  if (d.since.trim() !== '') settings.since = d.since.trim();
  if (d.api_key.trim() !== '') settings.api_key = d.api_key.trim();
  return { ok: true, settings };
}

/**
 * Routes a server message "<Label>: <reason>" to its field. The longest label wins so "API key" is never
 * mistaken for a shorter one; a message naming no field returns null (shown for the whole form).
 */
export function fieldOfMessage(message: string): { field: SourceField; reason: string } | null {
  const entries = (Object.entries(FIELD_LABELS) as [SourceField, string][]).sort(
    (a, b) => b[1].length - a[1].length,
  );
  for (const [field, label] of entries) {
    const prefix = `${label}:`;
    if (message.startsWith(prefix)) return { field, reason: message.slice(prefix.length).trim() };
  }
  return null;
}
