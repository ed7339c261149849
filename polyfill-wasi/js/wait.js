// Waiting, for one guest instance. WASI calls are synchronous, and a page's main thread cannot
// block; what a blocking call (`pollable.block`, `poll`, `blocking-read`, …) does when what it
// waits for is not ready yet depends on how the instance runs:
//
// - 'none':  it throws a trap that names the call and says waiting needs JSPI or a worker;
// - 'async': it returns a promise (JSPI suspends the guest on it; in the worker mode the page's
//            side of a call awaits it and then wakes the guest's thread);
// - 'sync':  it blocks the calling thread with Atomics.wait: the guest runs in a worker, timers
//            wait with Atomics.wait's timeout, and whatever lives in the page is asked through
//            `remote.poll` (the page does the waiting and wakes the worker).
//
// What a pollable waits for is a *condition*: `{ready(), what}` plus either `deadline` and
// `clock` (a timer) or `whenReady()` (a promise, for anything fed by the event loop).

import { GuestTrap } from '../../js/errors.js';

/** A condition that always holds: stdio, files, everything in memory. */
export const ALWAYS = Object.freeze({ ready: () => true, what: 'a stream' });

/** A timer condition: due once `clock.now()` reaches `deadline` (nanoseconds). */
export function timer(clock, deadline) {
  return {
    deadline,
    clock,
    ready: () => clock.now() >= deadline,
    get what() {
      const left = Number(deadline - clock.now()) / 1e6;
      return `a timer due in ${left > 0 ? left.toFixed(1) : 0} ms`;
    },
  };
}

/** The monotonic clock of one instance: real, a function the embedder gave, or virtual. */
export class MonotonicClock {
  #now;
  /** virtual: starts at 0 and moves only when the guest waits (at once, to the deadline). */
  virtual;
  #virtualNow = 0n;
  #last = 0n;

  /** @param {undefined|'virtual'|(() => bigint|number)} option */
  constructor(option) {
    this.virtual = option === 'virtual';
    if (option === undefined || option === null || this.virtual) this.#now = null;
    else if (typeof option === 'function') this.#now = option;
    else throw new TypeError("wasi: clocks.monotonic must be a function returning nanoseconds, or 'virtual'");
  }

  now() {
    if (this.virtual) return this.#virtualNow;
    if (this.#now !== null) {
      const v = this.#now();
      return typeof v === 'bigint' ? v : BigInt(Math.round(Number(v)));
    }
    // performance.now() is in milliseconds; the max() keeps the clock from ever stepping back.
    const ns = BigInt(Math.round(performance.now() * 1e6));
    if (ns > this.#last) this.#last = ns;
    return this.#last;
  }

  /** Virtual clocks only: time moves to `t` (never back). */
  advanceTo(t) {
    if (t > this.#virtualNow) this.#virtualNow = t;
  }
}

/** Milliseconds (for setTimeout / Atomics.wait) until `cond`'s deadline, at least 0, rounded up. */
function msUntil(cond) {
  const ns = cond.deadline - cond.clock.now();
  return ns <= 0n ? 0 : Math.ceil(Number(ns) / 1e6);
}

const sleepPromise = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The indices of the conditions that hold now. */
function readyIndices(conds) {
  const ready = [];
  for (let i = 0; i < conds.length; i++) if (conds[i] !== null && conds[i].ready()) ready.push(i);
  return ready;
}

/**
 * Moves virtual clocks to the earliest virtual deadline among `conds` (the guest "waited" for it).
 * Returns whether anything moved.
 */
function advanceVirtual(conds) {
  let earliest = null;
  for (const c of conds) {
    if (c !== null && c.deadline !== undefined && c.clock.virtual && (earliest === null || c.deadline < earliest.deadline)) {
      earliest = c;
    }
  }
  if (earliest === null) return false;
  earliest.clock.advanceTo(earliest.deadline);
  return true;
}

/** The trap for a wait an instance with `blocking: 'none'` cannot do. */
export function cannotWait(call, what) {
  return new GuestTrap(
    `\`${call}\` would have to wait for ${what}; waiting needs JSPI or a worker ` +
      "(`blocking: 'jspi'` or `'worker'`), and this instance has `blocking: 'none'`",
  );
}

export class Waiter {
  /**
   * @param {'none'|'async'|'sync'} mode
   * @param {{sleep?: (ms: number) => void, remote?: {isRemote(p: any): boolean,
   *   poll(pollables: any[], timeoutMs: number): boolean[]}}} [hooks] for 'sync': how to sleep,
   *   and how to wait on pollables that live in the page
   */
  constructor(mode = 'none', hooks = {}) {
    if (!['none', 'async', 'sync'].includes(mode)) throw new TypeError(`unknown wait mode ${mode}`);
    this.mode = mode;
    this.sleep = hooks.sleep ?? null;
    this.remote = hooks.remote ?? null;
  }

  /**
   * The indices of the ready items of `items`, waiting until there is at least one. `condOf(item)`
   * is an item's condition, or null for a remote pollable (sync mode). Returns the indices, or a
   * promise of them in 'async' mode when it has to wait.
   * @param {string} call the WASI call, for the trap message
   */
  poll(items, condOf, call) {
    const conds = items.map(condOf);
    const ready = this.mode === 'sync' ? null : readyIndices(conds);
    if (ready !== null && ready.length > 0) return ready;
    if (this.mode === 'none') {
      if (advanceVirtual(conds)) return readyIndices(conds);
      const first = conds.find((c) => c !== null);
      const what = conds.length === 1 ? first.what : `any of ${conds.length} pollables (the first: ${first.what})`;
      throw cannotWait(call, what);
    }
    if (this.mode === 'async') return this.#pollAsync(conds);
    return this.#pollSync(items, conds, call);
  }

  /** Runs `then()` once `cond` holds: at once, after a promise ('async'), or a trap ('none'). */
  when(cond, then, call) {
    if (cond.ready()) return then();
    const r = this.poll([cond], (c) => c, call);
    return r instanceof Promise ? r.then(then) : then();
  }

  async #pollAsync(conds) {
    for (;;) {
      const ready = readyIndices(conds);
      if (ready.length > 0) return ready;
      if (advanceVirtual(conds)) continue;
      await new Promise((resolve) => {
        let timeout = Infinity;
        for (const c of conds) {
          if (c.deadline !== undefined) timeout = Math.min(timeout, msUntil(c));
          else if (c.whenReady !== undefined) c.whenReady().then(resolve, resolve);
        }
        if (timeout !== Infinity) sleepPromise(timeout).then(resolve);
      });
    }
  }

  #pollSync(items, conds, call) {
    for (;;) {
      const ready = readyIndices(conds);
      let timeout = Infinity;
      if (ready.length > 0) timeout = 0;
      else if (advanceVirtual(conds)) continue;
      else for (const c of conds) if (c !== null && c.deadline !== undefined) timeout = Math.min(timeout, msUntil(c));
      const remote = [];
      for (let i = 0; i < conds.length; i++) if (conds[i] === null) remote.push(i);
      if (remote.length > 0) {
        const flags = this.remote.poll(remote.map((i) => items[i]), timeout);
        for (let k = 0; k < remote.length; k++) if (flags[k]) ready.push(remote[k]);
        ready.sort((a, b) => a - b);
      } else if (ready.length === 0) {
        if (timeout === Infinity) {
          throw new GuestTrap(`\`${call}\` would wait forever: nothing it waits for can become ready`);
        }
        this.sleep(timeout);
      }
      if (ready.length > 0) return ready;
    }
  }
}

export { sleepPromise };
