/**
 * Async calls between two components of one composition (the spec's `canon_lower` of a function
 * another component lifted, where the caller lowers it `async`, the callee lifts it `async`, or its
 * type is `async`): the callee runs as a task of its own component instance (lift-async.js's
 * `startAsync`, whose supertask is the caller's task), and the caller sees it as a sync call or a
 * subtask. Values cross between the two memories through their JS form, as in a sync call.
 *
 * - A sync caller (plain `canon lower`) waits until the callee returns its result. A callee that
 *   returns it before it first waits needs nothing more; otherwise the caller is suspended by JSPI.
 *   Without JSPI, a callee lifted `async` (which may wait at any time) is refused at instantiation
 *   (detect.js); a callee lifted sync, which waits only to enter an instance another task holds,
 *   traps then, saying JSPI is needed.
 * - An async caller (`canon lower async`) gets RETURNED when the callee returned its result before
 *   it first waited (stored at the out-pointer), else a subtask that gets its SUBTASK event when it
 *   does (lower-async.js, as for a host promise). The arguments are copied when the call is made,
 *   so the subtask is STARTED at once, never STARTING. `subtask.cancel` forgets the call, as it does
 *   a host's: the callee is not told (this runtime has no TASK_CANCELLED yet), runs to its end,
 *   and its result is dropped.
 *
 * Entering an instance that a task on the caller's supertask chain is in is re-entrance: a trap
 * (the spec's `call_might_be_recursive`, for instances that are not nested in one another).
 */
import { ComponentError, trap } from '../../errors.js';
import { lowerImport } from '../imports.js';
import { DEAD } from '../state.js';
import { lowerAsync } from './lower-async.js';

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

  /**
   * Starts the callee task: its result, or a promise of it if it has not returned one yet.
   * `forSubtask`: lower-async.js will count the promise as something outside that may wake a task,
   * as it does a host's; a callee task is no such thing (the scheduler sees it, and a deadlock of
   * both must be found), so it is uncounted here until the callee settles it, or the caller
   * cancels the subtask (when lower-async.js stops counting it).
   */
  const invoke = (args, forSubtask) => {
    const caller = sched.current;
    if (caller === null) trap(`\`${context}\` was called outside any task`);
    for (let t = caller; t !== null; t = t.supertask) {
      if (t.inst === calleeInst) {
        trap(`cannot enter component instance of \`${context}\`: the call that led here (\`${t.context}\`) is in it (re-entrance)`);
      }
    }
    if (calleeInst.state.status === DEAD) throw inner(calleeInst.state.cause);
    let done = false;
    let value;
    let failure = null;
    let waiting = null;
    let cancelled = false;
    start(
      args,
      caller,
      (v) => {
        done = true;
        value = v;
        if (waiting !== null && forSubtask && !cancelled) sched.outside++;
        waiting?.resolve(v);
      },
      (e) => {
        failure = inner(e);
        if (waiting !== null && forSubtask && !cancelled) sched.outside++;
        waiting?.reject(failure);
      },
    );
    // The callee left the stack: the caller's code goes on.
    sched.current = caller;
    if (done) return untag(value);
    if (failure !== null) throw failure;
    if (forSubtask) sched.outside--;
    const result = new Promise((resolve, reject) => {
      waiting = { resolve, reject };
    }).then(untag);
    result.cancel = () => {
      cancelled = true;
      sched.outside++;
    };
    return result;
  };

  if (options.async) return lowerAsync({ cx, sig, invoke: (args) => invoke(args, true), calls, context, inst: callerInst, sched });

  const wait = (args) => {
    const caller = sched.current;
    // The spec's `canon_lower`: a sync lower of an `async` function needs a caller that may block.
    if (sig.async && caller !== null && !caller.mayBlock()) {
      trap(`the synchronous task \`${caller.context}\` called the async function \`${context}\` synchronously, which may block`);
    }
    const v = invoke(args, false);
    if (!(v instanceof Promise) || jspi) return v;
    return sched.cannotWait(`\`${context}\` has to wait to enter its component instance, and its synchronous caller with it`);
  };
  const lowered = lowerImport({ cx, sig, invoke: jspi ? resumable(wait) : wait, calls, context, what: 'component import', mayWait: jspi });
  return jspi ? new WebAssembly.Suspending(lowered) : lowered;
}
