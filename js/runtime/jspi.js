/**
 * `blocking: 'jspi'`: the guest runs on the caller's thread, exports run through
 * `WebAssembly.promising` and return promises, and the imports that may wait are imported through
 * `WebAssembly.Suspending`, so the guest is suspended while they do. Loaded only for instances
 * that run this way (instantiate-component.js), and handed to `instantiatePlan` as its `jspi`.
 */
import { READY, BUSY } from './state.js';
import { argumentError, callSteps } from './exports.js';
import { errPayload, importSteps, returnsResult } from './imports.js';
import { scalarLowerers, scalarResult } from '../abi/function.js';

/**
 * `liftExport` for JSPI: the core function runs through `WebAssembly.promising`, so a guest that
 * calls an import that waits is suspended instead of blocking, and the call returns a promise of
 * its result.
 */
export function liftExportAsync({ cx, sig, core, postReturn, state, calls, context }) {
  const argError = argumentError(sig, context);
  const run = promisingOf(core);
  const lowers = scalarLowerers(cx, sig);
  const res = scalarResult(cx, sig);
  if (lowers !== null && res !== undefined && postReturn === null) {
    return scalarExportAsync(lowers, res === null ? null : res.lift, run, state, context, argError);
  }
  const steps = callSteps({ cx, sig, postReturn, state, calls, context, argError });
  return async function call(...args) {
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
 * An all-scalar signature under JSPI: the arguments converted, the core call awaited, the result
 * converted; no memory, no borrow scope.
 */
function scalarExportAsync(lowers, lift, run, state, context, argError) {
  return async function call(...args) {
    if (state.status !== READY) state.refuse(context);
    const coreArgs = new Array(lowers.length);
    for (let i = 0; i < lowers.length; i++) {
      try {
        coreArgs[i] = lowers[i](args[i]);
      } catch (e) {
        throw argError(e, i);
      }
    }
    state.status = BUSY;
    let r;
    try {
      r = await run(...coreArgs);
      if (lift !== null) r = lift(r);
    } catch (e) {
      throw state.fail(e, context);
    }
    state.status = READY;
    return lift === null ? undefined : r;
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

/**
 * How export calls (and destructors run from JS) go: one at a time, in order. With none in flight
 * a call starts at once, without waiting a turn of the promise queue.
 * @returns {(fn: () => any) => Promise<any>}
 */
export function callQueue() {
  let tail = Promise.resolve();
  let inFlight = 0;
  const settled = () => {
    inFlight--;
  };
  return (fn) => {
    let p;
    if (inFlight++ === 0) {
      try {
        p = Promise.resolve(fn());
      } catch (e) {
        p = Promise.reject(e);
      }
    } else {
      p = tail.then(fn);
    }
    tail = p.then(settled, settled);
    return p;
  };
}
