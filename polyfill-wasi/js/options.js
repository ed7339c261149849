/**
 * The options of Terrarium's WASI (`options.wasi` of `instantiate` and `run`), kept apart from the
 * catalogue so that checking them loads nothing else of the polyfill.
 */

/** Whether `value` is a ReadableStream (of any realm). */
export const isReadableStream = (value) => typeof ReadableStream !== 'undefined' && value instanceof ReadableStream;

/**
 * @typedef {object} WasiOptions
 * @property {string[]} [args] what get-arguments returns (argv[0] included if wanted)
 * @property {Record<string,string>|Array<[string,string]>} [env]
 * @property {string} [cwd] what `wasi:cli/environment.initial-cwd` returns (none by default)
 * @property {string|Uint8Array|ArrayBuffer|ReadableStream<Uint8Array>} [stdin] bytes are read in
 *   chunks, then `closed`; a ReadableStream is read as it arrives (waiting needs JSPI or a
 *   worker); undefined = empty
 * @property {((bytes: Uint8Array) => void)|'console'} [stdout] callback gets a copy of each write;
 *   'console'/undefined prints lines with console.log
 * @property {((bytes: Uint8Array) => void)|'console'} [stderr] as stdout, with console.error
 * @property {Record<string, any>} [preopens] guest path → filesystem (from createFilesystem()), or
 *   in Node `{ hostPath, readOnly }`, a folder of the host
 * @property {typeof fetch} [fetch] the fetch wasi:http uses (default: globalThis.fetch)
 * @property {{requestBodies?: 'auto'|'stream'|'buffer'}} [http] how request bodies go out
 * @property {{monotonic?: 'virtual'|(() => bigint|number), wall?: Date|number|(() => any)}} [clocks]
 * @property {{seed?: number|bigint, bytes?: (n: number) => Uint8Array}} [random]
 */

/** The keys of `WasiOptions`, so a misspelt one is refused rather than silently ignored. */
export const WASI_OPTION_KEYS = Object.freeze([
  'args', 'env', 'cwd', 'stdin', 'stdout', 'stderr', 'preopens', 'fetch', 'http', 'clocks', 'random',
]);
