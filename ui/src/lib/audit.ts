// The Audit log screen's pure parts: the filter sent to `audit_list`, ordering a page's rows, and the words for a
// verification report.
import type { AuditFilter, AuditRow, VerifyReport } from './bindings';
import { sign, type SortDir, type SortState } from './sort';

/** Rows per page of the audit table. */
export const AUDIT_PAGE_SIZE = 50;

export const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface AuditDraft {
  actor: string;
  action: string;
  object: string;
  from: string;
  to: string;
}

export const NO_FILTER: AuditDraft = { actor: '', action: '', object: '', from: '', to: '' };

/** Why the dates cannot be sent, if so (the core checks them too). */
export function draftError(d: AuditDraft): string | null {
  const from = d.from.trim();
  const to = d.to.trim();
  if (from && !DAY_RE.test(from)) return 'Write the first day as YYYY-MM-DD.';
  if (to && !DAY_RE.test(to)) return 'Write the last day as YYYY-MM-DD.';
  if (from && to && from > to) return 'The first day is after the last day.';
  return null;
}

/** The request: only the filters that are set, with the page. */
export function filterOf(d: AuditDraft, offset: number, limit = AUDIT_PAGE_SIZE): AuditFilter {
  const f: AuditFilter = { offset, limit };
  if (d.actor) f.actor = d.actor;
  if (d.action) f.action = d.action;
  if (d.object.trim()) f.object = d.object.trim();
  if (d.from.trim()) f.from = d.from.trim();
  if (d.to.trim()) f.to = d.to.trim();
  return f;
}

export type AuditSortKey = 'time' | 'actor' | 'action' | 'program' | 'object';

export const AUDIT_DEFAULT_SORT: SortState<AuditSortKey> = { key: 'time', dir: 'desc' };

export function firstAuditDir(key: AuditSortKey): SortDir {
  return key === 'time' ? 'desc' : 'asc';
}

export function objectOf(r: AuditRow): string {
  return r.entity_id ? `${r.entity} ${r.entity_id}` : r.entity;
}

function compareAudit(key: AuditSortKey, a: AuditRow, b: AuditRow): number {
  switch (key) {
    case 'time':
      return sign(a.at_ms - b.at_ms);
    case 'actor':
      return a.actor.localeCompare(b.actor);
    case 'action':
      return a.action.localeCompare(b.action);
    case 'program':
      return a.program.localeCompare(b.program);
    case 'object':
      return objectOf(a).localeCompare(objectOf(b), undefined, { numeric: true });
  }
}

/** A sorted copy of one page; ties keep the log's order (by id). */
export function sortAudit(rows: readonly AuditRow[], sort: SortState<AuditSortKey>): AuditRow[] {
  const factor = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => factor * compareAudit(sort.key, a, b) || factor * sign(a.id - b.id));
}

/** `YYYY-MM-DD HH:MM:SS` in UTC, the zone the date filters use. */
export function utcTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** The detail JSON on one line for the table, pretty for the expanded view. */
export function detailText(detail: string, pretty: boolean): string {
  try {
    return JSON.stringify(JSON.parse(detail), null, pretty ? 2 : undefined);
  } catch {
    return detail;
  }
}

/** The verification's headline. */
export function verifySummary(r: VerifyReport): string {
  if (r.broken) return `Broken at row ${r.broken.row}: ${r.broken.reason}`;
  if (r.people_mismatches.length > 0) return `The chain is intact (${r.rows} rows) but people differ from it.`;
  return `Intact: ${r.rows} rows, head ${r.head_hash}`;
}
