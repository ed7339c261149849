/**
 * Checks of what a caller hands `instantiate` and `run`, made before anything is created, so a
 * wrong argument is a `TypeError` that names it rather than an engine error from deep inside.
 */

import { describe } from './abi/invalid.js';
import { WASI_OPTION_KEYS } from '../polyfill-wasi/js/options.js';

/** A plain options-like object: not null, not an array. */
export const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * @param {string} where the function, for messages: `'instantiate'`
 * @param {unknown} imports
 * @param {unknown} options
 */
export function checkInstantiateArguments(where, imports, options) {
  if (!isObject(imports)) {
    throw new TypeError(`${where}: \`imports\` must be an object keyed by interface name, got ${describe(imports)}`);
  }
  if (!isObject(options)) throw new TypeError(`${where}: \`options\` must be an object, got ${describe(options)}`);
  if (options.wasi !== undefined) checkWasiOptions(`${where}: \`options.wasi\``, options.wasi);
}

/**
 * @param {string} what how the caller named the options, for messages
 * @param {unknown} wasi
 */
export function checkWasiOptions(what, wasi) {
  if (!isObject(wasi)) throw new TypeError(`${what} must be an object of WASI options, got ${describe(wasi)}`);
  const unknown = Object.keys(wasi).filter((key) => !WASI_OPTION_KEYS.includes(key));
  if (unknown.length > 0) {
    throw new TypeError(`${what} has no option \`${unknown[0]}\` (it has ${WASI_OPTION_KEYS.map((k) => `\`${k}\``).join(', ')})`);
  }
}
