/**
 * What the package loads on first use, gathered in one module so that a bundler makes one chunk
 * of it (and one of what it shares with the rest) rather than a chunk per part and per combination
 * of parts, which a cold page would fetch in waves: serve(), the component-model async runtime,
 * the copies between components' memories, wasi:http's polyfill, registry pulls. `onDemand()`
 * (on-demand-loader.js) imports it once.
 */

export { serve } from './serve.js';
export * as asyncRuntime from './runtime/async/index.js';
export * as innerCalls from './runtime/inner-calls.js';
export * as fusedCalls from './runtime/fused-call.js';
export { createHttp } from '../polyfill-wasi/js/http.js';
export { ociBytes } from './oci/pull.js';
