/**
 * What Terrarium's WASI polyfill offers, known without loading it: the interfaces it implements
 * and which of their functions may wait (its options: options.js). The runtime decides with
 * these; the packages themselves (cli.js, clocks.js, …) load only for components that import them.
 */

import { isReadableStream } from './options.js';

/**
 * Under `blocking: 'worker'`, whether the guest's worker makes an interface itself, given the
 * instance's WASI options: always, never (HTTP needs the page), or when its options are plain data
 * that can cross to the worker (no functions, streams or filesystems: those stay in the page, and
 * the worker calls them there).
 */
const ALWAYS = () => true;
const NEVER = () => false;
const plainStdin = (o) => !isReadableStream(o.stdin);
const plainClocks = (o) => typeof o.clocks?.monotonic !== 'function' && typeof o.clocks?.wall !== 'function';
const plainRandom = (o) => typeof o.random?.bytes !== 'function';
const noPreopens = (o) => o.preopens === undefined || o.preopens === null || Object.keys(o.preopens).length === 0;

/**
 * Every interface createWasi() implements, by versionless name: the one list the runtime routes a
 * component's WASI imports by, each with whether a worker makes it (above).
 */
const INTERFACES = {
  'wasi:cli/environment': ALWAYS,
  'wasi:cli/exit': ALWAYS,
  'wasi:cli/stdin': plainStdin,
  'wasi:cli/stdout': ALWAYS,
  'wasi:cli/stderr': ALWAYS,
  'wasi:cli/terminal-input': ALWAYS,
  'wasi:cli/terminal-output': ALWAYS,
  'wasi:cli/terminal-stdin': ALWAYS,
  'wasi:cli/terminal-stdout': ALWAYS,
  'wasi:cli/terminal-stderr': ALWAYS,
  'wasi:clocks/monotonic-clock': plainClocks,
  'wasi:clocks/wall-clock': plainClocks,
  'wasi:random/random': plainRandom,
  'wasi:random/insecure': plainRandom,
  'wasi:random/insecure-seed': plainRandom,
  'wasi:io/error': ALWAYS,
  'wasi:io/poll': ALWAYS,
  'wasi:io/streams': ALWAYS,
  'wasi:filesystem/types': noPreopens,
  'wasi:filesystem/preopens': noPreopens,
  // Every socket operation fails with `not-supported`: a page cannot open sockets.
  'wasi:sockets/network': ALWAYS,
  'wasi:sockets/instance-network': ALWAYS,
  'wasi:sockets/tcp': ALWAYS,
  'wasi:sockets/tcp-create-socket': ALWAYS,
  'wasi:sockets/udp': ALWAYS,
  'wasi:sockets/udp-create-socket': ALWAYS,
  'wasi:sockets/ip-name-lookup': ALWAYS,
  // Outgoing requests over `fetch`. `wasi:http/incoming-handler` is not here: it is what a handler
  // component exports, not imports, and serve() (js/serve.js) calls it.
  'wasi:http/types': NEVER,
  'wasi:http/outgoing-handler': NEVER,
  // WASI 0.3 (polyfill-wasi/js/p3/), keyed by name and `@0.3`. Its functions hand back promises
  // and streams, which a guest awaits, so a worker never makes them: it asks the page.
  'wasi:cli/environment@0.3': NEVER,
  'wasi:cli/exit@0.3': NEVER,
  'wasi:cli/types@0.3': NEVER,
  'wasi:cli/stdin@0.3': NEVER,
  'wasi:cli/stdout@0.3': NEVER,
  'wasi:cli/stderr@0.3': NEVER,
  'wasi:cli/terminal-input@0.3': NEVER,
  'wasi:cli/terminal-output@0.3': NEVER,
  'wasi:cli/terminal-stdin@0.3': NEVER,
  'wasi:cli/terminal-stdout@0.3': NEVER,
  'wasi:cli/terminal-stderr@0.3': NEVER,
  'wasi:clocks/types@0.3': NEVER,
  'wasi:clocks/monotonic-clock@0.3': NEVER,
  'wasi:clocks/system-clock@0.3': NEVER,
  'wasi:clocks/timezone@0.3': NEVER,
  'wasi:random/random@0.3': NEVER,
  'wasi:random/insecure@0.3': NEVER,
  'wasi:random/insecure-seed@0.3': NEVER,
  'wasi:filesystem/types@0.3': NEVER,
  'wasi:filesystem/preopens@0.3': NEVER,
  'wasi:sockets/types@0.3': NEVER,
  'wasi:sockets/ip-name-lookup@0.3': NEVER,
  'wasi:http/types@0.3': NEVER,
  'wasi:http/client@0.3': NEVER,
};

/** The interfaces createWasi() implements, by versionless name. */
export const interfaces = Object.freeze(Object.keys(INTERFACES));

/** The interfaces a guest's worker makes itself for an instance with these WASI options. */
export const workerInterfaces = (options) => new Set(interfaces.filter((name) => INTERFACES[name](options)));

/**
 * The polyfill's interface serving the import `importName`, or null: every 0.2.x version, by
 * the versionless name (`wasi:cli/stdout@0.2.6` → `wasi:cli/stdout`), and every 0.3.x version,
 * by the name and `@0.3` (`wasi:cli/stdout@0.3.2` → `wasi:cli/stdout@0.3`), pre-releases included
 * (`0.2.0-rc-2023-11-10`), since WASI keeps a minor version backward compatible; nothing else.
 */
export function wasiInterface(importName) {
  const match = /^([^@]+)@0\.([23])\.\d/.exec(importName);
  if (match === null) return null;
  const name = match[2] === '2' ? match[1] : `${match[1]}@0.3`;
  return Object.hasOwn(INTERFACES, name) ? name : null;
}

/** Whether a served interface is WASI 0.3's: its waits are async functions the guest awaits. */
const isP3 = (served) => served.endsWith('@0.3');

/**
 * The functions that may have to wait, by versionless interface and function name. Under JSPI
 * only these are imported through `WebAssembly.Suspending` (the rest stay plain, synchronous
 * calls); the streams' blocking calls only when the instance has something to wait for there:
 * a ReadableStream on stdin, or wasi:http (response bodies to read, request bodies to send).
 */
const POLL_WAITS = ['[method]pollable.block', 'poll'];
const READ_WAITS = ['[method]input-stream.blocking-read', '[method]input-stream.blocking-skip'];
const WRITE_WAITS = [
  '[method]output-stream.blocking-write-and-flush',
  '[method]output-stream.blocking-flush',
  '[method]output-stream.blocking-write-zeroes-and-flush',
  '[method]output-stream.blocking-splice',
];

/**
 * Which WASI imports may wait, for a component importing `importNames` (full names, versions
 * included) with these options: a set of `interface#function` (versionless interface), of the
 * interfaces the polyfill serves (wasiInterface).
 * @param {string[]} importNames
 * @param {import('./options.js').WasiOptions} [options]
 */
export function waitingFunctions(importNames, options = {}) {
  const served = importNames.map(wasiInterface);
  const http = served.some((n) => n?.startsWith('wasi:http/') && !isP3(n));
  const stdinStream = isReadableStream(options.stdin) && served.includes('wasi:cli/stdin');
  const set = new Set(POLL_WAITS.map((f) => `wasi:io/poll#${f}`));
  if (http || stdinStream) for (const f of [...READ_WAITS, '[method]output-stream.blocking-splice']) set.add(`wasi:io/streams#${f}`);
  if (http) for (const f of WRITE_WAITS) set.add(`wasi:io/streams#${f}`);
  return set;
}

/**
 * Whether a component importing `imports` (as `component.imports` lists them) can ever have to
 * wait on the polyfill: it can make timers, use HTTP, or read stdin from a ReadableStream. Without any of these
 * every pollable is ready at once, and `blocking: 'none'` costs nothing. WASI 0.3 never blocks
 * the guest this way: it awaits.
 * @param {{name: string, functions: string[]}[]} imports
 * @param {import('./options.js').WasiOptions} [options]
 */
export function mayWait(imports, options = {}) {
  return imports.some(({ name, functions }) => {
    const n = wasiInterface(name);
    if (n === null || isP3(n)) return false;
    if (n.startsWith('wasi:http/')) return true;
    if (n === 'wasi:clocks/monotonic-clock') return functions.some((f) => f.startsWith('subscribe-'));
    if (n === 'wasi:cli/stdin') return isReadableStream(options.stdin);
    return false;
  });
}
