/**
 * Loads Terrarium's own wasm (host-core behind wasm-bindgen), once per build variant:
 * - `full`: parses, validates and plans; the default.
 * - `trusted`: parses and plans without the validator, for pages that trust their components.
 * - `wit`: the WIT printer, loaded only when `component.wit()` is first called.
 * - `wasi`: the virtual filesystem of `wasi:filesystem`, loaded when a page makes a filesystem.
 * - `features`: the engine features of a core module's code, loaded when the browser refused to compile one.
 */

import { isNode, readFileBytes } from '#platform';

/**
 * Each variant's wasm-bindgen glue and wasm, written out as static paths so bundlers see and emit
 * every file. They resolve the same from js/ and from the bundle in dist/.
 */
const variants = {
  full: { glue: () => import('../dist/wasm/full/terrarium.js'), wasm: () => new URL('../dist/wasm/full/terrarium_bg.wasm', import.meta.url) },
  trusted: { glue: () => import('../dist/wasm/trusted/terrarium.js'), wasm: () => new URL('../dist/wasm/trusted/terrarium_bg.wasm', import.meta.url) },
  wit: { glue: () => import('../dist/wasm/wit/terrarium.js'), wasm: () => new URL('../dist/wasm/wit/terrarium_bg.wasm', import.meta.url) },
  wasi: { glue: () => import('../dist/wasm/wasi/terrarium.js'), wasm: () => new URL('../dist/wasm/wasi/terrarium_bg.wasm', import.meta.url) },
  features: { glue: () => import('../dist/wasm/features/terrarium.js'), wasm: () => new URL('../dist/wasm/features/terrarium_bg.wasm', import.meta.url) },
};

const loaded = new Map();

/** @param {'full'|'trusted'|'wit'|'wasi'|'features'} variant */
export function engine(variant) {
  let promise = loaded.get(variant);
  if (!promise) {
    promise = initialise(variant);
    loaded.set(variant, promise);
  }
  return promise;
}

async function initialise(variant) {
  const { glue, wasm } = variants[variant];
  const module = await glue();
  const wasmUrl = wasm();
  // Node's fetch cannot read file: URLs, so Node hands the bytes over instead.
  const source = isNode ? await readFileBytes(wasmUrl) : wasmUrl;
  await module.default({ module_or_path: source });
  return module;
}
