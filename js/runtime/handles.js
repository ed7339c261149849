/**
 * A resource handle table (the spec's `Table` of `ResourceHandle`s), one per resource type per
 * instance. Handle 0 is never handed out (the spec reserves it so guests can use 0 as "none"); freed
 * slots are reused, most recently freed first.
 */
import { trap } from '../errors.js';

export const OWN = 1;
export const BORROW = 2;

export class HandleTable {
  /** @param {string} name the resource's WIT name, for trap messages */
  constructor(name) {
    this.name = name;
    /** @type {any[]} the rep: a JS object for host resources, an i32 for guest resources */
    this.reps = [undefined];
    /** @type {number[]} 0 free, OWN or BORROW */
    this.flags = [0];
    /** @type {number[]} */
    this.free = [];
  }

  /** Inserts a handle and returns its index. */
  add(rep, flag) {
    let h;
    if (this.free.length > 0) {
      h = this.free.pop();
    } else {
      h = this.reps.length;
      this.reps.push(undefined);
      this.flags.push(0);
    }
    this.reps[h] = rep;
    this.flags[h] = flag;
    return h;
  }

  /** The rep of a live handle; traps on 0, out-of-range and freed handles. */
  get(h) {
    if (h === 0 || !(h < this.flags.length) || this.flags[h] === 0) trap(`unknown handle ${h} of resource \`${this.name}\``);
    return this.reps[h];
  }

  /** OWN or BORROW for a live handle (call `get` first). */
  flag(h) {
    return this.flags[h];
  }

  /** Removes a live handle and returns its rep; traps if `wantOwn` and the handle is a borrow. */
  remove(h, wantOwn = false) {
    const rep = this.get(h);
    if (wantOwn && this.flags[h] !== OWN) trap(`handle ${h} of resource \`${this.name}\` is a borrow, not an own`);
    this.reps[h] = undefined;
    this.flags[h] = 0;
    this.free.push(h);
    return rep;
  }

  /** Live entries, for disposal: [handle, rep, flag]. */
  *entries() {
    for (let h = 1; h < this.flags.length; h++) if (this.flags[h] !== 0) yield [h, this.reps[h], this.flags[h]];
  }
}
