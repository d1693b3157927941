// The screens reachable from the sidebar once a workspace has data, with their Alt+digit shortcuts.
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
  | 'reconcile';

export const SCREENS: readonly { id: Screen; label: string; key: string }[] = [
  { id: 'dashboard', label: 'Dashboard', key: '1' },
  { id: 'sources', label: 'Sources', key: '2' },
  { id: 'coverage', label: 'Coverage', key: '3' },
  { id: 'import', label: 'Import', key: '4' },
  { id: 'postbacks', label: 'Postbacks', key: '5' },
  { id: 'affiliates', label: 'Affiliates', key: '6' },
  { id: 'plans', label: 'Plans', key: '7' },
  { id: 'statements', label: 'Statements', key: '8' },
  { id: 'flags', label: 'Flagged traffic', key: '9' },
  { id: 'reconcile', label: 'Reconciliation', key: '0' },
];

type ShortcutEvent = Pick<KeyboardEvent, 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'code' | 'target'>;

/**
 * The screen an Alt+digit key press asks for, if any. `code` keeps it layout-independent; inside a text field
 * the keys are left alone, since Option+digit types a character on macOS.
 */
export function screenForShortcut(event: ShortcutEvent): Screen | null {
  if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return null;
  return SCREENS.find((s) => event.code === `Digit${s.key}`)?.id ?? null;
}
