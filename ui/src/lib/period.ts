// Validation of the period picker's input before it is sent as a DashboardQuery.
import type { DashboardQuery } from './bindings';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export type PeriodCheck = { ok: true; query: DashboardQuery } | { ok: false; message: string };

export function checkPeriod(from: string, to: string): PeriodCheck {
  if (!from || !to) return { ok: false, message: 'Pick both a start and an end date.' };
  if (!DAY.test(from) || !DAY.test(to)) {
    return { ok: false, message: 'Dates must be in the form YYYY-MM-DD.' };
  }
  // ISO dates order lexicographically.
  if (from > to) return { ok: false, message: `The start date ${from} is after the end date ${to}.` };
  return { ok: true, query: { from, to } };
}
