/**
 * What the plan executor (instantiate.js) runs beyond its core, for the plans and instances that
 * need it: resources, component-model async, calls between the components of a composition, JSPI
 * and the worker of `blocking: 'worker'`. Callers hand `extend` to `instantiatePlan` with the
 * parts it drives; ahead-of-time output of a component that needs none of them loads none of it.
 */
import { TerrariumError } from '../errors.js';
import { importContext } from './imports.js';
import { liftExport } from './exports.js';

/**
 * The parts `extend` drives, each left out (or null) by a caller that knows its plan or its way of
 * waiting does not need it.
 * `jspi` (jspi.js, or null): exports run through `WebAssembly.promising` and return promises
 * (sync ones one call at a time: later calls wait for earlier ones; async ones as their scheduler
 * lets them), and the imports `mayWait` names are imported through `WebAssembly.Suspending`, so
 * they may return a promise and suspend the guest meanwhile.
 * `resources`: resources.js's `planResources`, needed by a plan with resources. `async`: the async
 * runtime (async/index.js), needed by a plan that uses component-model async (it is also what
 * tells whether one does). `inner`: inner-calls.js, needed by a plan that calls from one of its
 * components into another. `fused`: fused-call.js, which copies strings and lists straight
 * between the memories of two components calling each other; without it such calls go through JS
 * values, as correctly.
 * `worker`: the guest runs in the worker of `blocking: 'worker'` (js/worker/guest.js), which says
 * how a host function lowered `async` is called there (the page answers its promise later), and
 * how a task that waits in core code blocks for the page's answers.
 * @typedef {{jspi?: typeof import('./jspi.js')|null, mayWait?: (importIndex: number, func: string) => boolean,
 *   resources?: typeof import('./resources.js').planResources|null,
 *   async?: typeof import('./async/index.js')|null, inner?: typeof import('./inner-calls.js')|null,
 *   fused?: typeof import('./fused-call.js')|null,
 *   worker?: import('./async/scheduler.js').WorkerSide|null}} ExtendedParts
 */

/**
 * @param {object} env what `instantiatePlan` has made before its link: `plan`, `name`, `group` (the
 *   instance's states), `stateOf(i)`, `calls`, `funcs`, `func(i)` and `optionalFunc(i)` (core functions),
 *   `viewOf(i)` and `memoryOf(i)` (core memories), `contextFor(options, between)`, and
 *   `invokers` (each host-lowering step's callee, filled by the link)
 * @param {ExtendedParts} parts
 */
export function extend(env, { jspi = null, mayWait = () => false, resources: planResources = null, async: asyncRuntime = null, inner = null, fused = null, worker = null }) {
  const { plan, name, group, stateOf, calls, funcs, func, optionalFunc, viewOf, memoryOf, contextFor, invokers } = env;
  /** JSPI: the turns of export calls and destructors run from JS (call-queue.js). */
  const queue = jspi === null ? null : jspi.callQueue();
  if (plan.resources.length > 0 && planResources === null) {
    throw new TerrariumError('invalid', 'the plan has resources, and this runtime was given none (`planResources`)');
  }
  const resources = plan.resources.length === 0 ? null : planResources(plan, {
    stateOf,
    destructorOf: (def) => (def.dtor === null ? null : funcs[def.dtor]),
    calls,
    schedule: jspi === null ? null : { enqueue: (fn) => queue.enqueue(fn), promising: jspi.promisingOf },
  });
  let asyncRt = null;
  /** The async runtime, for a step or export that needs it: a caller that left it out broke its promise. */
  const needAsync = () => {
    if (asyncRt === null) throw new TerrariumError('invalid', 'the plan uses component-model async, and this runtime was given none (`async`)');
    return asyncRt;
  };
  /** A sync lift's core function, as a task of its instance when the plan uses async. */
  const syncCore = (core, sig, options, context) =>
    asyncRt === null ? core : asyncRt.syncTask({ sig, options, core: jspi === null ? core : jspi.promisingOf(core), context });
  /** What a call between components is made of (inner-calls.js). */
  const innerEnv = { plan, contextFor, func, optionalFunc, stateOf, calls, jspi, fused, asyncRt, needAsync, syncCore };

  return {
    /** resources.js's handles and classes of this instance, or null for a plan without resources */
    resources,

    /** Once every import is linked: the async runtime of a plan that uses async (async/index.js). */
    attachAsync() {
      if (asyncRuntime === null) return;
      const promising = jspi?.promisingOf;
      asyncRt = asyncRuntime.attachAsync(plan, { name, stateOf, calls, types: plan.types, resources: plan.resources, contextFor, viewOf, memoryOf, jspi: jspi !== null, worker, promising }, group);
      innerEnv.asyncRt = asyncRt;
    },

    /** What an AbiContext of component instance `instance` lifts and lowers handles with. */
    handlers(instance, between) {
      return {
        resources: resources === null ? undefined : (r) => resources.handlesOf(instance, r),
        channels: asyncRt === null ? undefined : (t) => asyncRt.channel(instance, t, between),
        errorContexts: asyncRt?.errorContextsOf(instance),
      };
    },

    /**
     * The core function of a `lower` step that calls into another component, is async, or calls
     * a WASI function that may wait under JSPI; undefined for any other, which the core lowers.
     */
    lower(step, stepIndex) {
      const { sig, options, callee } = step;
      if (callee.kind === 'lifted') {
        if (inner === null) throw new TerrariumError('invalid', 'the plan calls between its components, and this runtime was given no `inner`');
        return inner.lowerInnerCall(step, stepIndex, innerEnv);
      }
      const context = importContext(plan, callee);
      if (options.async || sig.async) {
        const invoke = options.async && worker !== null ? worker.invokeAsync(callee, sig) : invokers.get(step);
        return needAsync().lowerHost({ cx: contextFor(options), sig, options, invoke, context });
      }
      if (jspi === null || !mayWait(callee.import, callee.name)) return undefined;
      const invoke = invokers.get(step);
      const resumable = asyncRt === null ? invoke : asyncRt.resumable(invoke);
      return new WebAssembly.Suspending(jspi.lowerWaiting({ cx: contextFor(options), sig, invoke: resumable, calls, context }));
    },

    /** The core function of a step the core does not run: a resource's or an async built-in. */
    step(step, stepIndex) {
      switch (step.op) {
        case 'resourceNew':
        case 'resourceRep':
        case 'resourceDrop':
          if (resources === null) throw new TerrariumError('invalid', `step ${stepIndex}: plan refers to resource ${step.resource}, which does not exist`);
          return resources.step(step);
        case 'builtin': {
          const f = needAsync().builtin(step);
          if (f === null) throw new TerrariumError('unsupported', `step ${stepIndex}: the built-in \`${step.name}\` (component-model async) is not supported yet`);
          return f;
        }
        default:
          throw new TerrariumError('invalid', `step ${stepIndex}: unknown op \`${step.op}\``);
      }
    },

    /**
     * An export's JS function, from what the core made of it (`o`, exports.js's `liftExport`
     * arguments): async ones run by the async runtime, sync ones as tasks of it when the plan
     * uses async, and through JSPI's queue under JSPI.
     */
    lift(exp, o) {
      const { sig, options } = exp;
      if (sig.async || options.async) {
        const { cx, core, postReturn, context } = o;
        return needAsync().liftExport({ cx, sig, options, core, callback: optionalFunc(options.callback), postReturn, context });
      }
      const lifted = { ...o, core: syncCore(o.core, sig, options, o.context) };
      return jspi === null ? liftExport(lifted) : jspi.liftExportAsync({ ...lifted, queue });
    },
  };
}
