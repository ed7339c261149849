/**
 * Waitables and waitable sets, and the table that holds them: the canonical ABI's `Waitable`,
 * `WaitableSet` and `Table` (CanonicalABI.md, "Waitable State" and "Table State").
 *
 * A waitable (a subtask here) holds at most one pending event, kept as a closure that computes the
 * event when it is delivered (so a subtask's state is read then, not when it changed). A guest
 * joins waitables to a set and waits on, or polls, the set.
 *
 * Each component instance has one such table for its subtasks and waitable sets. The spec keeps
 * resource handles in the same table; Terrarium keeps those in the resource handle table
 * (handles.js), so an index of one kind is never one of the other, and using it as the other traps
 * all the same.
 */
import { trap } from '../../errors.js';

/** The spec's `Table.MAX_LENGTH`: the top 4 bits of an index stay free for packed return codes. */
const MAX_INDEX = 2 ** 28 - 1;

export class AsyncTable {
  constructor() {
    /** index 0 is never handed out: guests use it as "none" */
    this.array = [null];
    this.free = [];
  }

  /** The entry at `i`, or a trap naming `what` the guest passed it as. */
  get(i, what) {
    const e = this.array[i];
    if (e === undefined || e === null) trap(`${what} ${i} is not a live handle`);
    return e;
  }

  add(e) {
    if (this.free.length > 0) {
      const i = this.free.pop();
      this.array[i] = e;
      return i;
    }
    const i = this.array.length;
    if (i > MAX_INDEX) trap(`the table of waitables is full (${MAX_INDEX} entries)`);
    this.array.push(e);
    return i;
  }

  remove(i, what) {
    const e = this.get(i, what);
    this.array[i] = null;
    this.free.push(i);
    return e;
  }
}

export class Waitable {
  constructor() {
    /** @type {(() => [number, number, number]) | null} */
    this.pendingEvent = null;
    /** @type {WaitableSet | null} */
    this.set = null;
  }

  hasPendingEvent() {
    return this.pendingEvent !== null;
  }

  /** Takes the pending event: `[code, p1, p2]`. */
  takePendingEvent() {
    const event = this.pendingEvent;
    this.pendingEvent = null;
    return event();
  }

  /** The spec's `join`: leaves its set, if any, and joins `set` (null: none). */
  join(set) {
    if (this.set !== null) this.set.elems.splice(this.set.elems.indexOf(this), 1);
    this.set = set;
    if (set !== null) set.elems.push(this);
  }
}

export class WaitableSet {
  constructor() {
    /** @type {Waitable[]} */
    this.elems = [];
    /** how many tasks wait on this set now */
    this.numWaiting = 0;
  }

  hasPendingEvent() {
    return this.elems.some((w) => w.hasPendingEvent());
  }

  /**
   * Takes the first pending event. The spec picks one at random; Terrarium takes them in the order
   * the waitables joined, which is one of the orders the spec allows, and makes runs repeatable.
   */
  takePendingEvent() {
    return this.elems.find((w) => w.hasPendingEvent()).takePendingEvent();
  }

  /** The spec's `WaitableSet.drop`: a set with members or waiters may not be dropped. */
  drop(i) {
    if (this.elems.length > 0) trap(`waitable set ${i} was dropped while ${this.elems.length} waitable${this.elems.length === 1 ? ' is' : 's are'} still joined to it`);
    if (this.numWaiting > 0) trap(`waitable set ${i} was dropped while a task waits on it`);
  }
}
