// Pure helpers for the Import and Postbacks screens: the choices offered, the mapping sent to the backend,
// and the display of progress, times and latencies.
import type {
  ColumnMap,
  ColumnMapping,
  ImportFieldSpec,
  ImportPreset,
  ImportRunSummary,
  PostbackOutcome,
  Progress,
} from './bindings';

export const PRESETS: readonly { value: ImportPreset; label: string }[] = [
  { value: 'clicks', label: 'Clicks' },
  { value: 'registrations', label: 'Registrations' },
  { value: 'activity', label: 'Player activity' },
  { value: 'deposits', label: 'Deposits' },
  { value: 'withdrawals', label: 'Withdrawals' },
  { value: 'bonuses', label: 'Bonus grants' },
  { value: 'claims', label: 'Claims (an affiliate’s own report)' },
  { value: 'affiliates', label: 'Affiliates (with sub-affiliates / sub-IBs)' },
  { value: 'conversions', label: 'Tracker conversions (batch file)' },
  { value: 'ip_countries', label: 'IP countries (GeoIP ranges)' },
  { value: 'symbols', label: 'Forex symbols (contract size, group)' },
  { value: 'accounts', label: 'Forex accounts' },
  { value: 'deals', label: 'Forex deals (MT5 Deals report)' },
];

/** Why a value was ignored as a fraud signal (crates/core/src/import/clean.rs `Ignored`), as people read it. */
const IGNORED_REASONS: Record<string, string> = {
  placeholder: 'placeholder (unknown, null, all zeros…)',
  not_an_address: 'not an email address',
  private_ip: 'private or reserved IP',
  not_an_ip: 'not an IP address',
  not_a_country: 'not a country',
};

export function ignoredReason(reason: string): string {
  return IGNORED_REASONS[reason] ?? reason.replaceAll('_', ' ');
}

/** The date formats crates/core/src/import/values.rs accepts (`DateFormat::NAMES`). */
export const DATE_FORMATS: readonly { value: string; label: string }[] = [
  { value: 'auto', label: 'Auto (ISO forms only)' },
  { value: 'ymd', label: 'YYYY-MM-DD' },
  { value: 'ymd_hms', label: 'YYYY-MM-DD HH:MM:SS' },
  { value: 'rfc3339', label: 'RFC 3339 (2026-10-03T14:22:05Z)' },
  { value: 'dmy', label: 'DD/MM/YYYY [HH:MM[:SS]]' },
  { value: 'mdy_hm', label: 'M/D/YYYY [H:MM] (US)' },
  { value: 'unix_s', label: 'Unix seconds' },
  { value: 'unix_ms', label: 'Unix milliseconds' },
];

/** '' means "detect from the header". */
export const DELIMITERS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Detect' },
  { value: ',', label: 'Comma ,' },
  { value: ';', label: 'Semicolon ;' },
  { value: '|', label: 'Pipe |' },
  { value: '\t', label: 'Tab' },
];

export const OUTCOMES: readonly PostbackOutcome[] = ['recorded', 'updated', 'duplicate', 'stale', 'rejected'];

/** The pseudo-column holding one value on every row (crates/core/src/import/mapping.rs `CONST_PREFIX`); with no
 * value it clears a field. */
export const CONST_PREFIX = '@const:';

/**
 * field → file column. '' : the person chose "leave empty" (sent as an explicit clear, `@const:`); a field absent
 * from the selection is not mentioned, and the backend reads the file's column of its own name, if any.
 */
export type Selection = Record<string, string>;

/** The selection a preview resolved to, so the user starts from what the backend found. */
export function selectionOf(resolved: readonly [string, string][]): Selection {
  return Object.fromEntries(resolved);
}

/** A saved mapping's columns as a selection: a cleared field (`@const:` with no value) reads as "leave empty". */
export function selectionOfColumns(columns: readonly ColumnMap[]): Selection {
  return Object.fromEntries(columns.map((c) => [c.field, isCleared(c.column) ? '' : c.column]));
}

/** Whether a mapped column is `@const:` with no value: the field is left empty whatever the file holds. */
export function isCleared(column: string): boolean {
  return column.startsWith(CONST_PREFIX) && column.slice(CONST_PREFIX.length).trim() === '';
}

/**
 * Explicit columns in the preset's field order. A field set to "leave empty" is sent as `@const:` (cleared):
 * leaving it out would let the backend map the file's same-named column. Fields the selection does not mention are
 * left out.
 */
export function columnsOf(fields: readonly ImportFieldSpec[], selection: Selection): ColumnMap[] {
  return fields
    .filter((f) => selection[f.name] !== undefined)
    .map((f) => ({ column: selection[f.name] || CONST_PREFIX, field: f.name }));
}

export interface MappingDraft {
  preset: ImportPreset;
  /** null: use the preset's own column names (sends `columns: []`). */
  selection: Selection | null;
  dateFormat: string;
  delimiter: string;
  /** Claims only: the affiliate whose report it is, given once for every row ('' : a column of the file). */
  claimant?: string;
}

/**
 * The claimant of a claims file given once (the "Affiliate" field): `affiliate_id` from `@const:ID`, every other
 * field from its same-named column unless the user chose another (as `affops-cli claims import --affiliate` does).
 */
export function withClaimant(fields: readonly ImportFieldSpec[], selection: Selection | null, affiliate: string): Selection {
  const base: Selection = selection ?? Object.fromEntries(fields.map((f) => [f.name, f.name]));
  return { ...base, affiliate_id: `${CONST_PREFIX}${affiliate.trim()}` };
}

export function mappingOf(draft: MappingDraft, fields: readonly ImportFieldSpec[]): ColumnMapping {
  const claimant = draft.preset === 'claims' ? (draft.claimant ?? '').trim() : '';
  const selection = claimant ? withClaimant(fields, draft.selection, claimant) : draft.selection;
  const mapping: ColumnMapping = {
    preset: draft.preset,
    columns: selection ? columnsOf(fields, selection) : [],
    date_format: draft.dateFormat,
  };
  if (draft.delimiter) mapping.delimiter = draft.delimiter;
  return mapping;
}

/** How the detected delimiter reads in a sentence. */
export function delimiterName(d: string): string {
  return DELIMITERS.find((x) => x.value === d && x.value !== '')?.label ?? JSON.stringify(d);
}

/** The share of the file read so far (bytes), else of the rows expected; null when neither is known. */
export function percentOf(p: Progress): number | null {
  if (p.bytes_total !== null && p.bytes_done !== null && p.bytes_total > 0) {
    return Math.min(100, (p.bytes_done * 100) / p.bytes_total);
  }
  if (p.total) return Math.min(100, (p.done * 100) / p.total);
  return null;
}

/** Rows per second so far, when the job measures it. */
export function rateOf(p: Progress): number | null {
  return p.rows_per_second;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time, `YYYY-MM-DD HH:MM:SS`. */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

export function formatLatency(us: number): string {
  if (us < 1000) return `${us} µs`;
  if (us < 10_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${Math.round(us / 1000)} ms`;
}

export function newestFirst(runs: readonly ImportRunSummary[]): ImportRunSummary[] {
  return [...runs].sort((a, b) => b.started_at_ms - a.started_at_ms || b.id - a.id);
}

/** "1–50 of 120", or "0 of 0". */
export function rangeText(offset: number, shown: number, total: number): string {
  if (shown === 0) return `0 of ${total}`;
  return `${offset + 1}–${offset + shown} of ${total}`;
}

/**
 * The mapping field an `invalid_input` message is about, if it names one of `names`: either leading
 * (`clicked_at: not a date`) or quoted (`required field 'clicked_at' is not mapped`).
 */
export function fieldNamed(message: string, names: readonly string[]): string | null {
  const lead = /^([A-Za-z0-9_]+):/.exec(message)?.[1];
  if (lead && names.includes(lead)) return lead;
  const quoted = /field '([^']+)'/.exec(message)?.[1];
  if (quoted && names.includes(quoted)) return quoted;
  return null;
}
