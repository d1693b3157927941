import { describe, expect, it } from 'vitest';
import { screenForShortcut } from './screens';

const key = (code: string, over: Partial<KeyboardEvent> = {}) =>
  screenForShortcut({ altKey: true, ctrlKey: false, metaKey: false, shiftKey: false, code, target: null, ...over });

describe('screenForShortcut', () => {
  it('maps Alt+1..9 and Alt+0 to the screens in sidebar order', () => {
    const codes = ['Digit1', 'Digit2', 'Digit3', 'Digit4', 'Digit5', 'Digit6', 'Digit7', 'Digit8', 'Digit9', 'Digit0', 'KeyA'];
    expect(codes.map((c) => key(c))).toEqual([
      'dashboard',
      'sources',
      'coverage',
      'import',
      'postbacks',
      'affiliates',
      'plans',
      'statements',
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
