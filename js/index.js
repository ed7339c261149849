/** Terrarium: load WebAssembly components at run time and call them like JS modules. */

export { load } from './load.js';
export { run } from './run.js';
export { serve } from './serve.js';
export { Component } from './component.js';
export { features } from './features.js';
export { TerrariumError, ComponentError, ErrorContext } from './errors.js';
export { createFilesystem, Filesystem, FilesystemError } from '../polyfill-wasi/js/filesystem.js';
export { openFilesystem, PersistentFilesystem } from '../polyfill-wasi/js/opfs.js';
