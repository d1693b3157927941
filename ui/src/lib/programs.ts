// The program the desktop acts on. A workspace holds several programs (the demo: an iGaming casino and a Forex
// broker); the sidebar's switcher picks one and App tells the backend (`selectProgram`): the session holds the
// choice, so no command carries a program and a screen cannot act on the wrong one. The choice is remembered for
// the window's session and chosen again after the next sign-in.
import type { ProgramSummary } from './api';
import type { AffiliateRow, Dashboard } from './bindings';

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
