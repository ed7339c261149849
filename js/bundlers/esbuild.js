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
      build.onLoad({ filter: /\.m?js$/, namespace: 'file' }, async (args) => {
        // Other packages' code is left to esbuild unread; the app's own is read for transpiled output.
        const ours = isTerrariumCode(args.path);
        if (!ours && args.path.split(path.sep).includes('node_modules')) return undefined;
        const code = await readFile(args.path, 'utf8');
        if (!ours && !isTranspiledEntry(code)) return undefined;
        const imports = [];
        const contents = code.replace(ASSET_URL, (_, _quote, relative) => copyOf(imports, ASSETS, assetPath(args.path, relative)));
        return imports.length === 0 ? undefined : { contents: withImports(imports, contents), loader: 'js', resolveDir: path.dirname(args.path) };
      });
      build.onResolve({ filter: /\.wasm\?component$/ }, (args) => ({
        path: path.resolve(args.resolveDir, args.path.slice(0, -COMPONENT_QUERY.length)),
        namespace: COMPONENTS,
      }));
      build.onLoad({ filter: /.*/, namespace: COMPONENTS }, async (args) => {
        const imports = [];
        const code = await componentModule(args.path, options, (name, bytes) => {
          const core = path.join(path.dirname(args.path), name);
          cores.set(core, bytes);
          return copyOf(imports, CORE_MODULES, core);
        });
        return { contents: withImports(imports, code), loader: 'js', resolveDir: path.dirname(args.path), watchFiles: [args.path] };
      });
      for (const namespace of [ASSETS, CORE_MODULES]) {
        build.onResolve({ filter: new RegExp(`^${namespace}:`) }, (args) => ({ path: args.path.slice(namespace.length + 1), namespace }));
      }
      build.onLoad({ filter: /.*/, namespace: ASSETS }, async (args) => ({ contents: await readFile(args.path), loader: 'file' }));
      build.onLoad({ filter: /.*/, namespace: CORE_MODULES }, (args) => ({ contents: cores.get(args.path), loader: 'file' }));
    },
  };
}

/**
 * `new URL(<file's copy>, import.meta.url)`: the copy imported through esbuild's `file` loader (its
 * URL relative to the output), the import added to `imports`.
 */
function copyOf(imports, namespace, file) {
  const name = `__terrariumAsset${imports.length}`;
  imports.push(`import ${name} from ${JSON.stringify(`${namespace}:${file}`)};`);
  return `new URL(${name}, import.meta.url)`;
}

/** `code` with the copies' imports before it. */
const withImports = (imports, code) => (imports.length === 0 ? code : `${imports.join('\n')}\n${code}`);
