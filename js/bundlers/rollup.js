/**
 * `terrarium-wasm/rollup`: a Rollup plugin that emits the files Terrarium fetches at run time (the
 * engine's wasm, the guest worker), which Rollup, unlike Vite and webpack, does not follow from
 * `new URL('…', import.meta.url)`. Vite and webpack need no plugin.
 *
 *   import { terrarium } from 'terrarium-wasm/rollup';
 *   export default { input: 'main.js', plugins: [nodeResolve({ browser: true }), terrarium()] };
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ASSET_URL, assetPath, isTerrariumCode } from './assets.js';

export function terrarium() {
  return {
    name: 'terrarium',
    transform(code, id) {
      if (!isTerrariumCode(id)) return null;
      let emitted = false;
      const rewritten = code.replace(ASSET_URL, (_, _quote, relative) => {
        const file = assetPath(id, relative);
        const ref = this.emitFile({ type: 'asset', name: path.basename(file), source: readFileSync(file) });
        emitted = true;
        return `new URL(import.meta.ROLLUP_FILE_URL_${ref})`;
      });
      return emitted ? { code: rewritten, map: null } : null;
    },
  };
}
