/**
 * One guest instance's WASI, made from the packages it needs. Each package module (cli.js,
 * clocks.js, …) exports a `WasiPackage`; `createWasi` (index.js) composes them all, ahead-of-time
 * output only those its component imports, so a page never loads the rest.
 */

import { Waiter } from './wait.js';
import { mayWait, waitingFunctions } from './catalogue.js';

/**
 * @typedef {(options: import('./options.js').WasiOptions, waiter: Waiter, how: WasiHow) =>
 *   {interfaces: Record<string, object>, flush?: () => void, end?: () => void}} WasiPackage
 * @typedef {{wait?: 'none'|'async'|'sync', waiter?: Waiter, sinks?: {stdout?: any, stderr?: any}}} WasiHow
 *   `wait`: what a call that must wait does (wait.js): trap ('none', the default), return a
 *   promise ('async': JSPI, or the page's side of a worker), or block the thread ('sync').
 *   `sinks`: the worker's forwarding stdout and stderr, in place of the options'.
 */

/**
 * @param {import('./options.js').WasiOptions} options
 * @param {WasiHow} how
 * @param {WasiPackage[]} packages
 * @returns {{ imports: Record<string, object>, flush: () => void, end: () => void, waiter: Waiter }}
 *   `flush()` prints any partial console line; call it after the guest returns (exit already
 *   does). `end()` closes the guest's files and aborts its HTTP requests when the instance goes,
 *   publishing no unflushed write.
 */
export function composeWasi(options, how, packages) {
  const waiter = how.waiter ?? new Waiter(how.wait ?? 'none');
  const made = packages.map((make) => make(options, waiter, how));
  return {
    imports: Object.assign({}, ...made.map((p) => p.interfaces)),
    flush: () => made.forEach((p) => p.flush?.()),
    end: () => made.forEach((p) => p.end?.()),
    waiter,
  };
}

/**
 * A WASI as the runtime uses it (js/instantiate-component.js): `compose` makes one instance's,
 * and the catalogue's `mayWait` and `waitingFunctions` say which of its calls may have to wait.
 * A component that imports no WASI (or whose output was transpiled `--no-wasi`) has none, so
 * its page loads none of this.
 * @typedef {{compose: (options: import('./options.js').WasiOptions, how: WasiHow) => ReturnType<typeof composeWasi>,
 *   mayWait: typeof mayWait, waitingFunctions: typeof waitingFunctions}} WasiHost
 * @param {WasiHost['compose']} compose
 * @returns {WasiHost}
 */
export const wasiHost = (compose) => ({ compose, mayWait, waitingFunctions });

/** The WASI host of these packages: ahead-of-time output's, with those its component imports. */
export const wasiOfPackages = (packages) => wasiHost((options, how) => composeWasi(options, how, packages));
