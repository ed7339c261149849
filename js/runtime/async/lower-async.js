/**
 * Host functions of `async` type, lowered into a guest (the spec's `canon_lower`).
 *
 * The host function may return a value or a promise (any thenable) of one.
 *
 * - With the `async` option the core function never waits. A value is stored at the out-pointer
 *   at once and the call returns RETURNED; a promise makes a subtask, whose index the call returns
 *   packed with STARTED (`STARTED | index << 4`). When the promise settles, the result is stored
 *   and the subtask gets a SUBTASK event; `subtask.cancel` forgets a host call still in flight
 *   (and calls the thenable's `cancel()`, if it has one), as Wasmtime drops a host's future. An
 *   async call into another component comes here too (between.js), and its cancellation is the
 *   callee task's to answer (`CALLEE`).
 * - Without it (a sync lower of an async function), the caller must be a task that may block. A
 *   promise is waited for under JSPI (the core function is imported through
 *   `WebAssembly.Suspending`); with `blocking: 'none'` that traps.
 *
 * A function whose result is a `future` is the exception: a promise it returns is that future, not
 * a result still to come (the JS form of a `future<T>` is a promise of T, and JS cannot tell a
 * promise of a future from the future), so the call returns at once with the future's handle,
 * which the guest reads when the promise settles (the spec's `canon_lower` gets the future as the
 * call's result, whenever its value comes).
 *
 * A `result` type follows the sync convention: a value is `ok`, a throw or a rejection with a
 * `payload` (`ComponentError`) or a non-Error is `err`. Any other rejection is the host's failure:
 * it kills the instance, as a throw from a sync host function does.
 */
import { trap } from '../../errors.js';
import { InvalidValue, toJsError } from '../../abi/invalid.js';
import { makeParamsLifter, makeResultLowerer } from '../../abi/function.js';
import { annotate, errPayload, cannotLeave, lowerImport } from '../imports.js';
import { lowerWaiting } from '../jspi.js';
import { DEAD } from '../state.js';
import { Subtask, RETURNED, STARTED, CANCELLED_BEFORE_RETURNED } from './tasks.js';

/**
 * What a promise `invoke` returns for a call into another component carries (between.js): the
 * callee's cancellation, `{ request(), onCancelled }`. `request()` tells the callee task;
 * `onCancelled()`, set here, runs when it cancels.
 */
export const CALLEE = Symbol('callee task');

/**
 * A host promise that tells its settlement itself, at once (`p[WHEN_SETTLED](onValue, onError)`),
 * not a microtask later: the worker's host calls (js/worker/guest.js), which may settle while a
 * task waits in core code, where no microtask can run until it goes on.
 */
export const WHEN_SETTLED = Symbol('terrarium.whenSettled');

/** A promise or another thenable. */
export const isThenable = (v) => v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';

/** Whether the function of signature `sig` returns a `future`, which a host returns as a promise (see above). */
export const returnsFuture = (types, sig) => sig.result !== null && types[sig.result].kind === 'future';

/**
 * @param {object} o
 * @param {import('../../abi/context.js').AbiContext} o.cx
 * @param {import('../../plan.js').FuncSig} o.sig
 * @param {(args: any[]) => any} o.invoke from resolveCallee
 * @param {import('../call-stack.js').CallStack} o.calls
 * @param {string} o.context
 * @param {import('./scheduler.js').AsyncInstance} o.inst the caller's component instance
 * @param {import('./scheduler.js').Scheduler} o.sched
 */
export function lowerAsync({ cx, sig, invoke, calls, context, inst, sched }) {
  const liftParams = makeParamsLifter(cx, sig);
  const lowerResult = makeResultLowerer(cx, sig);
  const isResult = sig.result !== null && cx.types[sig.result].kind === 'result';
  const future = returnsFuture(cx.types, sig);
  const where = `from host import \`${context}\``;
  const store = (v, coreArgs) => {
    try {
      lowerResult(v, coreArgs);
    } catch (e) {
      throw e instanceof InvalidValue ? toJsError(e, 'result', where) : annotate(e, `storing the result of host import \`${context}\``);
    }
  };
  const ok = (val) => (isResult ? { tag: 'ok', val } : val);
  const err = (e) => {
    if (!isResult) throw e;
    return { tag: 'err', val: errPayload(e) };
  };

  return function lowered(...coreArgs) {
    if (!calls.mayLeave) cannotLeave(context);
    if (sched.current === null) trap(`\`${context}\` was called outside any task`);
    const mark = calls.lends.length;
    let args;
    try {
      args = liftParams(coreArgs);
    } catch (e) {
      throw annotate(e, `lifting the arguments of host import \`${context}\``);
    }
    // Own handles lent as borrows stay lent until the caller learns the call resolved.
    const lends = calls.lends.splice(mark);
    let v;
    /** whether the call returned its result: a value, a throw, or a host's future */
    let returned = true;
    try {
      v = invoke(args);
      // A callee task's promise (`CALLEE`) is its call in progress, whatever it returns.
      returned = !isThenable(v) || (future && v[CALLEE] === undefined);
      if (returned) v = ok(v);
    } catch (e) {
      v = err(e);
    }
    if (returned) {
      store(v, coreArgs);
      for (let i = 0; i < lends.length; i += 2) lends[i].lends[lends[i + 1]]--;
      return RETURNED;
    }
    const callee = v[CALLEE];
    const forget = () => {
      sched.outside--;
      subtask.resolve(CANCELLED_BEFORE_RETURNED);
      sched.wake();
    };
    // A host call is forgotten at once (its thenable's `cancel()` called); a callee task is told,
    // and resolves the subtask when it cancels or returns.
    const subtask = new Subtask(lends, () => {
      if (callee !== undefined) return callee.request();
      v.cancel?.();
      forget();
    });
    if (callee !== undefined) callee.onCancelled = forget;
    subtask.index = inst.table.add(subtask);
    sched.outside++;
    /** The host call settled (`result`, or a throw of `settle`): stored, or the instance dies. */
    const settled = (settle) => (x) => {
      if (subtask.state !== STARTED || inst.state.status === DEAD) return;
      sched.outside--;
      try {
        store(settle(x), coreArgs);
      } catch (e) {
        inst.state.fail(e, context);
        return;
      }
      subtask.resolve(RETURNED);
      sched.wake();
    };
    if (typeof v[WHEN_SETTLED] === 'function') v[WHEN_SETTLED](settled(ok), settled(err));
    else Promise.resolve(v).then(settled(ok), settled(err));
    return STARTED | (subtask.index << 4);
  };
}

/**
 * A sync lower of a host function of `async` type: the spec traps unless the calling task may
 * block; a promise the host returns is waited for under JSPI (`jspi`: the result is imported
 * through `WebAssembly.Suspending`, `invoke` made resumable), and traps otherwise.
 */
export function lowerAsyncSync({ cx, sig, invoke, calls, context, sched, jspi }) {
  const future = returnsFuture(cx.types, sig);
  const call = (args) => {
    const task = sched.current;
    if (task === null || !task.mayBlock()) {
      trap(`the synchronous task \`${task?.context ?? 'outside any task'}\` called the async function \`${context}\` synchronously, which may block`);
    }
    const v = invoke(args);
    if (!isThenable(v) || future) return v;
    if (!jspi) sched.cannotWait(`\`${context}\` returned a promise, and a synchronous call of it would have to wait for it`);
    return Promise.resolve(v);
  };
  // A future's promise is the result itself: nothing to wait for.
  return (jspi && !future ? lowerWaiting : lowerImport)({ cx, sig, invoke: call, calls, context });
}
