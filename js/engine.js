/**
 * Loads Terrarium's own wasm (host-core behind wasm-bindgen), once per build variant:
 * - `full`: parses, validates and plans; the default.
 * - `trusted`: parses and plans without the validator, for pages that trust their components.
 * - `wit`: the WIT printer, loaded only when `component.wit()` is first called.
 * - `wasi`: the virtual filesystem of `wasi:filesystem`, loaded when a page makes a filesystem.
 */

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined && typeof window === 'undefined';

/** Static import paths, so bundlers can see every variant. */
const bindings = {
  full: () => import('../dist/wasm/full/terrarium.js'),
  trusted: () => import('../dist/wasm/trusted/terrarium.js'),
  wit: () => import('../dist/wasm/wit/terrarium.js'),
  wasi: () => import('../dist/wasm/wasi/terrarium.js'),
};

const loaded = new Map();

/** @param {'full'|'trusted'|'wit'|'wasi'} variant */
export function engine(variant) {
  let promise = loaded.get(variant);
  if (!promise) {
    promise = initialise(variant);
    loaded.set(variant, promise);
  }
  return promise;
}

async function initialise(variant) {
  const module = await bindings[variant]();
  const wasmUrl = new URL(`../dist/wasm/${variant}/terrarium_bg.wasm`, import.meta.url);
  // Node's fetch cannot read file: URLs, so Node hands the bytes over instead.
  const source = isNode ? await readFileBytes(wasmUrl) : wasmUrl;
  await module.default({ module_or_path: source });
  return module;
}

/** Reads a file in Node; never reached in a browser. */
export async function readFileBytes(url) {
  const { readFile } = await import('node:fs/promises');
  return new Uint8Array(await readFile(url));
}

export { isNode };
