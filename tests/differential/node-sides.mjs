/**
 * The two sides of the differential in Node (tests/node/differential*.test.mjs), from what
 * prepare.mjs laid out: Terrarium through `load()` or through its ahead-of-time output (`via`), and
 * jco's transpiled output with the preview2-shim's WASI.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WASIShim } from '@bytecodealliance/preview2-shim/instantiation';
import { load } from '../../js/index.js';
import { ROOT } from './prepare.mjs';
import { makeSides } from './runner.mjs';

const importEntry = async (file) => (await import(pathToFileURL(path.join(ROOT, file)).href)).instantiate;

/** The ways the Terrarium side runs: `load()`, and `terrarium transpile`'s output. */
export const VIAS = ['load', 'transpile'];

/**
 * @param {Awaited<ReturnType<import('./prepare.mjs').prepare>>} manifest
 * @param {object} components the corpus' components
 * @param {'load'|'transpile'} via
 */
export function nodeSides(manifest, components, via) {
  return makeSides({
    components,
    loadTerrarium: async (name) => load(new Uint8Array(await readFile(path.join(ROOT, manifest.components[name].wasm)))),
    terrariumInstantiate: via === 'transpile' ? (name) => importEntry(manifest.components[name].terrarium) : undefined,
    async jcoInstantiate(name) {
      const entry = manifest.components[name];
      if (!entry.jco) throw new Error(entry.jcoError);
      return importEntry(entry.jco);
    },
    wasiImports: () => new WASIShim().getImportObject(),
    terrariumOptions: { wasi: { stdout: () => {}, stderr: () => {} } },
  });
}
