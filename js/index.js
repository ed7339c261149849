/** Terrarium: load WebAssembly components at run time and call them like JS modules. */

import { onDemand } from './on-demand-loader.js';

export { load } from './load.js';
export { run } from './run.js';
export { Component } from './component.js';
export { features } from './features.js';
export { TerrariumError, ComponentError, ErrorContext } from './errors.js';
export { createFilesystem, Filesystem, FilesystemError } from '../polyfill-wasi/js/filesystem.js';
export { openFilesystem, PersistentFilesystem } from '../polyfill-wasi/js/opfs.js';

/**
 * `serve(component, options)` (serve.js), fetched on first use: most pages never serve HTTP.
 * @type {typeof import('./serve.js').serve}
 */
export async function serve(source, options) {
  return (await onDemand()).serve(source, options);
}
