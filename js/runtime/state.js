/**
 * The life cycle of one component instance: ready, busy (a call is in progress), dead.
 *
 * One small integer is checked on every export call. A call that ends by unwinding through guest
 * code (a trap, an exit, an exception thrown by a host import) leaves the guest's memory and globals
 * in an unknown state, so the instance becomes dead: later calls throw kind 'dead'. Entering an
 * instance that is busy is the spec's `may_enter` trap (reentrance): from the host, or from another
 * component instance of the same component, a parent or a child of it included.
 *
 * A composed component has one state per component instance inside it (each may be entered on its
 * own), in one group: when one dies, they all do.
 */
import { TerrariumError, GuestTrap, WasiExit } from '../errors.js';
import { describe } from '../abi/invalid.js';

export const READY = 0;
export const BUSY = 1;
export const DEAD = 2;

export class InstanceState {
  /**
   * @param {string} name the component's name, for messages
   * @param {InstanceState[] & {onKill?: (cause: unknown) => void}} [group] the states that live and
   *   die together; this one joins it. Its `onKill`, if set, hears of the group's death
   * @param {number} [index] the component instance's number in the plan (0: the component itself)
   */
  constructor(name, group = [], index = 0) {
    this.name = name;
    this.index = index;
    this.status = READY;
    /** why the instance died: the error the fatal call threw */
    this.cause = null;
    this.group = group;
    group.push(this);
  }

  /** Throws the error for a call that may not enter (status is not READY). */
  refuse(context) {
    if (this.status === BUSY) {
      const err = new TerrariumError(
        'trap',
        `trap in \`${context}\`: cannot enter component instance ${this.label()}: reentrant call while another of its calls is in progress`,
        { context },
      );
      this.kill(err);
      throw err;
    }
    const why = this.cause
      ? this.cause instanceof TerrariumError && this.cause.kind === 'dead'
        ? this.cause.message.replace(/^[^:]*: /, '')
        : `an earlier call failed: ${this.cause instanceof Error ? this.cause.message : describe(this.cause)}`
      : 'it was disposed';
    throw new TerrariumError('dead', `cannot call \`${context}\`: instance \`${this.name}\` is dead: ${why}`, {
      context,
      cause: this.cause ?? undefined,
    });
  }

  /** The component instance, for messages: the component's name, and the nested instance's number. */
  label() {
    return this.index === 0 ? `\`${this.name}\`` : `${this.index} (nested in \`${this.name}\`)`;
  }

  /** Kills the group; `cause` replaces an earlier one if `latest` (a failure unwinding outwards). */
  kill(cause, latest = false) {
    for (const state of this.group) {
      state.status = DEAD;
      if (state.cause === null || latest) state.cause = cause;
    }
    this.group.onKill?.(cause);
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
    } else if (isSuspendError(e)) {
      err = new TerrariumError(
        'trap',
        `trap in \`${context}\`: ${e.message}: a WASI call that may wait ran where JSPI cannot suspend the guest ` +
          '(a destructor or a start function run outside an export call)',
        { context, cause: e },
      );
    } else if (e === null || (typeof e !== 'object' && typeof e !== 'function')) {
      // A host import threw a bare value (`throw undefined`, a string): the unwound guest dies all
      // the same, and the caller gets an error that says what happened instead of that value.
      err = new TerrariumError('trap', `trap in \`${context}\`: a host import threw ${describe(e)}, not an Error`, {
        context,
        cause: e,
      });
    } else if (isTrap(e)) {
      err = new TerrariumError('trap', `trap in \`${context}\`: ${e.message}`, { context, cause: e });
    }
    // A failure in a component-to-component callee goes on unwinding through its caller: the
    // outermost call's error is the one to remember.
    this.kill(err, true);
    return err;
  }
}

/** JSPI's error for a suspension where none is possible (no `promising` export on the stack). */
const isSuspendError = (e) => typeof WebAssembly.SuspendError === 'function' && e instanceof WebAssembly.SuspendError;

/** A trap: a wasm RuntimeError, a glue-detected GuestTrap, or a stack overflow in guest recursion. */
export function isTrap(e) {
  return (
    e instanceof WebAssembly.RuntimeError ||
    isSuspendError(e) ||
    e instanceof GuestTrap ||
    (e instanceof RangeError && /call stack/i.test(e.message))
  );
}
