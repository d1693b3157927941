// The screens reachable from the sidebar once signed in: the work screens with their Alt+digit shortcuts, and
// the workspace's own screens (programs, people, audit log, settings) below them.
export type Screen =
  | 'dashboard'
  | 'sources'
  | 'coverage'
  | 'import'
  | 'postbacks'
  | 'affiliates'
  | 'plans'
  | 'statements'
  | 'flags'
  | 'reconcile'
  | 'disputes'
  | 'payouts'
  | 'programs'
  | 'people'
  | 'audit'
  | 'settings';

export type ScreenGroup = 'work' | 'workspace';

export const SCREENS: readonly { id: Screen; label: string; key?: string; group: ScreenGroup }[] = [
  { id: 'dashboard', label: 'Dashboard', key: '1', group: 'work' },
  { id: 'sources', label: 'Sources', key: '2', group: 'work' },
  { id: 'coverage', label: 'Coverage', key: '3', group: 'work' },
  { id: 'import', label: 'Import', key: '4', group: 'work' },
  { id: 'postbacks', label: 'Postbacks', key: '5', group: 'work' },
  { id: 'affiliates', label: 'Affiliates', key: '6', group: 'work' },
  { id: 'plans', label: 'Plans', key: '7', group: 'work' },
  { id: 'statements', label: 'Statements', key: '8', group: 'work' },
  { id: 'flags', label: 'Flagged traffic', key: '9', group: 'work' },
  { id: 'reconcile', label: 'Reconciliation', key: '0', group: 'work' },
  { id: 'disputes', label: 'Disputes', group: 'work' },
  { id: 'payouts', label: 'Payouts', group: 'work' },
  { id: 'programs', label: 'Programs', group: 'workspace' },
  { id: 'people', label: 'People', group: 'workspace' },
  { id: 'audit', label: 'Audit log', group: 'workspace' },
  { id: 'settings', label: 'Settings', group: 'workspace' },
];

/** The screens that act on the session's program (the others are the workspace's). */
export const PROGRAM_SCREENS: ReadonlySet<Screen> = new Set([
  'dashboard',
  'coverage',
  'affiliates',
  'plans',
  'statements',
  'flags',
  'reconcile',
  'disputes',
  'payouts',
]);

type ShortcutEvent = Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code' | 'target'>;

/**
 * The screen an Alt+digit key press asks for, if any. `code` keeps it layout-independent; inside a text field
 * the keys are left alone, since Option+digit types a character on macOS.
 */
export function screenForShortcut(event: ShortcutEvent): Screen | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return null;
  return SCREENS.find((s) => s.key !== undefined && event.code === `Digit${s.key}`)?.id ?? null;
}
