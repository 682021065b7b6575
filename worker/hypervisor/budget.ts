// The budget policy: how many of the store's frames may hold pages now.
//
// Two inputs make the frame budget given to the core (TmemStore.setBudget):
//   owner    the budget the application asked for (setBudget(bytes)), 0..totalFrames;
//   pressure a fraction (0..1) of the ephemeral share to give up while the page is hidden.
// The ephemeral share is owner − persistentFrames: persistent pages are never evicted by the
// store, so pressure never pushes the budget below them. Lowering the budget
// makes the core evict ephemeral pages at once; regrowing restores the owner's budget.
import { TmemError } from '../core/errors.js';
import type { TmemStore } from '../core/types.js';

/** Why the budget changed, as told to listeners. */
export type BudgetReason = 'start' | 'owner' | 'pressure' | 'regrow';

/** The budget as the page (and a frontswap tier writing pages back) sees it. */
export interface BudgetInfo {
  reason: BudgetReason;
  pageSize: number;
  totalFrames: number;
  /** The owner's budget (setBudget), in frames and bytes. */
  ownerFrames: number;
  ownerBytes: number;
  /** The budget in force now (owner minus any pressure cut), in frames and bytes. */
  budgetFrames: number;
  budgetBytes: number;
  /** Usage when the budget was set. usedFrames > budgetFrames means persistent pages must be
   *  written back before persistent puts succeed again. */
  usedFrames: number;
  persistentFrames: number;
  underPressure: boolean;
}

/** Keeps the owner's budget and the pressure cut, and gives their result to the core. */
export class BudgetPolicy {
  readonly #store: TmemStore;
  readonly #onChange: (info: BudgetInfo) => void;
  #ownerFrames: number;
  #cut = 0;
  #last: BudgetInfo;

  /**
   * @param store the store whose frames are budgeted.
   * @param ownerBytes the initial budget in bytes.
   * @param onChange told after every change of the owner's budget or of the budget in force.
   */
  constructor(store: TmemStore, ownerBytes: number, onChange: (info: BudgetInfo) => void) {
    this.#store = store;
    this.#onChange = onChange;
    this.#ownerFrames = this.#framesOf(ownerBytes);
    this.#last = this.#apply('start');
  }

  /** The budget as last applied. */
  get info(): BudgetInfo {
    return this.#last;
  }

  /**
   * Sets the owner's budget; it takes effect at once (lowering it evicts ephemeral pages).
   * @param bytes 0..capacity; more is clamped to the capacity.
   * @throws TmemError 'bad-options' when bytes is not a finite number >= 0 (nothing changes).
   */
  setOwnerBytes(bytes: number): BudgetInfo {
    if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0) {
      throw new TmemError('bad-options', `setBudget: bytes must be a finite number >= 0, got ${String(bytes)}`);
    }
    this.#ownerFrames = this.#framesOf(bytes);
    return this.#apply('owner');
  }

  /**
   * Sets the pressure cut: the fraction of the ephemeral share to give up (0 = none). It stays
   * in force across owner changes until set back to 0.
   * @returns the new budget.
   */
  setPressureCut(fraction: number): BudgetInfo {
    const reason: BudgetReason = fraction > 0 ? 'pressure' : 'regrow';
    this.#cut = fraction;
    return this.#apply(reason);
  }

  #framesOf(bytes: number): number {
    return Math.min(this.#store.totalFrames, Math.floor(bytes / this.#store.pageSize));
  }

  #apply(reason: BudgetReason): BudgetInfo {
    const before = this.#store.stats();
    const ephemeralShare = Math.max(0, this.#ownerFrames - before.persistentFrames);
    const target = this.#ownerFrames - Math.floor(ephemeralShare * this.#cut);
    const budgetFrames = this.#store.setBudget(target);
    const after = this.#store.stats();
    const pageSize = this.#store.pageSize;
    this.#last = {
      reason,
      pageSize,
      totalFrames: this.#store.totalFrames,
      ownerFrames: this.#ownerFrames,
      ownerBytes: this.#ownerFrames * pageSize,
      budgetFrames,
      budgetBytes: budgetFrames * pageSize,
      usedFrames: after.usedFrames,
      persistentFrames: after.persistentFrames,
      underPressure: this.#cut > 0,
    };
    this.#onChange(this.#last);
    return this.#last;
  }
}
