// The keyboard shortcut that toggles the in-page panel, written like "Alt+Shift+T".

/** Default shortcut: T for tmem, with two modifiers so it rarely collides with a site's own. */
export const DEFAULT_SHORTCUT = 'Alt+Shift+T';

interface Combo {
  key: string;
  alt: boolean;
  shift: boolean;
  ctrl: boolean;
  meta: boolean;
}

/**
 * Parses "Ctrl+Alt+Shift+Meta+<key>" (any order, case-insensitive).
 * @throws TypeError when no key or an unknown modifier is given.
 */
export function parseShortcut(text: string): Combo {
  const parts = text.split('+').map((p) => p.trim()).filter(Boolean);
  const key = parts.pop();
  if (!key) throw new TypeError(`webtmem: empty shortcut "${text}"`);
  const combo: Combo = { key: key.toLowerCase(), alt: false, shift: false, ctrl: false, meta: false };
  for (const p of parts) {
    const m = p.toLowerCase();
    if (m === 'alt' || m === 'option') combo.alt = true;
    else if (m === 'shift') combo.shift = true;
    else if (m === 'ctrl' || m === 'control') combo.ctrl = true;
    else if (m === 'meta' || m === 'cmd' || m === 'command') combo.meta = true;
    else throw new TypeError(`webtmem: unknown modifier "${p}" in shortcut "${text}"`);
  }
  return combo;
}

/** The letter or digit a key event stands for, from its physical key: with Alt (Option on a
 *  Mac) held, `event.key` is often another character (Alt+T gives "†"). */
function keyOf(e: KeyboardEvent): string {
  const m = /^(?:Key|Digit)(.)$/.exec(e.code);
  return (m ? m[1]! : e.key).toLowerCase();
}

/** Whether the key goes to text being typed: a composition (an IME), or a field that takes
 *  text (on a Mac, Option+Shift+T types "ˇ" there: the shortcut must not swallow it). */
function typing(e: KeyboardEvent): boolean {
  if (e.isComposing) return true;
  const el = (typeof e.composedPath === 'function' ? e.composedPath()[0] : e.target) as { tagName?: unknown; isContentEditable?: unknown } | null;
  if (!el || typeof el !== 'object') return false;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true;
}

/**
 * Calls `run` when the shortcut is pressed anywhere in the window, except while typing in a
 * field (an input, a textarea, a select, contenteditable) or composing.
 * @param shortcut E.g. "Alt+Shift+T".
 * @param run What to do.
 * @param target Where to listen; default window.
 * @returns A function removing the listener.
 */
export function installShortcut(shortcut: string, run: () => void, target: EventTarget = window): () => void {
  const c = parseShortcut(shortcut);
  const onKey = (ev: Event) => {
    const e = ev as KeyboardEvent;
    if (e.repeat || e.altKey !== c.alt || e.shiftKey !== c.shift || e.ctrlKey !== c.ctrl || e.metaKey !== c.meta) return;
    if (keyOf(e) !== c.key || typing(e)) return;
    e.preventDefault();
    run();
  };
  // Capture phase: a site that stops propagation of key events still lets the shortcut through.
  target.addEventListener('keydown', onKey, { capture: true });
  return () => target.removeEventListener('keydown', onKey, { capture: true });
}
