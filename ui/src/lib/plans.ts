// The Plans screen's logic: sorting and filtering the plan list, plan file templates per kind, the text of a
// new version of a saved plan, validation errors keyed by field path, and the preview table's exact ordering.
// Amounts inside plan files are quoted decimal strings; nothing here turns money into a JS number.
import type { PlanDetail, PlanPreviewRow, PlanSummary, PlanValidationError } from './bindings';
import { compareIntStrings, sign, type SortDir, type SortState } from './sort';
import PLAN_TEMPLATES from './plan-templates.json';

export type PlanFormat = 'json' | 'toml';

export type PlanSortKey =
  | 'name'
  | 'kind'
  | 'currency'
  | 'rounding'
  | 'version_count'
  | 'latest_effective_from'
  | 'assigned_affiliates'
  | 'is_program_default';

export const DEFAULT_PLAN_SORT: SortState<PlanSortKey> = { key: 'name', dir: 'asc' };

const TEXT_KEYS: readonly PlanSortKey[] = ['name', 'kind', 'currency', 'rounding', 'latest_effective_from'];

/** Text columns sort A→Z first, counts and flags largest first. */
export function firstPlanDir(key: PlanSortKey): SortDir {
  return TEXT_KEYS.includes(key) ? 'asc' : 'desc';
}

export function nextPlanSort(current: SortState<PlanSortKey>, key: PlanSortKey): SortState<PlanSortKey> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: firstPlanDir(key) };
}

function comparePlans(key: PlanSortKey, a: PlanSummary, b: PlanSummary): number {
  switch (key) {
    case 'version_count':
    case 'assigned_affiliates':
      return sign(a[key] - b[key]);
    case 'is_program_default':
      return sign(Number(a.is_program_default) - Number(b.is_program_default));
    default:
      return a[key].localeCompare(b[key], undefined, { sensitivity: 'base' });
  }
}

/** A sorted copy; ties fall back to the plan name so the order is stable. */
export function sortPlans(plans: readonly PlanSummary[], sort: SortState<PlanSortKey>): PlanSummary[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...plans].sort((a, b) => factor * comparePlans(sort.key, a, b) || a.name.localeCompare(b.name));
}

/** Plans whose name, description, kind or currency contains the needle, case-insensitively. */
export function filterPlans(plans: readonly PlanSummary[], needle: string): PlanSummary[] {
  const n = needle.trim().toLowerCase();
  if (!n) return [...plans];
  return plans.filter((p) =>
    [p.name, p.description, p.kind, p.currency].some((field) => field.toLowerCase().includes(n)),
  );
}

export type TemplateKind = 'cpa' | 'cpa_geo' | 'revshare' | 'hybrid' | 'cpl' | 'ib_rebate' | 'sub_affiliate';

export const TEMPLATES: readonly { kind: TemplateKind; label: string; hint: string }[] = [
  { kind: 'cpa', label: 'CPA, flat', hint: 'A flat amount per qualified player (FTD minimum and wagering).' },
  { kind: 'cpa_geo', label: 'CPA per geo', hint: 'A CPA amount per country, with a baseline deposit window.' },
  { kind: 'revshare', label: 'RevShare', hint: 'A percent of NGR by a readable formula, tiers and negative carryover.' },
  { kind: 'hybrid', label: 'Hybrid', hint: 'A CPA plus a lower RevShare.' },
  { kind: 'cpl', label: 'CPL', hint: 'A flat amount per registration.' },
  { kind: 'ib_rebate', label: 'IB rebate', hint: 'Per lot by symbol or group, a % of spread capped per lot, overrides.' },
  { kind: 'sub_affiliate', label: 'Sub-affiliate', hint: 'A percent of the sub-affiliates’ commission per level.' },
];

/**
 * A complete plan file for a kind, in JSON, effective from the day given; the user edits names, amounts and
 * dates from there. The templates are data (`plan-templates.json`), and a core test
 * (`crates/core/tests/it/commission_preview.rs`) validates every one of them, so a template always checks clean
 * (the IB one names the `forex` group and the `XAUUSD` symbol, which the program must know).
 */
export function templateText(kind: TemplateKind, effectiveFrom: string, currency = 'EUR'): string {
  const plan = structuredClone(PLAN_TEMPLATES[kind]) as { currency: string; versions: { effective_from: string }[] };
  plan.currency = currency;
  for (const v of plan.versions) v.effective_from = effectiveFrom;
  return JSON.stringify(plan, null, 2) + '\n';
}

/**
 * A plan file holding only a new version of a saved plan: the latest version's terms, effective from `effectiveFrom`.
 * Saving it appends that version; the saved versions stay as they are.
 */
export function newVersionText(detail: PlanDetail, effectiveFrom: string): string {
  const latest = detail.versions[detail.versions.length - 1];
  const body = latest ? (JSON.parse(latest.body_json) as Record<string, unknown>) : { components: [] };
  const s = detail.summary;
  const plan: Record<string, unknown> = { name: s.name };
  if (s.description) plan.description = s.description;
  plan.currency = s.currency;
  plan.rounding = s.rounding;
  plan.versions = [{ ...body, effective_from: effectiveFrom }];
  return JSON.stringify(plan, null, 2) + '\n';
}

/** The first day of the month after `day` (YYYY-MM-DD), by string arithmetic in the calendar (no zones). */
export function firstOfNextMonth(day: string): string {
  const [y, m] = day.split('-').map((p) => parseInt(p, 10));
  const ny = m === 12 ? y + 1 : y;
  const nm = m === 12 ? 1 : m + 1;
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-01`;
}

/** JSON when the text starts with `{`, else TOML: the same sniffing the core does for a file without a name. */
export function detectFormat(text: string): PlanFormat {
  return text.trimStart().startsWith('{') ? 'json' : 'toml';
}

/** From a file path's extension, else by sniffing the text. */
export function formatOfPath(path: string, text: string): PlanFormat {
  const lower = path.toLowerCase();
  if (lower.endsWith('.toml')) return 'toml';
  if (lower.endsWith('.json')) return 'json';
  return detectFormat(text);
}

/** Validation errors ordered by path (numbers inside brackets in numeric order), so they read top to bottom. */
export function sortErrors(errors: readonly PlanValidationError[]): PlanValidationError[] {
  const key = (path: string) => path.replace(/\[(\d+)\]/g, (_, n: string) => `[${n.padStart(6, '0')}]`);
  return [...errors].sort((a, b) => key(a.path).localeCompare(key(b.path)) || a.reason.localeCompare(b.reason));
}

export type PreviewSortKey = 'affiliate' | 'current' | 'proposed' | 'difference';

export function nextPreviewSort(current: SortState<PreviewSortKey>, key: PreviewSortKey): SortState<PreviewSortKey> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'affiliate' ? 'asc' : 'desc' };
}

/** Preview rows by an amount column (exact, BigInt micros) or by affiliate name. */
export function sortPreview(rows: readonly PlanPreviewRow[], sort: SortState<PreviewSortKey>): PlanPreviewRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  const by = (a: PlanPreviewRow, b: PlanPreviewRow) => {
    switch (sort.key) {
      case 'affiliate':
        return a.affiliate_name.localeCompare(b.affiliate_name, undefined, { sensitivity: 'base' });
      case 'current':
        return compareIntStrings(a.current_micros, b.current_micros);
      case 'proposed':
        return compareIntStrings(a.proposed_micros, b.proposed_micros);
      case 'difference':
        return compareIntStrings(a.difference_micros, b.difference_micros);
    }
  };
  return [...rows].sort((a, b) => factor * by(a, b) || a.affiliate_id.localeCompare(b.affiliate_id));
}

/** Calls `fn` once `ms` after the last call; `cancel` drops a pending call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
  run.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return run;
}
