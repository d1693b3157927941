// The keyboard of a modal dialog, shared by every dialog: Tab and Shift+Tab cycle inside it (focus never leaves
// for the page behind).

const FOCUSABLE = 'input:not([disabled]), textarea:not([disabled]), select:not([disabled]), button:not(:disabled)';

/** Keeps Tab inside `box`: from the last focusable element to the first, and Shift+Tab the other way. */
export function trapTab(event: KeyboardEvent, box: HTMLElement | null | undefined): void {
  if (event.key !== 'Tab' || !box) return;
  const focusable = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
  if (focusable.length === 0) return;
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}
