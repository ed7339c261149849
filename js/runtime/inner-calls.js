/**
 * Calls from one component into another inside a composed component (a `lower` step whose callee
 * is `lifted`), which `instantiatePlan` is handed as its `inner` part by callers whose plan makes
 * such calls (runtime/parts.js `callsBetweenComponents`).
 */
import { GuestTrap, TerrariumError } from '../errors.js';
import { liftExport } from './exports.js';
import { lowerImport } from './imports.js';

/**
 * The core function of a component-to-component call: fused, memory to memory, when it carries no
 * handles and nothing may suspend; else the callee's lifted function, called with JS values,
 * behind the caller's lowering. Values are copied from one memory to the other (and re-encoded
 * between string encodings) through their JS form; handles move from one component instance's
 * table to the other's, stream and future ends as themselves (`between` contexts of `contextFor`).
 * The callee's component instance has its own `may_enter` state; a trap
 * kills the whole instance.
 * @param {any} step the `lower` step
 * @param {number} stepIndex
 * @param {object} env what `instantiatePlan` has made so far: `plan`, `contextFor(options, between)`,
 *   `func(i)` (a core function), `optionalFunc(i)`, `stateOf(i)`, `calls`, and its `jspi`,
 *   `fused`, `asyncRt`, `needAsync()` and `syncCore(core, sig, options, context)`
 */
export function lowerInnerCall(step, stepIndex, { plan, contextFor, func, optionalFunc, stateOf, calls, jspi, fused, asyncRt, needAsync, syncCore }) {
  const { coreFunc, options } = step.callee;
  const context = step.callee.name || `inner call ${stepIndex}`;
  const unwrap = (e) => unwrapInner(e, context);
  if (step.options.async || options.async || step.sig.async) {
    return needAsync().lowerBetween({
      step,
      cx: contextFor(step.options, true),
      calleeCx: contextFor(options, true),
      core: func(coreFunc),
      callback: optionalFunc(options.callback),
      postReturn: optionalFunc(options.postReturn),
      context,
      inner: unwrap,
    });
  }
  if (fused !== null && jspi === null && asyncRt === null && fused.canFuse(plan.types, step.sig)) {
    // Memory to memory, no JS values in between (fused-call.js).
    return fused.lowerFused({
      caller: contextFor(step.options),
      callee: contextFor(options),
      sig: step.sig,
      core: func(coreFunc),
      postReturn: optionalFunc(options.postReturn),
      state: stateOf(options.componentInstance),
      calls,
      context,
      unwrap,
    });
  }
  const callee = (jspi === null ? liftExport : jspi.liftExportAsync)({
    cx: contextFor(options, true),
    sig: step.sig,
    core: syncCore(func(coreFunc), step.sig, options, context),
    postReturn: optionalFunc(options.postReturn),
    state: stateOf(options.componentInstance),
    calls,
    context,
  });
  const invoke = (args) => {
    try {
      const r = callee(...args);
      // Under JSPI the callee is suspendable too, and the caller suspends while it runs.
      return jspi === null ? r : r.catch((e) => Promise.reject(unwrap(e)));
    } catch (e) {
      throw unwrap(e);
    }
  };
  const cx = contextFor(step.options, true);
  const what = 'component import';
  if (jspi === null) return lowerImport({ cx, sig: step.sig, invoke, calls, context, what });
  // An async caller's task is off the stack while JSPI suspends it, and its own again after.
  const resumable = asyncRt === null ? invoke : asyncRt.resumable(invoke);
  return new WebAssembly.Suspending(jspi.lowerWaiting({ cx, sig: step.sig, invoke: resumable, calls, context, what }));
}

/** Marks a trap already said to have happened in a component-to-component callee. */
const INNER = Symbol('terrarium.inner');

/**
 * A trap or an exit in a component-to-component callee unwinds on through its caller, up to the
 * export the host called, which reports it: the callee's error goes back to what the guest threw,
 * saying where it happened.
 */
function unwrapInner(e, context) {
  if (!(e instanceof TerrariumError) || e.cause === undefined) return e;
  if (e.kind === 'exit') return e.cause;
  if (e.kind !== 'trap') return e;
  if (e.cause[INNER]) return e.cause;
  const trap = new GuestTrap(`${e.cause.message} (in \`${context}\`)`, { cause: e.cause });
  trap[INNER] = true;
  return trap;
}
