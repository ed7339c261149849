/**
 * `terrarium-wasm/esbuild`: an esbuild plugin that copies the files Terrarium fetches at run time
 * (the engine's wasm, the guest worker) next to the bundle, which esbuild does not do for
 * `new URL('./x', import.meta.url)` on its own; and makes `import { api } from './calc.wasm?component'`
 * the component's ahead-of-time output (components.js), its options those of `terrarium transpile`.
 * Vite and webpack need no plugin for Terrarium itself.
 *
 *   import { terrarium } from 'terrarium-wasm/esbuild';
 *   await esbuild.build({ entryPoints: ['main.js'], bundle: true, format: 'esm', outdir: 'out', plugins: [terrarium({ map })] });
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ASSET_URL, assetPath, isTerrariumCode, isTranspiledEntry } from './assets.js';
import { COMPONENT_QUERY, componentModule } from './components.js';

/** Files of the package, copied as they are. */
const ASSETS = 'terrarium-asset';
/** `…wasm?component` modules. */
const COMPONENTS = 'terrarium-component';
/** A component module's core modules, copied from memory. */
const CORE_MODULES = 'terrarium-core';

/** @param {import('./components.js').ComponentOptions} [options] */
export function terrarium(options = {}) {
  /** core module path → its bytes, set when the component module naming it loads */
  const cores = new Map();
  return {
    name: 'terrarium',
    setup(build) {
      // Each `new URL('x', import.meta.url)` becomes `new URL(<x's copy>, import.meta.url)`, the
      // copy imported through esbuild's `file` loader (its URL relative to the output).
      const copied = (namespace, file) => {
        const name = `__terrariumAsset${copied.count++}`;
        copied.imports.push(`import ${name} from ${JSON.stringify(`${namespace}:${file}`)};`);
        return `new URL(${name}, import.meta.url)`;
      };
      const withCopies = (make) => {
        Object.assign(copied, { count: 0, imports: [] });
        const code = make();
        return copied.imports.length === 0 ? code : `${copied.imports.join('\n')}\n${code}`;
      };

      build.onLoad({ filter: /\.m?js$/, namespace: 'file' }, async (args) => {
        // Other packages' code is left to esbuild unread; the app's own is read for transpiled output.
        const ours = isTerrariumCode(args.path);
        if (!ours && args.path.split(path.sep).includes('node_modules')) return undefined;
        const code = await readFile(args.path, 'utf8');
        if (!ours && !isTranspiledEntry(code)) return undefined;
        const contents = withCopies(() => code.replace(ASSET_URL, (_, _quote, relative) => copied(ASSETS, assetPath(args.path, relative))));
        return contents === code ? undefined : { contents, loader: 'js', resolveDir: path.dirname(args.path) };
      });
      build.onResolve({ filter: /\.wasm\?component$/ }, (args) => ({
        path: path.resolve(args.resolveDir, args.path.slice(0, -COMPONENT_QUERY.length)),
        namespace: COMPONENTS,
      }));
      build.onLoad({ filter: /.*/, namespace: COMPONENTS }, async (args) => {
        const code = await componentModule(args.path, options, (name, bytes) => {
          const core = path.join(path.dirname(args.path), name);
          cores.set(core, bytes);
          return `__terrariumCore(${JSON.stringify(core)})`;
        });
        // The copies' imports go first; the entry's expressions then name them.
        const contents = withCopies(() => code.replace(/__terrariumCore\(("[^"]+")\)/g, (_, core) => copied(CORE_MODULES, JSON.parse(core))));
        return { contents, loader: 'js', resolveDir: path.dirname(args.path), watchFiles: [args.path] };
      });
      for (const namespace of [ASSETS, CORE_MODULES]) {
        build.onResolve({ filter: new RegExp(`^${namespace}:`) }, (args) => ({ path: args.path.slice(namespace.length + 1), namespace }));
      }
      build.onLoad({ filter: /.*/, namespace: ASSETS }, async (args) => ({ contents: await readFile(args.path), loader: 'file' }));
      build.onLoad({ filter: /.*/, namespace: CORE_MODULES }, (args) => ({ contents: cores.get(args.path), loader: 'file' }));
    },
  };
}
