/** The types of the three bundler plugins (vite.js, rollup.js, esbuild.js), which share their options. */

/** Options of `?component` imports, as `terrarium transpile` takes them. */
export interface ComponentOptions {
  /** Import name → the module it comes from (relative to the component's folder); a key may end in `*`. */
  map?: Record<string, string>;
  /** false: WASI imports are imports like any other, not Terrarium's polyfill. */
  wasi?: boolean;
}

/** The bundler's plugin object: `import { api } from './calc.wasm?component'` and Terrarium's own files. */
export declare function terrarium(options?: ComponentOptions): any;
