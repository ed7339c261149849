/**
 * Ahead-of-time output (`terrarium transpile`, the bundler plugins): a component becomes files a
 * page ships as they are: its core modules as `.wasm` files, an ES module with its plan (entry.js)
 * and, if asked, TypeScript declarations. The component is loaded exactly as `load()` loads it,
 * so an invalid one fails here with the same error, and nothing is written.
 */

import path from 'node:path';
import { load } from '../load.js';
import { componentInternals } from '../component.js';
import { entryModule } from './entry.js';

/**
 * @typedef {object} TranspileOptions
 * @property {string} [name] the files' base name (default: the source's, without `.wasm`)
 * @property {'async'} [instantiation] export `instantiate(getCoreModule, imports, options)` rather
 *   than instantiating at import
 * @property {Record<string, string>} [map] import name → module specifier, e.g.
 *   `{ 'example:calc/host': './host.js' }`; a key ending in `*` maps every name it starts
 * @property {boolean} [wasi] false: WASI imports are imports like any other, not the polyfill's
 * @property {boolean} [types] write `<name>.d.ts` too
 * @property {'none'|'jspi'|'worker'} [blocking] the declarations' form (promises for jspi, worker)
 * @property {string} [runtime] the runtime's package specifier (default `terrarium-wasm`)
 * @property {(file: string, bytes: Uint8Array) => string} [coreUrl] for bundler plugins: the JS
 *   expression of a core file's URL in the entry
 */

/**
 * @param {Parameters<typeof load>[0]} source
 * @param {TranspileOptions} [options]
 * @returns {Promise<Map<string, Uint8Array|string>>} file name → contents; the entry is `<name>.js`
 */
export async function transpile(source, options = {}) {
  const name = options.name ?? baseName(source);
  const component = await load(source);
  const { bytes, plan } = componentInternals(component);
  const files = new Map();
  let count = 0;
  const coreFiles = plan.modules.map((m) => {
    if (m.import !== undefined) return null;
    count += 1;
    const file = `${name}.core${count === 1 ? '' : count}.wasm`;
    files.set(file, bytes.slice(m.start, m.end));
    return file;
  });
  const entry = entryModule(plan, {
    source: typeof source === 'string' ? path.basename(source) : `${name}.wasm`,
    coreFiles,
    instantiation: options.instantiation,
    specifier: specifierMap(options.map ?? {}),
    wasi: options.wasi !== false,
    runtime: options.runtime ?? 'terrarium-wasm',
    coreUrl: options.coreUrl && ((file) => options.coreUrl(file, files.get(file))),
  });
  files.set(`${name}.js`, entry);
  if (options.types) {
    const { declarations } = await import('../types/index.js');
    files.set(`${name}.d.ts`, declarations(plan, { name: `${name}.wasm`, blocking: options.blocking, module: options.instantiation === 'async' ? 'instantiate' : 'exports' }));
  }
  return files;
}

/** `calc` from `./dist/calc.wasm` (or `component` for bytes). */
function baseName(source) {
  if (typeof source !== 'string' && !(source instanceof URL)) return 'component';
  const file = path.basename(source instanceof URL ? source.pathname : source);
  return file.replace(/\.wasm$/, '') || 'component';
}

/**
 * The module each import comes from: `map`'s entry for its full or versionless name, or for a
 * prefix (`'wasi:cli/*': './cli/*.js'` puts the rest in place of the `*`), else the versionless name.
 */
function specifierMap(map) {
  return ({ name, versionless }) => {
    for (const key of [name, versionless]) if (Object.hasOwn(map, key)) return map[key];
    for (const [key, target] of Object.entries(map)) {
      if (key.endsWith('*') && versionless.startsWith(key.slice(0, -1))) return target.replace('*', versionless.slice(key.length - 1));
    }
    return versionless;
  };
}
