/**
 * What the bundler plugins share: which files are Terrarium's, and the one form in which its code
 * names a file it fetches at run time (the engine's wasm, the guest worker), so that a bundler
 * can emit that file and point the code at the copy.
 */

import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** The file `relative` names from `importer`. */
export const assetPath = (importer, relative) => path.resolve(path.dirname(importer), relative);
