// The program the desktop acts on. A workspace holds several programs (the demo: an iGaming casino and a Forex
// broker); the sidebar's switcher picks one and App tells the backend (`selectProgram`): the session holds the
// choice, so no command carries a program and a screen cannot act on the wrong one. The choice is remembered for
// the window's session and chosen again after the next sign-in.
//
// The Programs screen creates and changes programs: its form's draft and checks (a mirror of
// crates/core/src/programs/manage.rs, which stays the authority), routing the core's field-first refusals
// ("Currency: …") to their field, and the table's order.
import type { ProgramSummary } from './api';
import type { AffiliateRow, Dashboard, ProgramSettings, Vertical } from './bindings';
import { sign, type SortDir, type SortState } from './sort';

/** Where the chosen program is remembered for the session (cleared when the app quits). */
export const PROGRAM_STORAGE_KEY = 'affops.program';

/** The program to show: the remembered one if it still exists, else the workspace's default, else the first. */
export function choose(programs: readonly ProgramSummary[], remembered: string | null): ProgramSummary | null {
  return (
    programs.find((p) => p.name === remembered) ?? programs.find((p) => p.is_default) ?? programs[0] ?? null
  );
}

export function verticalLabel(vertical: string): string {
  if (vertical === 'igaming') return 'iGaming';
  if (vertical === 'forex') return 'Forex';
  return vertical;
}

export function readRemembered(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(PROGRAM_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled: nothing remembered
  }
}

export function remember(storage: Pick<Storage, 'setItem'> | undefined, name: string): void {
  try {
    storage?.setItem(PROGRAM_STORAGE_KEY, name);
  } catch {
    // storage disabled: the choice lasts until the window reloads
  }
}

/**
 * The affiliates a statement can be opened for: the dashboard's funnel rows, plus (Forex) the IBs that only
 * traded in the period — their clients opened accounts earlier, so they have no funnel row but do earn rebates.
 */
export function statementAffiliates(d: Dashboard): AffiliateRow[] {
  const rows = [...d.rows];
  for (const t of d.trading?.rows ?? []) {
    if (!t.affiliate_id || rows.some((r) => r.affiliate_id === t.affiliate_id)) continue;
    rows.push({
      affiliate_id: t.affiliate_id,
      affiliate_name: t.affiliate_name,
      clicks: 0,
      registrations: 0,
      ftds: 0,
      approved_conversions: 0,
      cr_percent: '0.00',
      ftd_amount: '0.00',
      ftd_amount_micros: '0',
    });
  }
  return rows;
}

// ---- The Programs screen ----

/** crates/core/src/programs/manage.rs. */
export const PROGRAM_NAME_MAX = 80;
export const BRANDS_MAX = 50;

export const VERTICALS: readonly { value: Vertical; label: string; text: string }[] = [
  { value: 'igaming', label: 'iGaming', text: 'clicks, registrations, FTDs and deposits; CPA and revenue share' },
  { value: 'forex', label: 'Forex', text: 'accounts, deposits and trades; IB rebates per lot' },
];

/** The currencies the form suggests (any ISO 4217 code is accepted). */
export const COMMON_CURRENCIES = ['EUR', 'USD', 'GBP', 'CAD', 'AUD', 'SEK', 'NOK', 'CHF', 'BRL', 'JPY'] as const;

/** Every IANA zone the platform knows, UTC first (for the time zone suggestions). */
export function timeZones(): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // an older engine: the field still takes any zone typed
  }
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

/** The zone this computer is in: the form's default reporting time zone. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export type ProgramField = 'name' | 'vertical' | 'currency' | 'timezone' | 'brands';

export const PROGRAM_FIELDS: readonly ProgramField[] = ['name', 'vertical', 'currency', 'timezone', 'brands'];

/** The label the core puts before ':' in its refusals, per field (the form's labels too). */
export const PROGRAM_FIELD_LABELS: Record<ProgramField, string> = {
  name: 'Name',
  vertical: 'Vertical',
  currency: 'Currency',
  timezone: 'Time zone',
  brands: 'Brands',
};

/** What the form edits; brands as typed (comma-separated): on edit, only the brands to add. */
export interface ProgramDraft {
  name: string;
  vertical: Vertical;
  currency: string;
  timezone: string;
  brands: string;
}

export function newProgramDraft(timezone = browserTimeZone()): ProgramDraft {
  return { name: '', vertical: 'igaming', currency: 'EUR', timezone, brands: '' };
}

/** The draft of an existing program: its settings, and no brand to add yet (its brands stay). */
export function programDraftOf(p: ProgramSummary): ProgramDraft {
  return { name: p.name, vertical: p.vertical, currency: p.currency, timezone: p.timezone, brands: '' };
}

/** Brand names from the comma- (or line-) separated field, trimmed, empty ones dropped. */
export function parseBrands(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

/** A wrong field, and the message naming it the way the core does ("Currency: …"). */
export interface ProgramFieldError {
  field: ProgramField | null;
  message: string;
}

export type ProgramCheck = { ok: true; settings: ProgramSettings } | { ok: false; error: ProgramFieldError };

const fieldError = (field: ProgramField, why: string): ProgramCheck => ({
  ok: false,
  error: { field, message: `${PROGRAM_FIELD_LABELS[field]}: ${why}` },
});

/**
 * The first wrong field (the order of the form), or the settings to send: trimmed, the currency upper-cased.
 * Whether a currency or zone exists is the core's to say; only their shape is checked here.
 */
export function checkProgramDraft(d: ProgramDraft): ProgramCheck {
  const name = d.name.trim();
  if (!name) return fieldError('name', 'enter the program’s name, e.g. “Lucky Casino EU”.');
  if ([...name].length > PROGRAM_NAME_MAX) return fieldError('name', `at most ${PROGRAM_NAME_MAX} characters.`);
  if (!VERTICALS.some((v) => v.value === d.vertical)) return fieldError('vertical', 'choose iGaming or Forex.');
  const currency = d.currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return fieldError('currency', 'a three-letter ISO 4217 code, e.g. EUR or USD.');
  const timezone = d.timezone.trim();
  if (!timezone) return fieldError('timezone', 'enter an IANA time zone, e.g. Europe/Malta or UTC.');
  const brands = parseBrands(d.brands);
  if (brands.length > BRANDS_MAX) return fieldError('brands', `at most ${BRANDS_MAX} at a time.`);
  return { ok: true, settings: { name, vertical: d.vertical, currency, timezone, brands } };
}

/**
 * The field a refusal names: "Name: …", "Time zone: …", "Brand 2: …" (one of the brands). Null for a message
 * that names none (shown for the whole form).
 */
export function programFieldOf(message: string): ProgramField | null {
  if (/^Brands?( \d+)?:/.test(message)) return 'brands';
  return PROGRAM_FIELDS.find((f) => message.startsWith(`${PROGRAM_FIELD_LABELS[f]}:`)) ?? null;
}

export type ProgramSortKey = 'name' | 'vertical' | 'currency' | 'timezone' | 'brands' | 'affiliates' | 'people' | 'data_range';

export const PROGRAM_DEFAULT_SORT: SortState<ProgramSortKey> = { key: 'name', dir: 'asc' };

/** Players (iGaming) or trading accounts (Forex): who the program's data is about. */
export function peopleOf(p: ProgramSummary): number {
  return p.vertical === 'forex' ? p.accounts : p.players;
}

function compareRange(a: ProgramSummary, b: ProgramSummary): number {
  if (!a.data_range || !b.data_range) return sign(Number(!!a.data_range) - Number(!!b.data_range)); // no data first
  return a.data_range.from.localeCompare(b.data_range.from) || a.data_range.to.localeCompare(b.data_range.to);
}

function compareProgram(key: ProgramSortKey, a: ProgramSummary, b: ProgramSummary): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
    case 'vertical':
      return verticalLabel(a.vertical).localeCompare(verticalLabel(b.vertical));
    case 'currency':
      return a.currency.localeCompare(b.currency);
    case 'timezone':
      return a.timezone.localeCompare(b.timezone);
    case 'brands':
      return sign(a.brands.length - b.brands.length);
    case 'affiliates':
      return sign(a.affiliates - b.affiliates);
    case 'people':
      return sign(peopleOf(a) - peopleOf(b));
    case 'data_range':
      return compareRange(a, b);
  }
}

/** A sorted copy; ties by name, so the order is stable across renders. */
export function sortPrograms(rows: readonly ProgramSummary[], sort: SortState<ProgramSortKey>): ProgramSummary[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => factor * compareProgram(sort.key, a, b) || a.name.localeCompare(b.name));
}

/** Text columns start A→Z; counts and data ranges largest / latest first. */
export function firstProgramDir(key: ProgramSortKey): SortDir {
  return ['brands', 'affiliates', 'people', 'data_range'].includes(key) ? 'desc' : 'asc';
}
