/**
 * Async calls between two components of one composition (the spec's `canon_lower` of a function
 * another component lifted, where the caller lowers it `async`, the callee lifts it `async`, or its
 * type is `async`): the callee runs as a task of its own component instance (lift-async.js's
 * `startAsync`, whose supertask is the caller's task), and the caller sees it as a sync call or a
 * subtask. Values cross between the two memories through their JS form, as in a sync call, but
 * for stream and future ends, which move from one table to the other as themselves (the contexts
 * `cx` and the callee's are those of calls between components: channel-values.js's `MovedEnd`).
 *
 * - A sync caller (plain `canon lower`) waits until the callee returns its result. A callee that
 *   returns it before it first waits needs nothing more; otherwise the caller is suspended by JSPI,
 *   waiting in the scheduler as any task does (so that a callee that never returns, with nothing
 *   else pending, is a deadlock). Without JSPI, a callee lifted `async` (which may wait at any
 *   time) is refused at instantiation (detect.js); a callee lifted sync, which waits only to enter
 *   an instance another task holds, traps then, saying JSPI is needed.
 * - An async caller (`canon lower async`) gets RETURNED when the callee returned its result before
 *   it first waited (stored at the out-pointer), else a subtask that gets its SUBTASK event when it
 *   does (lower-async.js, as for a host promise). The arguments are copied when the call is made,
 *   so the subtask is STARTED at once, never STARTING. `subtask.cancel` tells the callee task (the
 *   spec's `request_cancellation`): one still waiting to enter its instance is cancelled without
 *   running, at once (CANCELLED_BEFORE_RETURNED, since it was STARTED); a callback-lifted one gets
 *   TASK_CANCELLED in its event loop (lift-async.js) and resolves the subtask by `task.cancel`
 *   (CANCELLED_BEFORE_RETURNED) or `task.return` (RETURNED).
 *
 * Entering an instance that a task on the caller's supertask chain is in is re-entrance: a trap
 * (the spec's `call_might_be_recursive`, for instances that are not nested in one another).
 */
import { ComponentError, trap } from '../../errors.js';
import { lowerImport } from '../imports.js';
import { lowerWaiting } from '../jspi.js';
import { DEAD } from '../state.js';
import { lowerAsync, CALLEE } from './lower-async.js';

/** A call of a callee task in flight. */
class InFlight {
  /** @type {import('./tasks.js').Task} */
  task;
  /** @type {{ value: any } | { failure: unknown } | { cancelled: true } | null} null until the task settles */
  outcome = null;
  /** @type {((outcome: any) => void) | null} hears of the outcome */
  onSettle = null;

  settle(outcome) {
    this.outcome = outcome;
    this.onSettle?.(outcome);
  }
}

/**
 * @param {object} o
 * @param {import('../../plan.js').LowerStep & {callee: import('../../plan.js').LiftedCallee}} o.step
 * @param {import('../../abi/context.js').AbiContext} o.cx the caller's
 * @param {ReturnType<typeof import('./lift-async.js').startAsync>} o.start the callee's
 * @param {import('./scheduler.js').AsyncInstance} o.callerInst
 * @param {import('./scheduler.js').AsyncInstance} o.calleeInst
 * @param {import('./scheduler.js').Scheduler} o.sched
 * @param {import('../call-stack.js').CallStack} o.calls
 * @param {string} o.context the callee, for messages
 * @param {boolean} o.jspi
 * @param {(invoke: (args: any[]) => any) => (args: any[]) => any} o.resumable takes the caller's
 *   task off the stack while a promise `invoke` returns is pending (index.js)
 * @param {(e: unknown) => unknown} o.inner what a failure in the callee is to the caller
 */
export function lowerBetween({ step, cx, start, callerInst, calleeInst, sched, calls, context, jspi, resumable, inner }) {
  const { sig, options } = step;
  const isResult = sig.result !== null && cx.types[sig.result].kind === 'result';
  /** A `result` as the host convention has it (lower-async.js, imports.js): a value is ok, a throw err. */
  const untag = (value) => {
    if (!isResult) return value;
    if (value.tag === 'err') throw new ComponentError(value.val);
    return value.val;
  };

  /** Starts the callee task: its result if it returned one before it first waited, else the call `InFlight`. */
  const invoke = (args) => {
    const caller = sched.current;
    if (caller === null) trap(`\`${context}\` was called outside any task`);
    for (let t = caller; t !== null; t = t.supertask) {
      if (t.inst === calleeInst) {
        trap(`cannot enter component instance of \`${context}\`: the call that led here (\`${t.context}\`) is in it (re-entrance)`);
      }
    }
    if (calleeInst.state.status === DEAD) throw inner(calleeInst.state.cause);
    const call = new InFlight();
    call.task = start(args, caller, (value) => call.settle({ value }), (e) => call.settle({ failure: inner(e) }), () => call.settle({ cancelled: true }));
    // The callee left the stack: the caller's code goes on.
    sched.current = caller;
    return call.outcome === null ? call : take(call.outcome);
  };
  /** What a settled call gives its caller: its result, or its failure thrown. */
  const take = (outcome) => {
    if ('failure' in outcome) throw outcome.failure;
    return untag(outcome.value);
  };

  /**
   * The call as an async caller's subtask (lower-async.js): a promise of its result, which
   * lower-async.js counts as something outside that may wake a task, as it does a host's. A callee
   * task is no such thing (the scheduler sees it, and a deadlock of both must be found), so it is
   * uncounted here until it settles. It carries the callee's cancellation (`CALLEE`): the callee
   * is told, and may cancel (`onCancelled`) or still return.
   */
  const invokeForSubtask = (args) => {
    const call = invoke(args);
    if (!(call instanceof InFlight)) return call;
    sched.outside--;
    let cancel = null;
    const result = new Promise((resolve, reject) => {
      call.onSettle = (outcome) => {
        sched.outside++;
        if (outcome.cancelled) cancel.onCancelled();
        else if ('failure' in outcome) reject(outcome.failure);
        else resolve(outcome.value);
      };
    }).then(untag);
    cancel = {
      request() {
        call.task.requestCancellation();
        sched.resumeIfReady(call.task);
        sched.wake();
      },
      onCancelled: null,
    };
    result[CALLEE] = cancel;
    return result;
  };

  if (options.async) return lowerAsync({ cx, sig, invoke: invokeForSubtask, calls, context, inst: callerInst, sched });

  /**
   * A sync caller waits for the callee under JSPI, as a task the scheduler sees waiting: when the
   * callee never settles and nothing else could wake either, that is a deadlock.
   */
  const wait = (args) => {
    const caller = sched.current;
    // The spec's `canon_lower`: a sync lower of an `async` function needs a caller that may block.
    if (sig.async && caller !== null && !caller.mayBlock()) {
      trap(`the synchronous task \`${caller.context}\` called the async function \`${context}\` synchronously, which may block`);
    }
    const call = invoke(args);
    if (!(call instanceof InFlight)) return call;
    if (jspi) {
      call.onSettle = () => sched.wake();
      return sched.block(caller, `\`${context}\` to return`, () => call.outcome !== null, () => call.outcome).then(take);
    }
    return sched.cannotWait(`\`${context}\` did not return at once (it waits to enter its component instance, or in its event loop), and its synchronous caller must wait for it`);
  };
  const what = 'component import';
  if (!jspi) return lowerImport({ cx, sig, invoke: wait, calls, context, what });
  return new WebAssembly.Suspending(lowerWaiting({ cx, sig, invoke: resumable(wait), calls, context, what }));
}
