/**
 * Every call keeps its books here, resources or not; the handle tables themselves (handles.js) load
 * only for components that have resources.
 */
import { trap } from '../errors.js';

/**
 * The calls in progress in one top-level instance (all of its component instances), innermost last.
 * Calls are synchronous and strictly nested, so a call is known by its depth:
 *
 * - `borrows[d]`: the borrow handles lent to the call at depth `d` that it has not dropped yet; the
 *   call traps if any remain when it returns (the spec's `num_borrows` check);
 * - `lends`: own handles that callers lent out as borrows, as (table, handle) pairs, released when
 *   the lowered call that lent them returns (the spec's `lenders`);
 * - `lowered`: while the host's arguments to an export are lowered (`recording`), the handles that
 *   lowering made, as (handler, handle, value) triples, so that an argument refused half-way is
 *   rolled back before any guest code runs.
 */
export class CallStack {
  constructor() {
    this.depth = 0;
    this.borrows = [0];
    this.lends = [];
    this.lowered = [];
    this.recording = false;
    /**
     * The spec's `may_leave`: false while the guest runs its `realloc` or `post-return` for the
     * glue, when calling out to an import would re-enter the host in the middle of a copy.
     */
    this.mayLeave = true;
  }

  /** A lifted function is entered: a new borrow scope, whose arguments are now lowered. Returns its depth. */
  enter() {
    const d = ++this.depth;
    this.borrows[d] = 0;
    this.recording = true;
    return d;
  }

  /**
   * The call just entered (depth `d`) is an async task's, whose arguments are lowered: the task, not
   * the depth, is the borrow scope of the borrows they lent it (the spec's `borrow_scope`), since
   * other calls come and go while it waits. Call before `settle`, while `lowered` lists them.
   * @param {number} d
   * @param {{numBorrows: number}} task
   */
  adopt(d, task) {
    const lowered = this.lowered;
    for (let i = 0; i < lowered.length && this.borrows[d] !== 0; i += 3) {
      const h = lowered[i + 1];
      if (h !== 0 && lowered[i].table.rescope(h, d, task)) {
        this.borrows[d]--;
        task.numBorrows++;
      }
    }
  }

  /** The arguments of the call just entered are lowered: nothing to roll back any more. */
  settle() {
    this.recording = false;
    if (this.lowered.length !== 0) this.lowered.length = 0;
  }

  /** The call just entered (depth `d`) is abandoned before the guest ran: undoes its lowering. */
  abandon(d) {
    const lowered = this.lowered;
    for (let i = lowered.length - 3; i >= 0; i -= 3) lowered[i].undo(lowered[i + 1], lowered[i + 2]);
    this.settle();
    this.depth = d - 1;
  }

  /**
   * The call at depth `d` returns: traps if it still holds a borrow it was lent (the guest must drop
   * every borrow handle before it returns).
   */
  exit(d, context) {
    const n = this.borrows[d];
    if (n !== 0) {
      trap(`\`${context}\` returned while still holding ${n} borrowed handle${n === 1 ? '' : 's'} (a borrow must be dropped before the call returns)`);
    }
    this.depth = d - 1;
  }

  /** Ends the lends made since `mark` (`lends.length` taken before a lowered call lifted its arguments). */
  release(mark) {
    const lends = this.lends;
    for (let i = mark; i < lends.length; i += 2) lends[i].lends[lends[i + 1]]--;
    lends.length = mark;
  }

  /** After a trap: the instance is dead, and so is every call in progress. */
  reset() {
    this.depth = 0;
    this.lends.length = 0;
    this.settle();
  }
}
