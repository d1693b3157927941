// What the signed-in person may do, for the screens. The core checks every operation against the person's roles
// and refuses with `forbidden` naming the permission; the UI only mirrors it as a courtesy: actions the person
// cannot do are disabled with a tooltip that names the missing permission. App puts one `Access` in the Svelte
// context; a component rendered without one (a unit test of the component alone) may do everything.
import { getContext, setContext } from 'svelte';
import type { Backend } from './api';
import type { ApiError, Permission, Person, Role } from './bindings';

export interface Access {
  /** The signed-in person (null outside a session, e.g. in a component test). */
  readonly person: Person | null;
  can(permission: Permission): boolean;
  /** The tooltip of an action the person may not do ('' when they may). */
  why(permission: Permission): string;
}

/** What each permission lets a person do, in the words of crates/core/src/people/roles.rs. */
export const PERMISSION_TEXT: Record<Permission, string> = {
  view: 'see every screen and report',
  'users.manage': 'manage people',
  'workspace.settings': 'change workspace settings',
  'programs.manage': 'create and change programs',
  'sources.manage': 'manage sources, postback sources and the listener',
  'data.ingest': 'sync sources and import files',
  'attribution.manage': 'change attribution rules, promo codes and affiliates’ own identifiers, and run attribution',
  'plans.manage': 'save and assign commission plans',
  'commission.compute': 'compute commission',
  'periods.close': 'close periods and record FX rates',
  'detection.run': 'run fraud detection and change its rules',
  'flags.decide': 'confirm or dismiss flags',
  'reconcile.run': 'reconcile tracker and operator',
  'disputes.work': 'open and work disputes',
  'statements.approve': 'approve or reject statement lines',
  'payees.manage': 'propose payee details and review someone else’s',
  'payouts.manage': 'prepare, cancel and export payout runs, record payments and the paying account',
  'payouts.approve': 'approve a payout run someone else prepared',
  'workspace.backup': 'take a backup of the workspace',
};

export const ROLES: readonly { role: Role; label: string; text: string }[] = [
  { role: 'owner', label: 'Owner', text: 'people, workspace settings, programs' },
  { role: 'manager', label: 'Affiliate manager', text: 'programs, sources, imports, attribution, plans, compute' },
  { role: 'finance', label: 'Finance', text: 'close periods, FX, statement approval, payees, payout runs' },
  { role: 'analyst', label: 'Analyst', text: 'detection, flag decisions, reconciliation, disputes, imports' },
  { role: 'viewer', label: 'Viewer', text: 'sees everything, changes nothing' },
];

export function roleLabel(role: Role): string {
  return ROLES.find((r) => r.role === role)?.label ?? role;
}

export function rolesText(roles: readonly Role[]): string {
  return roles.length ? roles.map(roleLabel).join(', ') : 'no role';
}

/** The tooltip of a refused action: which permission it needs and what the person holds. */
export function missingText(permission: Permission, person: Person | null): string {
  const who = person ? ` ${person.display_name} is ${rolesText(person.roles)}.` : '';
  return `Not allowed: needs the permission “${permission}” (${PERMISSION_TEXT[permission]}).${who}`;
}

export function accessOf(person: Person | null, permissions: readonly Permission[]): Access {
  const held = new Set(permissions);
  return {
    person,
    can: (p) => held.has(p),
    why: (p) => (held.has(p) ? '' : missingText(p, person)),
  };
}

/** Everything allowed: the default outside App (components tested on their own). */
export const ALLOW_ALL: Access = { person: null, can: () => true, why: () => '' };

const ACCESS_KEY = Symbol('affops.access');

/**
 * Puts a getter in the context so the value follows the session (a new sign-in re-creates the screens anyway).
 * Call during component initialisation.
 */
export function provideAccess(current: () => Access): void {
  setContext(ACCESS_KEY, current);
}

/** The context's current Access (ALLOW_ALL without one). Call during component initialisation. */
export function useAccess(): () => Access {
  return getContext<(() => Access) | undefined>(ACCESS_KEY) ?? (() => ALLOW_ALL);
}

/** The context entries a test passes to `render(…, { context })` to act as a person. */
export function accessContext(access: Access): Map<symbol, () => Access> {
  return new Map([[ACCESS_KEY, () => access]]);
}

/**
 * `backend` whose every rejection with `unauthenticated` (not signed in, the session locked or ended) is reported
 * to `onUnauthenticated` before it reaches the caller, so App can return to the sign-in screen from any screen.
 */
export function watchSession(backend: Backend, onUnauthenticated: (error: ApiError) => void): Backend {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(backend) as [string, unknown][]) {
    if (typeof method !== 'function') {
      out[name] = method;
      continue;
    }
    out[name] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(backend, args);
      } catch (e) {
        if (isUnauthenticated(e)) onUnauthenticated(e as ApiError);
        throw e;
      }
    };
  }
  return out as unknown as Backend;
}

function isUnauthenticated(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'unauthenticated';
}
