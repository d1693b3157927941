// Test data for people, sessions and the audit log, shaped exactly like the generated bindings.
import type {
  AuditPage,
  AuditRow,
  DemoPerson,
  Permission,
  Person,
  Role,
  SessionStatus,
  VerifyReport,
} from '../lib/bindings';

/** crates/core/src/people/roles.rs, for the fake backend (the real one sends the permissions with the session). */
export const ROLE_PERMISSIONS: Record<Role, Permission[]> = {
  owner: ['view', 'users.manage', 'workspace.settings', 'programs.manage', 'workspace.backup'],
  manager: ['view', 'programs.manage', 'sources.manage', 'data.ingest', 'attribution.manage', 'plans.manage', 'commission.compute'],
  finance: [
    'view',
    'commission.compute',
    'periods.close',
    'reconcile.run',
    'statements.approve',
    'payees.manage',
    'payouts.manage',
    'payouts.approve',
    'workspace.backup',
  ],
  analyst: ['view', 'data.ingest', 'detection.run', 'flags.decide', 'reconcile.run', 'disputes.work'],
  viewer: ['view'],
};

export function permissionsOf(roles: readonly Role[]): Permission[] {
  return [...new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r]))];
}

let nextId = 1;

export function person(name: string, roles: Role[], over: Partial<Person> = {}): Person {
  return {
    id: nextId++,
    name,
    display_name: name.charAt(0).toUpperCase() + name.slice(1),
    roles,
    active: true,
    can_sign_in: true,
    public_key: 'ab'.repeat(32),
    created_at_ms: Date.UTC(2026, 10, 1, 9),
    ...over,
  };
}

/** Someone holding every permission: the fake backend's default signed-in person. */
export const ADMIN = person('sam', ['owner', 'manager', 'finance', 'analyst'], { display_name: 'Sam Admin' });

export const DEMO_PEOPLE: DemoPerson[] = [
  { name: 'olivia', display_name: 'Olivia Owner', roles: ['owner'], passphrase: 'olivia-demo-pass' },
  { name: 'max', display_name: 'Max Manager', roles: ['manager'], passphrase: 'max-demo-pass' },
  { name: 'fiona', display_name: 'Fiona Finance', roles: ['finance'], passphrase: 'fiona-demo-pass' },
  { name: 'felix', display_name: 'Felix Finance', roles: ['finance'], passphrase: 'felix-demo-pass' },
  { name: 'ana', display_name: 'Ana Analyst', roles: ['analyst'], passphrase: 'ana-demo-pass' },
  { name: 'vera', display_name: 'Vera Viewer', roles: ['viewer'], passphrase: 'vera-demo-pass' },
];

/** A session signed in as `who` (null: nobody). */
export function session(who: Person | null, over: Partial<SessionStatus> = {}, idleLockMinutes = 15): SessionStatus {
  return {
    signed_in: who
      ? {
          person: who,
          permissions: permissionsOf(who.roles),
          program: null,
          signed_in_at_ms: Date.UTC(2026, 10, 3, 9),
          idle_lock_minutes: idleLockMinutes,
        }
      : null,
    has_people: true,
    demo_people: [],
    data_dir: '/tmp/affops-test/data',
    ...over,
  };
}

/** An empty workspace: nobody can sign in yet (the welcome screen). */
export const EMPTY_WORKSPACE: SessionStatus = session(null, { has_people: false });

export function auditRow(id: number, over: Partial<AuditRow> = {}): AuditRow {
  return {
    id,
    at_ms: Date.UTC(2026, 10, 3, 10, id),
    user_id: 5,
    actor: 'ana',
    action: 'flag_decide',
    program: 'Lucky Casino EU',
    entity: 'flag',
    entity_id: String(id),
    request_sha256: 'c'.repeat(64),
    detail: '{"decision":"confirm"}',
    prev_hash: 'a'.repeat(64),
    hash: `${String(id).padStart(4, '0')}${'b'.repeat(60)}`,
    format: 2,
    ...over,
  };
}

export function auditPage(rows: AuditRow[], over: Partial<AuditPage> = {}): AuditPage {
  return {
    rows,
    total: rows.length,
    actors: [...new Set(rows.map((r) => r.actor))].sort(),
    actions: [...new Set(rows.map((r) => r.action))].sort(),
    ...over,
  };
}

export function verifyReport(over: Partial<VerifyReport> = {}): VerifyReport {
  return { rows: 42, head_hash: 'f'.repeat(64), broken: null, people_mismatches: [], ok: true, ...over };
}
