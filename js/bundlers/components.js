/**
 * `import { api } from './calc.wasm?component'` in an app a bundler plugin builds: the module is
 * the component's ahead-of-time output (js/transpile/), made when the bundler loads it, its core
 * modules emitted as the bundler's assets.
 */

import path from 'node:path';
import { transpile } from '../transpile/index.js';

/** The query that makes a `.wasm` import a component module. */
export const COMPONENT_QUERY = '?component';

/** The component file a `…wasm?component` module id names, or null for any other id. */
export const componentFile = (id) => (id.endsWith(`.wasm${COMPONENT_QUERY}`) ? id.slice(0, -COMPONENT_QUERY.length) : null);

/**
 * @typedef {{map?: Record<string, string>, wasi?: boolean}} ComponentOptions as `terrarium
 *   transpile` takes them: `map` names the module each non-WASI import comes from (a relative
 *   specifier is relative to the component's folder)
 */

/**
 * The module's code and its core modules; `coreUrl(name, bytes)` writes the JS expression of the
 * URL the bundler gives a core module.
 * @param {string} file
 * @param {ComponentOptions} options
 * @param {(name: string, bytes: Uint8Array) => string} coreUrl
 */
export async function componentModule(file, options, coreUrl) {
  const name = path.basename(file, '.wasm');
  const files = await transpile(file, { name, map: options.map, wasi: options.wasi, coreUrl });
  return files.get(`${name}.js`);
}
