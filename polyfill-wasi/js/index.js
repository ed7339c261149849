// Terrarium's WASI 0.2 polyfill: plain ESM over web APIs (crypto, performance,
// TextEncoder/TextDecoder, console), so it runs unchanged in a page, a Worker
// and Node 20. One module per WASI package; this file wires them all together (compose.js).

import { cliPackage } from './cli.js';
import { clocksPackage } from './clocks.js';
import { composeWasi } from './compose.js';
import { filesystemPackage } from './filesystem.js';
import { ioPackage } from './io.js';
import { randomPackage } from './random.js';
import { socketsPackage } from './sockets.js';

export { interfaces, waitingFunctions, mayWait } from './catalogue.js';
export { WASI_OPTION_KEYS } from './options.js';
/** @typedef {import('./options.js').WasiOptions} WasiOptions */

/**
 * Creates the WASI imports for one guest instance: every package, wasi:http only when `how.http`
 * hands over http.js's `createHttp` (loaded only for components that import it, so a page that
 * never makes a request never downloads it).
 * @param {WasiOptions} [options]
 * @param {import('./compose.js').WasiHow & {http?: import('./compose.js').WasiPackage}} [how]
 */
export function createWasi(options = {}, how = {}) {
  const packages = [cliPackage, clocksPackage, randomPackage, ioPackage, socketsPackage, filesystemPackage];
  return composeWasi(options, how, how.http ? [...packages, how.http] : packages);
}
