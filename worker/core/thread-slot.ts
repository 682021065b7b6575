// Counter slots: each attached thread counts its events in blocks of its own (one writer, no
// atomic adds), in one of L.COUNTER_SLOTS - 1 slots; slot 0 is shared, with Atomics, by every
// thread that finds none free. A slot given back (Store.releaseSlot, when a thread detaches)
// is taken again by the next thread that attaches, so a page that starts and ends workers one
// after another keeps giving each its own.
import * as L from '../layout.js';

/** Bits of H_SLOTS_TAKEN that name slots a thread may own (slot 0 is never owned). */
const OWNABLE = (L.COUNTER_SLOTS >= 32 ? -1 : (1 << L.COUNTER_SLOTS) - 1) & ~1;

/**
 * Takes the lowest free counter slot for a thread attaching now, or 0 when every one is taken.
 * @param w the store's header words
 * @returns the slot
 */
export function takeSlot(w: Int32Array): number {
  for (;;) {
    const taken = Atomics.load(w, L.H_SLOTS_TAKEN);
    const free = ~taken & OWNABLE;
    if (free === 0) return 0;
    const bit = free & -free;
    if (Atomics.compareExchange(w, L.H_SLOTS_TAKEN, taken, taken | bit) !== taken) continue;
    const s = 31 - Math.clz32(bit);
    // stats() sums the slots below H_NEXT_SLOT: raise it past this one.
    for (let top = Atomics.load(w, L.H_NEXT_SLOT); top < s + 1;) {
      const seen = Atomics.compareExchange(w, L.H_NEXT_SLOT, top, s + 1);
      if (seen === top) break;
      top = seen;
    }
    return s;
  }
}
