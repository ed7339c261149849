/**
 * `terrarium-wasm/esbuild`: an esbuild plugin that copies the files Terrarium fetches at run time
 * (the engine's wasm, the guest worker) next to the bundle, which esbuild does not do for
 * `new URL('…', import.meta.url)` on its own. Vite and webpack need no plugin.
 *
 *   import { terrarium } from 'terrarium-wasm/esbuild';
 *   await esbuild.build({ entryPoints: ['main.js'], bundle: true, format: 'esm', outdir: 'out', plugins: [terrarium()] });
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ASSET_URL, assetPath, isTerrariumCode } from './assets.js';

const NAMESPACE = 'terrarium-asset';

export function terrarium() {
  return {
    name: 'terrarium',
    setup(build) {
      // Each `new URL('x', import.meta.url)` becomes `new URL(<x's copy>, import.meta.url)`, the
      // copy imported through esbuild's `file` loader (its URL relative to the output).
      build.onLoad({ filter: /\.m?js$/ }, async (args) => {
        if (!isTerrariumCode(args.path)) return undefined;
        const code = await readFile(args.path, 'utf8');
        const imports = [];
        const contents = code.replace(ASSET_URL, (_, _quote, relative) => {
          const name = `__terrariumAsset${imports.length}`;
          imports.push(`import ${name} from ${JSON.stringify(`${NAMESPACE}:${assetPath(args.path, relative)}`)};`);
          return `new URL(${name}, import.meta.url)`;
        });
        if (imports.length === 0) return undefined;
        return { contents: `${imports.join('\n')}\n${contents}`, loader: 'js', resolveDir: path.dirname(args.path) };
      });
      build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({
        path: args.path.slice(NAMESPACE.length + 1),
        namespace: NAMESPACE,
      }));
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, async (args) => ({
        contents: await readFile(args.path),
        loader: 'file',
      }));
    },
  };
}
