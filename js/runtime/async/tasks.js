/**
 * Tasks and subtasks (CanonicalABI.md, "Task State" and "Subtask State").
 *
 * A task is one call of a lifted function into a component instance: the host's call of an export.
 * A callback-lifted task resolves when the guest calls `task.return` and ends when its callback
 * returns EXIT; a synchronous task resolves when its core function returns. A subtask is the
 * caller's side of a call made through `canon lower async`: a waitable whose state the caller
 * learns from SUBTASK events.
 */
import { trap } from '../../errors.js';
import { Waitable } from './waitables.js';

/** The spec's `EventCode`s that this runtime delivers. */
export const EVENT_NONE = 0;
export const EVENT_SUBTASK = 1;
export const EVENT_TASK_CANCELLED = 6;

/**
 * The spec's `Task.State` as it concerns cancellation: the task's caller asked to cancel it and
 * it has not been told yet (PENDING_CANCEL), or it has (CANCEL_DELIVERED), and it called
 * `task.cancel` (CANCELLED). `resolved` says whether it returned or cancelled, which ends either
 * of the first two.
 */
const INITIAL = 0;
const PENDING_CANCEL = 1;
const CANCEL_DELIVERED = 2;
const CANCELLED = 3;

/** The spec's `Subtask.State`: a host callee starts at once, so a subtask is never STARTING. */
export const STARTED = 1;
export const RETURNED = 2;
export const CANCELLED_BEFORE_RETURNED = 4;

export class Task {
  /**
   * @param {object} o
   * @param {import('./scheduler.js').AsyncInstance} o.inst the component instance the task runs in
   * @param {import('../../plan.js').FuncSig} o.sig
   * @param {import('../../plan.js').Options} o.opts the options it was lifted with
   * @param {string} o.context the function, for messages
   * @param {Task | null} [o.supertask] the caller's task, for a call from another component
   * @param {(value: any) => void} [o.onResolve] receives the result `task.return` lifted
   * @param {() => void} [o.onCancel] runs when the task resolves by `task.return`'s counterpart
   *   `task.cancel` (the spec's `on_resolve(None)`)
   * @param {boolean} [o.counted] whether the scheduler counts it among its running tasks until it
   *   ends: a lifted function's task is; a sync lift's core function called from the host
   *   (index.js's `syncTask`), which its host caller waits for, is not
   */
  constructor({ inst, sig, opts, context, supertask = null, onResolve = () => {}, onCancel = () => {}, counted = false }) {
    this.inst = inst;
    this.supertask = supertask;
    this.sig = sig;
    this.opts = opts;
    this.context = context;
    this.onResolve = onResolve;
    this.onCancel = onCancel;
    this.counted = counted;
    this.resolved = false;
    this.cancellation = INITIAL;
    /** the thread's context slot 0 (`context.get`/`context.set`) */
    this.storage = 0;
    /** whether its guest code is on the JS stack (the scheduler's `enter`/`leave`) */
    this.onStack = false;
    /** @type {(() => void) | null} runs once it leaves the stack (lift-async.js's host calls) */
    this.onLeave = null;
    /** the spec's `num_borrows`: the borrow handles lent to it that it has not dropped yet */
    this.numBorrows = 0;
  }

  /** The spec's `may_block`: an async function may wait; a sync one only once it has returned. */
  mayBlock() {
    return this.sig.async || this.resolved;
  }

  /**
   * The spec's `Task.return_`, behind `task.return` and a sync-lifted task's return (`how` says
   * which, for the message).
   */
  return_(value, how = `\`task.return\` was called by \`${this.context}\``) {
    if (this.resolved) trap(`\`task.return\` was called ${this.cancellation === CANCELLED ? 'after `task.cancel`' : 'twice'} by \`${this.context}\``);
    this.noBorrowsLeft(how);
    this.resolved = true;
    this.onResolve(value);
  }

  /** The spec's `num_borrows` check as a task resolves: it must have dropped every borrow lent to it. */
  noBorrowsLeft(how) {
    const n = this.numBorrows;
    if (n !== 0) trap(`${how} while it still holds ${n} borrowed handle${n === 1 ? '' : 's'} (a borrow must be dropped before the task resolves)`);
  }

  /** The caller asked to cancel the task (the spec's `request_cancellation`, once it is running). */
  requestCancellation() {
    if (!this.resolved) this.cancellation = PENDING_CANCEL;
  }

  /** Whether a cancellation waits to be delivered (the spec's `state == PENDING_CANCEL`). */
  cancelPending() {
    return this.cancellation === PENDING_CANCEL && !this.resolved;
  }

  /** The spec's `deliver_pending_cancel` where the wait is cancellable: whether there was one to deliver. */
  deliverPendingCancel() {
    if (!this.cancelPending()) return false;
    this.cancellation = CANCEL_DELIVERED;
    return true;
  }

  /** The spec's `Task.cancel`, behind `task.cancel`: only once the task was told it is cancelled. */
  cancel() {
    if (this.resolved) trap(`\`task.cancel\` was called by \`${this.context}\` after it ${this.cancellation === CANCELLED ? 'cancelled' : 'returned'}`);
    if (this.cancellation === INITIAL) trap(`\`task.cancel\` was called by \`${this.context}\`, which no caller asked to cancel`);
    if (this.cancellation === PENDING_CANCEL) trap(`\`task.cancel\` was called by \`${this.context}\` before it was told of its cancellation (TASK_CANCELLED)`);
    this.noBorrowsLeft(`\`task.cancel\` was called by \`${this.context}\``);
    this.resolved = true;
    this.cancellation = CANCELLED;
    this.onCancel();
  }
}

export class Subtask extends Waitable {
  /**
   * @param {any[]} lends the own handles lent (as borrows) to the callee: (handle table, index)
   *   pairs, released when the caller is told the subtask resolved
   * @param {() => void} onCancel what cancelling the callee does (a host callee: forget it; a
   *   callee task: tell it)
   */
  constructor(lends, onCancel) {
    super();
    this.state = STARTED;
    /** @type {any[] | null} null once the resolution was delivered */
    this.lends = lends;
    this.onCancel = onCancel;
    /** whether `subtask.cancel` was called (a second call traps) */
    this.cancellationRequested = false;
    /** its index in the caller's table, once it has one */
    this.index = 0;
  }

  resolved() {
    return this.state !== STARTED;
  }

  resolveDelivered() {
    return this.lends === null;
  }

  /** The subtask is now in state `state`: the caller gets a SUBTASK event for it. */
  resolve(state) {
    this.state = state;
    this.pendingEvent = () => {
      this.deliverResolve();
      return [EVENT_SUBTASK, this.index, this.state];
    };
  }

  /** The spec's `deliver_resolve`: the lent handles are the caller's again. */
  deliverResolve() {
    const lends = this.lends;
    for (let i = 0; i < lends.length; i += 2) lends[i].lends[lends[i + 1]]--;
    this.lends = null;
  }
}
