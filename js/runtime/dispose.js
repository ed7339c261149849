/**
 * The dispose symbol. Browsers without explicit resource management lack `Symbol.dispose`; Node 20
 * defines it as `Symbol.for('nodejs.dispose')`, and the WASI polyfill falls back to that same
 * registered symbol, so host objects and the runtime agree everywhere. jco's shims use
 * `Symbol.for('dispose')` as their fallback: host objects carrying that one are disposed too.
 */
export const symbolDispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const jcoDispose = Symbol.for('dispose');

/** Calls a host object's dispose method, if it has one. */
export function disposeHostObject(obj) {
  const dispose = obj[symbolDispose] ?? obj[jcoDispose];
  if (typeof dispose === 'function') dispose.call(obj);
}
