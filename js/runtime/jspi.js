/**
 * `blocking: 'jspi'`: the guest runs on the caller's thread, exports run through
 * `WebAssembly.promising` and return promises, and the imports that may wait are imported through
 * `WebAssembly.Suspending`, so the guest is suspended while they do. Loaded only for instances
 * that run this way (instantiate-component.js), and handed to `instantiatePlan` as its `jspi`.
 */
import { READY, BUSY } from './state.js';
import { argumentError, callSteps } from './exports.js';
import { errPayload, importSteps, returnsResult } from './imports.js';
import { directLowerers, directResultLift } from '../abi/function.js';
import { CallQueue } from './call-queue.js';

/**
 * `liftExport` for JSPI: the core function runs through `WebAssembly.promising`, so a guest that
 * calls an import that waits (imported through `WebAssembly.Suspending`) is suspended instead of
 * blocking, and the call returns a promise of its result. With a `queue` (an export the host
 * calls), each call waits its turn there; without (a callee inside a composed component), the
 * caller's turn covers it.
 * @param {object} o see `liftExport`
 * @param {CallQueue|null} [o.queue]
 */
export function liftExportAsync({ cx, sig, core, postReturn, state, calls, context, queue = null }) {
  const argError = argumentError(sig, context);
  const run = promisingOf(core);
  const lowers = directLowerers(cx, sig);
  const lift = directResultLift(cx, sig);
  if (lowers !== null && lift !== undefined && postReturn === null) {
    return directExportAsync(lowers, lift, run, state, context, argError, queue);
  }
  const steps = callSteps({ cx, sig, postReturn, state, calls, context, argError });
  const call = async (args) => {
    const coreArgs = steps.begin(args);
    const depth = calls.depth;
    let ret;
    try {
      ret = await run(...coreArgs);
    } catch (e) {
      steps.fail(e);
    }
    return steps.end(depth, ret);
  };
  if (queue === null) return (...args) => call(args);
  return (...args) => queue.enqueue(() => call(args));
}

/** `WebAssembly.promising(f)`, or `f` itself when it is not a wasm function (nothing can suspend in it). */
export function promisingOf(f) {
  try {
    return WebAssembly.promising(f);
  } catch {
    return f;
  }
}

/**
 * `directExport` under JSPI: the arguments converted, the core call started, and one reaction to
 * its promise that converts the result, frees the instance and hands the turn on; no memory, no
 * borrow scope.
 */
function directExportAsync(lowers, lift, run, state, context, argError, queue) {
  const n = lowers.length;
  /** Lowers `args` and starts the core call: its promise. Throws if the call may not start. */
  const start = (args) => {
    if (state.status !== READY) state.refuse(context);
    const coreArgs = new Array(n);
    for (let i = 0; i < n; i++) {
      try {
        coreArgs[i] = lowers[i](args[i]);
      } catch (e) {
        throw argError(e, i);
      }
    }
    state.status = BUSY;
    try {
      // A promise already (Promise.resolve returns it), unless `run` is a JS function (a task).
      return Promise.resolve(run(...coreArgs));
    } catch (e) {
      throw state.fail(e, context);
    }
  };
  const done = (r) => {
    let v;
    try {
      v = lift === null ? undefined : lift(r);
    } catch (e) {
      throw state.fail(e, context);
    }
    state.status = READY;
    return v;
  };
  const fail = (e) => {
    throw state.fail(e, context);
  };
  if (queue === null) {
    return function call(...args) {
      try {
        return start(args).then(done, fail);
      } catch (e) {
        return Promise.reject(e);
      }
    };
  }
  const doneInTurn = (r) => {
    try {
      return done(r);
    } finally {
      queue.release();
    }
  };
  const failInTurn = (e) => {
    try {
      fail(e);
    } finally {
      queue.release();
    }
  };
  return function call(...args) {
    if (!queue.idle) return queue.enqueue(() => start(args).then(done, fail));
    queue.take();
    let p;
    try {
      p = start(args);
    } catch (e) {
      queue.release();
      return Promise.reject(e);
    }
    return p.then(doneInTurn, failInTurn);
  };
}

/**
 * `lowerImport` (imports.js) for a callee that may return a promise: the core function returns the
 * lowered result at once when the callee did not wait, or a promise of it (which the
 * `WebAssembly.Suspending` the caller wraps it in waits for, suspending the guest).
 */
export function lowerWaiting({ cx, sig, invoke, calls, context, what = 'host import' }) {
  const isResult = returnsResult(cx, sig);
  const steps = importSteps({ cx, sig, calls, context, what });
  const ok = (val) => ({ tag: 'ok', val });
  const err = (e) => ({ tag: 'err', val: errPayload(e) });
  return function lowered(...coreArgs) {
    const mark = calls.lends.length;
    const args = steps.lift(coreArgs);
    const finish = (v) => steps.finish(v, coreArgs, mark);
    let v;
    try {
      v = invoke(args);
    } catch (e) {
      if (!isResult) throw e;
      return finish(err(e));
    }
    if (v instanceof Promise) return isResult ? v.then(ok, err).then(finish) : v.then(finish);
    return finish(isResult ? ok(v) : v);
  };
}

/** The turns of an instance's export calls and of destructors run from JS. */
export function callQueue() {
  return new CallQueue();
}
