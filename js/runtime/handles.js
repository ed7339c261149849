/**
 * Resource handle tables and the bookkeeping of borrows, after the canonical ABI's
 * `ComponentInstance.table` (a `Table` of `ResourceHandle`s), `num_lends`, `num_borrows` and
 * `borrow_scope`.
 *
 * Every component instance has one table, shared by all the resource types it uses (a composed
 * component has several component instances, so several tables): an `r2` made after an `r1` gets
 * the next index, and each entry remembers its type, which every use of the index checks. Index 0
 * is never handed out (the spec reserves it so guests can use 0 as "none"); a freed index is reused
 * before the table grows, the most recently freed first.
 */
import { trap } from '../errors.js';

export const OWN = 1;
export const BORROW = 2;

/** The spec's `Table.MAX_LENGTH`: the top 4 bits of an index stay free for guests to use. */
const MAX_INDEX = 2 ** 28 - 1;

/**
 * A resource type as the table sees it: `def.name` for messages, and `abandon(rep)` for what the
 * instance's disposal does with an own handle still in the table.
 * @typedef {{def: {name: string}, abandon(rep: any): void}} TableType
 */

export class HandleTable {
  constructor() {
    /** @type {(TableType|null)[]} the entry's resource type; null while the index is free */
    this.types = [null];
    /** @type {any[]} the rep: a JS object for host resources, an i32 for guest resources */
    this.reps = [undefined];
    /** @type {number[]} OWN or BORROW */
    this.flags = [0];
    /** @type {number[]} for an own: how many borrows of it are lent out in calls in progress */
    this.lends = [0];
    /**
     * @type {(number|{numBorrows: number})[]} for a borrow, its borrow scope: the depth of the sync
     * call it was lent to, or the async task (call-stack.js's `adopt`)
     */
    this.scopes = [0];
    /** @type {number[]} */
    this.free = [];
  }

  /** Inserts a handle to `rep` of resource type `type` and returns its index. */
  add(type, rep, flag, scope = 0) {
    let h;
    if (this.free.length > 0) {
      h = this.free.pop();
    } else {
      h = this.types.length;
      if (h > MAX_INDEX) trap(`the handle table is full (${MAX_INDEX} handles)`);
      this.types.push(null);
      this.reps.push(undefined);
      this.flags.push(0);
      this.lends.push(0);
      this.scopes.push(0);
    }
    this.types[h] = type;
    this.reps[h] = rep;
    this.flags[h] = flag;
    this.lends[h] = 0;
    this.scopes[h] = scope;
    return h;
  }

  /** The rep of live handle `h`, which must be of resource type `type`; traps on 0, free and out-of-range indices. */
  get(h, type) {
    const held = h < this.types.length ? this.types[h] : null;
    if (held === null) trap(`unknown handle index ${h} (used as a \`${type.def.name}\`)`);
    if (held !== type) trap(`handle index ${h} has the wrong type: it holds a \`${held.def.name}\`, not a \`${type.def.name}\``);
    return this.reps[h];
  }

  /** Whether `h` is live, of type `type`, with rep `rep` (for rolling back a lowering). */
  holds(h, type, rep) {
    return h < this.types.length && this.types[h] === type && this.reps[h] === rep;
  }

  /** The spec's `lift_own`: moves an own handle out of the table. */
  take(h, type) {
    const rep = this.get(h, type);
    const name = type.def.name;
    if (this.flags[h] !== OWN) trap(`handle ${h} of resource \`${name}\` is a borrow, not an own`);
    if (this.lends[h] !== 0) trap(`own handle ${h} of resource \`${name}\` is lent out in a call in progress`);
    this.remove(h);
    return rep;
  }

  /** The spec's `lift_borrow`: an own handle lent to a call is pinned until that call returns. */
  lend(h, type, calls) {
    const rep = this.get(h, type);
    if (this.flags[h] === OWN) {
      this.lends[h]++;
      calls.lends.push(this, h);
    }
    return rep;
  }

  /**
   * The handle side of `resource.drop`: removes the handle and returns whether it was an own (whose
   * resource must now be destroyed). Dropping a borrow ends it within its call.
   */
  drop(h, type, calls) {
    this.get(h, type);
    if (this.flags[h] === OWN) {
      if (this.lends[h] !== 0) trap(`own handle ${h} of resource \`${type.def.name}\` is dropped while lent out`);
      this.remove(h);
      return true;
    }
    const scope = this.scopes[h];
    if (typeof scope === 'number') calls.borrows[scope]--;
    else scope.numBorrows--;
    this.remove(h);
    return false;
  }

  /** Makes `scope` the borrow scope of `h` if it is a borrow lent to the call at depth `d`: whether it was. */
  rescope(h, d, scope) {
    if (this.flags[h] !== BORROW || this.scopes[h] !== d) return false;
    this.scopes[h] = scope;
    return true;
  }

  /** Frees a live handle. */
  remove(h) {
    this.types[h] = null;
    this.reps[h] = undefined;
    this.scopes[h] = 0;
    this.free.push(h);
  }

  /** Instance disposal: empties the table, handing each own's rep to its type's `abandon`. */
  disposeAll() {
    for (let h = 1; h < this.types.length; h++) {
      const type = this.types[h];
      if (type === null) continue;
      const rep = this.reps[h];
      const own = this.flags[h] === OWN;
      this.remove(h);
      if (own) type.abandon(rep);
    }
  }
}
