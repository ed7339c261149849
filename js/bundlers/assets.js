/**
 * What the bundler plugins share: which files are Terrarium's (its package, and modules `terrarium
 * transpile` wrote), and the one form in which their code names a file it fetches at run time (the
 * engine's wasm, the guest worker, a component's core modules), so that a bundler can emit that
 * file and point the code at the copy.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENTRY_HEADER } from '../transpile/entry.js';

/** The installed package's root (this file is js/bundlers/assets.js). */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `new URL('./terrarium-worker.js', import.meta.url)`: the quote, then the relative path (of
 * real names only, not a comment's `./…`).
 */
export const ASSET_URL = /new URL\((["'])(\.\.?\/[\w./-]+)\1,\s*import\.meta\.url\)/g;

/**
 * Whether `file` is Terrarium code whose `new URL(…)`s name files to emit. wasm-bindgen's glue
 * (dist/wasm/) is left out: its default URL is never used, since Terrarium hands it the wasm.
 */
export function isTerrariumCode(file) {
  const relative = path.relative(PACKAGE_ROOT, file);
  return !relative.startsWith('..') && !path.isAbsolute(relative) && /\.m?js$/.test(relative) && !relative.startsWith(path.join('dist', 'wasm'));
}

/** Whether `code` is a module `terrarium transpile` wrote, whose core modules are files to emit. */
export const isTranspiledEntry = (code) => code.startsWith(ENTRY_HEADER);

/** The file `relative` names from `importer`. */
export const assetPath = (importer, relative) => path.resolve(path.dirname(importer), relative);
