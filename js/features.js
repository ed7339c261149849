/**
 * What this JS engine's WebAssembly supports, probed once with tiny modules (the two ways of
 * blocking are blocking.js's, which chooses between them). Terrarium uses it to refuse by name a
 * core module that needs an engine feature this engine lacks (`refuseMissing`); the rest (`simd`,
 * `relaxedSimd`, `jsStringBuiltins`, `threads`) is for the page, through the exported `features`.
 */

import { hasJspi, hasWorkerBlocking } from './blocking.js';
import { TerrariumError } from './errors.js';

const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** `(func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)` */
const simdModule = [...header, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, 10, 1, 8, 0, 0x41, 0, 0xfd, 15, 0xfd, 0x62, 0x0b];
/** `(func (result v128) i32.const 1 i8x16.splat i32.const 2 i8x16.splat i8x16.relaxed_swizzle)` */
const relaxedSimdModule = [...header, 1, 5, 1, 0x60, 0, 1, 0x7b, 3, 2, 1, 0, 10, 15, 1, 13, 0, 0x41, 1, 0xfd, 15, 0x41, 2, 0xfd, 15, 0xfd, 0x80, 0x02, 0x0b];
/** `(type (struct (field i8)))`: a WasmGC struct type. */
const gcModule = [...header, 1, 5, 1, 0x5f, 1, 0x78, 0];
/** `(func try_table end)`: exception handling as standardised (`exnref`). */
const exceptionsModule = [...header, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 0x1f, 0x40, 0, 0x0b, 0x0b];
/** `(func try catch_all end)`: the legacy form of exception handling. */
const legacyExceptionsModule = [...header, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 0x06, 0x40, 0x19, 0x0b, 0x0b];
/** `(func return_call 0)`: a tail call. */
const tailCallModule = [...header, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 10, 6, 1, 4, 0, 0x12, 0, 0x0b];
/** `(memory 0) (memory 0)`: two memories. */
const multiMemoryModule = [...header, 5, 5, 2, 0, 0, 0, 0];
/** `(memory i64 0)`: a 64-bit memory. */
const memory64Module = [...header, 5, 3, 1, 0x04, 0];
/** Imports `wasm:js-string` `length` as `(func (param externref) (result i32))`. */
const jsStringModule = [
  ...header, 1, 6, 1, 0x60, 1, 0x6f, 1, 0x7f,
  2, 25, 1, 14, ...new TextEncoder().encode('wasm:js-string'), 6, ...new TextEncoder().encode('length'), 0, 0,
];

function validates(bytes) {
  try {
    return WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

/** JS string builtins: with them, the import is satisfied by the engine and needs no JS value. */
function hasJsStringBuiltins() {
  try {
    const module = new WebAssembly.Module(new Uint8Array(jsStringModule), { builtins: ['js-string'] });
    new WebAssembly.Instance(module, {});
    return true;
  } catch {
    return false;
  }
}

function hasThreads() {
  try {
    if (typeof SharedArrayBuffer === 'undefined') return false;
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** @type {Readonly<{simd: boolean, relaxedSimd: boolean, gc: boolean, exceptions: boolean, legacyExceptions: boolean, tailCall: boolean, multiMemory: boolean, memory64: boolean, jsStringBuiltins: boolean, jspi: boolean, threads: boolean, workerBlocking: boolean}>} */
export const features = Object.freeze({
  simd: validates(simdModule),
  relaxedSimd: validates(relaxedSimdModule),
  gc: validates(gcModule),
  exceptions: validates(exceptionsModule),
  legacyExceptions: validates(legacyExceptionsModule),
  tailCall: validates(tailCallModule),
  multiMemory: validates(multiMemoryModule),
  memory64: validates(memory64Module),
  jsStringBuiltins: hasJsStringBuiltins(),
  jspi: hasJspi,
  threads: hasThreads(),
  workerBlocking: hasWorkerBlocking,
});

/**
 * The engine features a plan lists per core module (docs/plan-format.md): the probe above that
 * says whether this engine has each, and how messages call it.
 */
const engineFeatures = {
  gc: ['gc', 'WasmGC'],
  exceptions: ['exceptions', 'exception handling'],
  'legacy-exceptions': ['legacyExceptions', 'legacy exception handling'],
  'tail-call': ['tailCall', 'tail calls'],
  'multi-memory': ['multiMemory', 'multiple memories'],
  memory64: ['memory64', 'a 64-bit memory or table'],
};

/**
 * The first of a core module's engine features this engine lacks, as message text:
 * "WasmGC (`gc`)"; undefined when it has them all.
 * @param {string[]} needed
 */
function missingFeature(needed) {
  const missing = needed.find((name) => !features[engineFeatures[name][0]]);
  return missing === undefined ? undefined : `${engineFeatures[missing][1]} (\`${missing}\`)`;
}

/**
 * Throws an `unsupported` error naming the first of a core module's engine features this engine
 * lacks; `cause`: the compiler's error, when it has refused the module.
 */
export function refuseMissing(needed, index, start, cause) {
  const missing = missingFeature(needed);
  if (missing === undefined) return;
  const message = `core module ${index} uses ${missing}, which this engine does not support`;
  throw new TerrariumError('unsupported', `${message} (at offset 0x${start.toString(16)})`, { offset: start, cause });
}
