// Client checks of the people forms (welcome, sign-in, People): the same rules the core applies
// (crates/core/src/people/users.rs and secret.rs), checked first so a typo is named beside its field. The core
// still decides; its `invalid_input` message is shown when it refuses.
import type { Person, Role } from './bindings';
import { compareIntStrings, sign, type SortDir, type SortState } from './sort';

/** crates/core/src/people/secret.rs `PASSPHRASE_CHARS_MIN`. */
export const PASSPHRASE_CHARS_MIN = 10;
export const PASSPHRASE_CHARS_MAX = 256;
/** crates/core/src/people/users.rs. */
export const NAME_CHARS_MAX = 64;
export const DISPLAY_NAME_CHARS_MAX = 100;
/** crates/core/src/people/settings.rs. */
export const IDLE_LOCK_MINUTES_MIN = 1;
export const IDLE_LOCK_MINUTES_MAX = 480;

const NAME_RE = /^[a-z][a-z0-9._-]*$/;

export function nameError(raw: string): string | null {
  const name = raw.trim().toLowerCase();
  if (!name) return 'Enter a sign-in name.';
  if (name.length > NAME_CHARS_MAX || !NAME_RE.test(name)) {
    return `A letter first, then letters, digits, “.”, “_” or “-” (at most ${NAME_CHARS_MAX}).`;
  }
  return null;
}

export function displayNameError(raw: string): string | null {
  const d = raw.trim();
  if (!d) return 'Enter the name people see, e.g. “Olivia Owner”.';
  if (d.length > DISPLAY_NAME_CHARS_MAX) return `At most ${DISPLAY_NAME_CHARS_MAX} characters.`;
  return null;
}

export function passphraseError(passphrase: string): string | null {
  const n = [...passphrase].length;
  if (n < PASSPHRASE_CHARS_MIN) return `Use at least ${PASSPHRASE_CHARS_MIN} characters (${n} so far).`;
  if (n > PASSPHRASE_CHARS_MAX) return `Use at most ${PASSPHRASE_CHARS_MAX} characters.`;
  return null;
}

export function confirmError(passphrase: string, confirmation: string): string | null {
  return passphrase === confirmation ? null : 'The two passphrases differ.';
}

export function rolesError(roles: readonly Role[]): string | null {
  return roles.length ? null : 'Choose at least one role (a viewer sees everything and changes nothing).';
}

export function idleMinutesError(text: string): string | null {
  const t = text.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n < IDLE_LOCK_MINUTES_MIN || n > IDLE_LOCK_MINUTES_MAX) {
    return `Give ${IDLE_LOCK_MINUTES_MIN} to ${IDLE_LOCK_MINUTES_MAX} minutes.`;
  }
  return null;
}

/** Field → message, only the fields that are wrong. */
export type Errors<F extends string> = Partial<Record<F, string>>;

export function collect<F extends string>(checks: Record<F, string | null>): Errors<F> {
  const out: Errors<F> = {};
  for (const [field, message] of Object.entries(checks) as [F, string | null][]) {
    if (message) out[field] = message;
  }
  return out;
}

export type PersonSortKey = 'name' | 'display_name' | 'roles' | 'active' | 'created';

export const PERSON_DEFAULT_SORT: SortState<PersonSortKey> = { key: 'name', dir: 'asc' };

function comparePeople(key: PersonSortKey, a: Person, b: Person): number {
  switch (key) {
    case 'name':
      return a.name.localeCompare(b.name);
    case 'display_name':
      return a.display_name.localeCompare(b.display_name, undefined, { sensitivity: 'base' });
    case 'roles':
      return a.roles.join(',').localeCompare(b.roles.join(','));
    case 'active':
      return sign(Number(a.active) - Number(b.active));
    case 'created':
      return compareIntStrings(String(a.created_at_ms), String(b.created_at_ms));
  }
}

export function sortPeople(rows: readonly Person[], sort: SortState<PersonSortKey>): Person[] {
  const factor: number = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => factor * comparePeople(sort.key, a, b) || a.name.localeCompare(b.name));
}

export function firstPersonDir(key: PersonSortKey): SortDir {
  return key === 'created' || key === 'active' ? 'desc' : 'asc';
}
