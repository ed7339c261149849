/**
 * The life cycle of one component instance: ready, busy (a call is in progress), dead.
 *
 * One small integer is checked on every export call. A call that ends by unwinding through guest
 * code (a trap, an exit, an exception thrown by a host import) leaves the guest's memory and globals
 * in an unknown state, so the instance becomes dead: later calls throw kind 'dead'. Entering an
 * instance that is busy is the spec's `may_enter` trap (reentrance).
 */
import { TerrariumError, GuestTrap, WasiExit } from '../errors.js';

export const READY = 0;
export const BUSY = 1;
export const DEAD = 2;

export class InstanceState {
  /** @param {string} name the component's name, for messages */
  constructor(name) {
    this.name = name;
    this.status = READY;
    /** why the instance died: the error the fatal call threw */
    this.cause = null;
    /** borrow handles lent to the guest during the current export call: [table, handle, rep] */
    this.lent = [];
  }

  /** Throws the error for a call that may not enter (status is not READY). */
  refuse(context) {
    if (this.status === BUSY) {
      const err = new TerrariumError(
        'trap',
        `trap in \`${context}\`: reentrant call into \`${this.name}\` while another of its calls is in progress`,
        { context },
      );
      this.kill(err);
      throw err;
    }
    const why = this.cause
      ? this.cause instanceof TerrariumError && this.cause.kind === 'dead'
        ? this.cause.message.replace(/^[^:]*: /, '')
        : `an earlier call failed: ${this.cause.message}`
      : 'it was disposed';
    throw new TerrariumError('dead', `cannot call \`${context}\`: instance \`${this.name}\` is dead: ${why}`, {
      context,
      cause: this.cause ?? undefined,
    });
  }

  kill(cause) {
    this.status = DEAD;
    if (this.cause === null) this.cause = cause;
  }

  /**
   * Called with whatever escaped guest code during `context`: kills the instance and returns the
   * error to throw — a TerrariumError of kind 'trap' or 'exit', or the host's own error unchanged.
   */
  fail(e, context) {
    let err = e;
    if (e instanceof WasiExit) {
      err = new TerrariumError('exit', `\`${context}\` exited with code ${e.code}`, {
        context,
        exitCode: e.code,
        cause: e,
      });
    } else if (isTrap(e)) {
      err = new TerrariumError('trap', `trap in \`${context}\`: ${e.message}`, { context, cause: e });
    }
    this.lent.length = 0;
    this.kill(err);
    return err;
  }

  /** Runs guest code `thunk` as a call of its own (used for destructors run from JS). */
  guard(context, thunk) {
    if (this.status !== READY) this.refuse(context);
    this.status = BUSY;
    let r;
    try {
      r = thunk();
    } catch (e) {
      throw this.fail(e, context);
    }
    this.status = READY;
    return r;
  }

  /** Removes the borrow handles lent during the call that just ended (the guest should have dropped them). */
  releaseLent() {
    const lent = this.lent;
    for (let i = 0; i < lent.length; i += 3) {
      const table = lent[i];
      const h = lent[i + 1];
      if (table.flags[h] !== 0 && table.reps[h] === lent[i + 2] && table.flags[h] === 2) table.remove(h);
    }
    lent.length = 0;
  }
}

/** A trap: a wasm RuntimeError, a glue-detected GuestTrap, or a stack overflow in guest recursion. */
export function isTrap(e) {
  return (
    e instanceof WebAssembly.RuntimeError ||
    e instanceof GuestTrap ||
    (e instanceof RangeError && /call stack/i.test(e.message))
  );
}
