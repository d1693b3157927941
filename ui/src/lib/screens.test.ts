import { describe, expect, it } from 'vitest';
import { screenForShortcut } from './screens';

const key = (code: string, over: Partial<KeyboardEvent> = {}) =>
  screenForShortcut({ altKey: true, ctrlKey: false, metaKey: false, shiftKey: false, code, target: null, ...over });

describe('screenForShortcut', () => {
  it('maps Alt+1..7 to the screens in sidebar order', () => {
    expect([key('Digit1'), key('Digit2'), key('Digit3'), key('Digit4'), key('Digit5'), key('Digit6'), key('Digit7'), key('Digit8')]).toEqual([
      'dashboard',
      'sources',
      'coverage',
      'import',
      'postbacks',
      'flags',
      'reconcile',
      null,
    ]);
  });

  it('ignores other modifiers and key presses inside text fields', () => {
    expect(key('Digit2', { altKey: false })).toBeNull();
    expect(key('Digit2', { ctrlKey: true })).toBeNull();
    expect(key('Digit2', { target: document.createElement('input') })).toBeNull();
    expect(key('Digit2', { target: document.createElement('button') })).toBe('sources');
  });
});
