/**
 * `terrarium-wasm/vite`: `import { api } from './calc.wasm?component'` in a Vite app is the
 * component's ahead-of-time output (components.js), in the build (core modules emitted as assets)
 * and on the dev server (served from memory; a rebuilt .wasm reloads the page). Terrarium itself
 * needs no plugin in Vite.
 *
 *   import { terrarium } from 'terrarium-wasm/vite';
 *   export default { plugins: [terrarium({ map: { 'example:calc/host': './host.js' } })] };
 */

import { createHash } from 'node:crypto';
import { componentFile, componentModule } from './components.js';
import { emittedUrl, resolveComponent } from './rollup.js';

/** Where the dev server serves core modules. */
const DEV_PREFIX = '/@terrarium/';

/** @param {import('./components.js').ComponentOptions} [options] */
export function terrarium(options = {}) {
  let serving = false;
  /** dev: URL path → a core module's bytes */
  const served = new Map();
  return {
    name: 'terrarium',
    // Before Vite's own asset handling, which would make any `.wasm` import a URL.
    enforce: 'pre',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const bytes = served.get(request.url?.split('?')[0]);
        if (bytes === undefined) return next();
        response.setHeader('Content-Type', 'application/wasm');
        response.end(bytes);
      });
    },
    resolveId: resolveComponent,
    async load(id) {
      const file = componentFile(id);
      if (file === null) return null;
      this.addWatchFile(file);
      return componentModule(file, options, (name, bytes) => {
        if (!serving) return emittedUrl(this, name, bytes);
        const url = `${DEV_PREFIX}${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}/${name}`;
        served.set(url, bytes);
        // Not `import.meta.url`: Vite would look for the file on disk.
        return `new URL(${JSON.stringify(url)}, location.href)`;
      });
    },
  };
}
