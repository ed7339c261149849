/**
 * `terrarium-wasm/rollup`: a Rollup plugin that emits the files Terrarium fetches at run time (the
 * engine's wasm, the guest worker), which Rollup, unlike Vite and webpack, does not follow from
 * `new URL('…', import.meta.url)`; and makes `import { api } from './calc.wasm?component'` the
 * component's ahead-of-time output (components.js), its options those of `terrarium transpile`.
 *
 *   import { terrarium } from 'terrarium-wasm/rollup';
 *   export default { input: 'main.js', plugins: [nodeResolve({ browser: true }), terrarium({ map })] };
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ASSET_URL, assetPath, isTerrariumCode, isTranspiledEntry } from './assets.js';
import { componentFile, componentModule } from './components.js';

/** @param {import('./components.js').ComponentOptions} [options] */
export function terrarium(options = {}) {
  return {
    name: 'terrarium',
    resolveId: resolveComponent,
    async load(id) {
      const file = componentFile(id);
      if (file === null) return null;
      this.addWatchFile(file);
      return componentModule(file, options, (name, bytes) => emittedUrl(this, name, bytes));
    },
    transform(code, id) {
      if (!isTerrariumCode(id) && !isTranspiledEntry(code)) return null;
      let emitted = false;
      const rewritten = code.replace(ASSET_URL, (_, _quote, relative) => {
        const file = assetPath(id, relative);
        emitted = true;
        return emittedUrl(this, path.basename(file), readFileSync(file));
      });
      return emitted ? { code: rewritten, map: null } : null;
    },
  };
}

/** A `…wasm?component` import, resolved beside its importer. */
export function resolveComponent(source, importer) {
  if (componentFile(source) === null || importer === undefined || !source.startsWith('.')) return null;
  return path.resolve(path.dirname(importer), source);
}

/** The URL expression of a file emitted as an asset: absolute from Rollup, root-relative from Vite. */
export function emittedUrl(context, name, source) {
  return `new URL(import.meta.ROLLUP_FILE_URL_${context.emitFile({ type: 'asset', name, source })}, import.meta.url)`;
}
