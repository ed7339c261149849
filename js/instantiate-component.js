/**
 * One instance of a planned component: its imports resolved (the host's, else the WASI polyfill's),
 * its way of waiting chosen, and its core modules instantiated in this thread or in a worker. Both
 * `component.instantiate` and ahead-of-time output (aot.js) come here.
 */

import { instantiatePlan } from './runtime/instantiate.js';
import { hostImport } from './runtime/imports.js';
import { extend } from './runtime/extended.js';
import { symbolDispose } from './runtime/dispose.js';
import { TerrariumError } from './errors.js';

/**
 * The parts of the runtime a caller may leave out when its component does not need them, so that
 * ahead-of-time output loads only what its component uses. `kinds`: the code of each type kind
 * the plan has (abi/kinds.js; `ALL_KINDS` has every one); `jspi`: runtime/jspi.js, or null (or
 * left out) for a caller that never asks for `blocking: 'jspi'`; `worker`: how to fetch
 * worker/host.js (it is fetched only for instances that run in a worker), or null (or left out)
 * for a caller that never asks for `blocking: 'worker'`; `wasi`: the WASI the caller has, or
 * null (every import is the host's and nothing waits); `resources`: resources.js's
 * `planResources`, or null for a plan without resources; `async`: the async runtime
 * (runtime/async/index.js), or null (or left out) for a plan without component-model async;
 * `inner`: runtime/inner-calls.js, or null (or left out) for a plan whose components do not call
 * each other; `fused`: runtime/fused-call.js, or null (or left out): calls between components
 * then go through JS values; `blocking`: blocking.js's `resolveBlocking`, for a caller whose
 * options may ask for a way of waiting, or null (or left out): the instance runs with 'none'.
 * @typedef {{kinds: Record<string, import('./abi/kinds.js').KindCodec>,
 *   wasi: import('../polyfill-wasi/js/compose.js').WasiHost|null,
 *   resources: typeof import('./runtime/resources.js').planResources|null,
 *   jspi?: typeof import('./runtime/jspi.js')|null,
 *   worker?: (() => Promise<typeof import('./worker/host.js')>)|null,
 *   async?: typeof import('./runtime/async/index.js')|null,
 *   inner?: typeof import('./runtime/inner-calls.js')|null,
 *   fused?: typeof import('./runtime/fused-call.js')|null,
 *   blocking?: typeof import('./blocking.js').resolveBlocking|null}} RuntimeParts
 */

/**
 * @param {any} plan
 * @param {(WebAssembly.Module|null)[]} modules indexed like `plan.modules`
 * @param {Record<string, any>} imports checked by the caller (arguments.js)
 * @param {{wasi?: import('../polyfill-wasi/js/options.js').WasiOptions, blocking?: string, name?: string}} options
 * @param {RuntimeParts} parts
 */
export async function instantiateComponent(
  plan,
  modules,
  imports,
  options,
  { kinds, wasi: wasiHost, resources, jspi: jspiRuntime = null, worker = null, async = null, inner = null, fused = null, blocking: resolveBlocking = null },
) {
  const wasiOptions = options.wasi ?? {};
  // A stackful async export waits whatever its WASI does: 'auto' gives it JSPI where there is one.
  const everWaits = () => (async?.needsJspi(plan) ?? null) !== null || (wasiHost?.mayWait(plan.imports, wasiOptions) ?? false);
  const blocking = resolveBlocking === null ? 'none' : resolveBlocking(options.blocking, everWaits, 'none');
  const given = (wanted) => hostImport(imports, wanted);
  const resolveWith = (wasi) => (index) => {
    const wanted = plan.imports[index];
    const value = given(wanted);
    if (wanted.wasi === null || wasiHost === null) return value;
    const builtin = wasi.imports[wanted.wasi];
    return value === undefined ? builtin : { ...builtin, ...value };
  };

  if (blocking === 'worker') {
    const { instantiateWithWorker } = await (worker ?? missingPart('worker', "the worker's"))();
    const makeWasi = wasiHost?.compose ?? null;
    return instantiateWithWorker({ plan, modules, name: options.name ?? 'component', given, resolveWith, makeWasi, wasiOptions });
  }

  const jspi = blocking === 'jspi';
  const wasi = wasiHost?.compose(wasiOptions, { wait: jspi ? 'async' : 'none' }) ?? NO_WASI;
  if (jspi && jspiRuntime === null) missingPart('jspi', "JSPI's");
  const waiting = jspi && wasiHost !== null ? wasiHost.waitingFunctions(plan.imports.map((i) => i.name), wasiOptions) : null;
  const mayWait = (index, func) => {
    const wanted = plan.imports[index];
    return waiting !== null && wanted.wasi !== null && waiting.has(`${wanted.wasi}#${func}`);
  };
  let instance;
  try {
    instance = await instantiatePlan(plan, modules, resolveWith(wasi), { kinds, name: options.name, extend, jspi: jspi ? jspiRuntime : null, mayWait, resources, async, inner, fused });
  } catch (error) {
    wasi.end();
    throw error;
  }
  instance.flushOutput = wasi.flush;
  instance.blocking = blocking;
  // Disposing the instance ends its WASI session first: its open files close without publishing
  // unflushed writes (a trapped guest never leaves half a write behind).
  const disposeInstance = instance[symbolDispose];
  instance[symbolDispose] = () => {
    wasi.end();
    disposeInstance.call(instance);
  };
  return instance;
}

/** The WASI session of an instance without WASI: nothing to flush or close. */
const NO_WASI = /* @__PURE__ */ Object.freeze({ imports: {}, flush() {}, end() {} });

/** The error for a blocking mode whose side of the runtime the caller did not give (`part`). */
function missingPart(part, what) {
  throw new TerrariumError('unsupported', `blocking: '${part}' needs ${what} side of the runtime, and this runtime was given none (\`${part}\`)`);
}
