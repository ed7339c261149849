/**
 * How an instance waits (`instantiate(imports, { blocking })`), and what this environment offers.
 *
 * - 'jspi': the guest runs on the caller's thread; exports run through `WebAssembly.promising`
 *   and return promises, and the WASI calls that may wait are imported through
 *   `WebAssembly.Suspending`, so the guest is suspended while the page goes on.
 * - 'worker': the guest runs in a worker Terrarium starts from `terrarium-worker.js`, blocking with Atomics.wait while the page does the waiting; exports return
 *   promises. Needs SharedArrayBuffer (a cross-origin-isolated page, or Node).
 * - 'none': the guest runs on the caller's thread and exports return values; a call that would
 *   have to wait traps instead (kind 'trap', saying JSPI or a worker is needed).
 * - 'auto': 'none' if the component can never wait (no timers, no HTTP, no ReadableStream on
 *   stdin); otherwise 'jspi' where available, else 'worker', else 'none'.
 */

import { canStartBlockingWorker } from '#platform';
import { TerrariumError } from './errors.js';

export const BLOCKING_MODES = Object.freeze(['none', 'jspi', 'worker', 'auto']);

/** Whether this engine has JSPI (`features.jspi`). */
export const hasJspi = typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';

/**
 * Whether a guest can run in a worker that blocks with Atomics.wait while this thread works
 * (`features.workerBlocking`): SharedArrayBuffer (in a page, only when cross-origin isolated) and
 * a way to start a module worker (Web Workers; Node's worker_threads).
 */
export const hasWorkerBlocking = typeof SharedArrayBuffer !== 'undefined' && typeof Atomics?.wait === 'function' && canStartBlockingWorker();

/** Why `mode` cannot be used here, or null when it can. */
export function unavailable(mode) {
  if (mode === 'jspi' && !hasJspi) {
    return 'this engine has no JSPI (WebAssembly.Suspending and WebAssembly.promising)';
  }
  if (mode === 'worker' && !hasWorkerBlocking) {
    return typeof SharedArrayBuffer === 'undefined'
      ? 'SharedArrayBuffer is missing: the page must be cross-origin isolated (COOP: same-origin and COEP: require-corp)'
      : 'this environment cannot start a worker that waits with Atomics.wait';
  }
  return null;
}

/**
 * The mode an instance of a component importing `imports` runs in.
 * @param {string|undefined} requested
 * @param {() => boolean} mayWait whether the instance can ever have to wait (a WASI host's `mayWait`)
 * @param {string} fallback the mode used when `requested` is undefined
 */
export function resolveBlocking(requested, mayWait, fallback) {
  const mode = requested ?? fallback;
  if (!BLOCKING_MODES.includes(mode)) {
    throw new TypeError(`blocking must be one of ${BLOCKING_MODES.map((m) => `'${m}'`).join(', ')}, not ${JSON.stringify(mode)}`);
  }
  if (mode === 'auto') {
    if (!mayWait()) return 'none';
    if (hasJspi) return 'jspi';
    if (hasWorkerBlocking) return 'worker';
    return 'none';
  }
  const why = unavailable(mode);
  if (why !== null) throw new TerrariumError('unsupported', `blocking: '${mode}' is not available here: ${why}`);
  return mode;
}
