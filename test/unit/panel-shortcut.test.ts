// The panel's keyboard shortcut: toggles on its keys anywhere but in a field being typed in
// (an input, a textarea, a select, contenteditable) or during a composition; a bad shortcut is
// refused with a clear error.
import { describe, expect, it } from 'vitest';
import { installShortcut, parseShortcut } from '../../app/panel/shortcut.js';

/** A keydown as the browser dispatches it, from `target`. */
function keydown(target: object, init: Partial<KeyboardEvent> = {}): Event & { prevented: boolean } {
  const e = new Event('keydown') as Event & { prevented: boolean };
  Object.assign(e, { altKey: true, shiftKey: true, ctrlKey: false, metaKey: false, repeat: false, isComposing: false, code: 'KeyT', key: 'ˇ', ...init });
  Object.defineProperty(e, 'composedPath', { value: () => [target] });
  e.prevented = false;
  Object.defineProperty(e, 'preventDefault', { value: () => { e.prevented = true; } });
  return e;
}

describe('installShortcut', () => {
  it('runs on Alt+Shift+T (by its physical key), not while typing in a field or composing', () => {
    const target = new EventTarget();
    let runs = 0;
    const remove = installShortcut('Alt+Shift+T', () => { runs++; }, target);
    const page = { tagName: 'DIV', isContentEditable: false };
    const cases: [object, Partial<KeyboardEvent>, number][] = [
      [page, {}, 1],
      [{ tagName: 'INPUT' }, {}, 0],
      [{ tagName: 'TEXTAREA' }, {}, 0],
      [{ tagName: 'DIV', isContentEditable: true }, {}, 0],
      [page, { isComposing: true }, 0],
      [page, { ctrlKey: true }, 0],
      [page, { code: 'KeyY', key: 'Y' }, 0],
    ];
    for (const [el, init, expected] of cases) {
      const before = runs;
      const e = keydown(el, init);
      target.dispatchEvent(e);
      expect([runs - before, e.prevented]).toEqual([expected, expected === 1]);
    }
    remove();
    target.dispatchEvent(keydown(page));
    expect(runs).toBe(1);
  });

  it('refuses an unknown modifier or an empty shortcut', () => {
    expect(() => parseShortcut('Hyper+T')).toThrow(/unknown modifier "Hyper"/);
    expect(() => parseShortcut('')).toThrow(/empty shortcut/);
  });
});
