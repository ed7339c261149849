/**
 * One instance of a planned component: its imports resolved (the host's, else the WASI polyfill's),
 * its way of waiting chosen, and its core modules instantiated in this thread or in a worker. Both
 * `component.instantiate` and ahead-of-time output (aot.js) come here.
 */

import { instantiatePlan } from './runtime/instantiate.js';
import { symbolDispose } from './runtime/dispose.js';
import { waitingFunctions } from '../polyfill-wasi/js/catalogue.js';
import { isReadableStream, makeSink } from '../polyfill-wasi/js/cli.js';
import { resolveBlocking } from './blocking.js';

/**
 * @param {any} plan
 * @param {(WebAssembly.Module|null)[]} modules indexed like `plan.modules`
 * @param {Record<string, any>} imports checked by the caller (arguments.js)
 * @param {{wasi?: import('../polyfill-wasi/js/catalogue.js').WasiOptions, blocking?: string, name?: string}} options
 * @param {(options: object, how: import('../polyfill-wasi/js/compose.js').WasiHow) => ReturnType<typeof import('../polyfill-wasi/js/compose.js').composeWasi>} makeWasi
 *   the WASI of one instance, from the packages the caller has
 */
export async function instantiateComponent(plan, modules, imports, options, makeWasi) {
  const wasiOptions = options.wasi ?? {};
  const blocking = resolveBlocking(options.blocking, plan.imports, wasiOptions, 'none');
  const given = (wanted) =>
    wanted.kind === 'instance' ? imports[wanted.name] ?? imports[wanted.versionless] : imports[wanted.jsName] ?? imports[wanted.name];
  const resolveWith = (wasi) => (index) => {
    const wanted = plan.imports[index];
    const value = given(wanted);
    if (wanted.wasi === null) return value;
    const builtin = wasi.imports[wanted.wasi];
    return value === undefined ? builtin : { ...builtin, ...value };
  };

  if (blocking === 'worker') {
    const sinks = {
      stdout: makeSink(wasiOptions.stdout, 'log', 'stdout'),
      stderr: makeSink(wasiOptions.stderr, 'error', 'stderr'),
    };
    const wasi = makeWasi(wasiOptions, { wait: 'async', sinks });
    const { local, options: workerWasi } = workerSide(wasiOptions);
    const localKey = (i) => {
      const wanted = plan.imports[i];
      return wanted.wasi !== null && given(wanted) === undefined && local.has(wanted.wasi) ? wanted.wasi : null;
    };
    let instance;
    try {
      const { instantiateInWorker } = await import('./worker/host.js');
      instance = await instantiateInWorker({
        plan,
        modules,
        name: options.name ?? 'component',
        resolveImport: resolveWith(wasi),
        localKey,
        workerWasi,
        sinks,
        wasi,
      });
    } catch (error) {
      wasi.end();
      throw error;
    }
    instance.blocking = blocking;
    return instance;
  }

  const jspi = blocking === 'jspi';
  const wasi = makeWasi(wasiOptions, { wait: jspi ? 'async' : 'none' });
  const waiting = jspi ? waitingFunctions(plan.imports.map((i) => i.name), wasiOptions) : null;
  const mayWait = (index, func) => {
    const wanted = plan.imports[index];
    return wanted.wasi !== null && waiting.has(`${wanted.wasi}#${func}`);
  };
  let instance;
  try {
    instance = await instantiatePlan(plan, modules, resolveWith(wasi), { name: options.name, jspi, mayWait });
  } catch (error) {
    wasi.end();
    throw error;
  }
  instance.flushOutput = wasi.flush;
  instance.blocking = blocking;
  // Disposing the instance ends its WASI session first: its open files close without publishing
  // unflushed writes (a trapped guest never leaves half a write behind).
  const disposeInstance = instance[symbolDispose];
  instance[symbolDispose] = () => {
    wasi.end();
    disposeInstance.call(instance);
  };
  return instance;
}

/** WASI interfaces a guest's worker serves itself, whatever the options. */
const WORKER_LOCAL = [
  'wasi:cli/environment', 'wasi:cli/exit', 'wasi:cli/stdout', 'wasi:cli/stderr',
  'wasi:cli/terminal-input', 'wasi:cli/terminal-output', 'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout', 'wasi:cli/terminal-stderr',
  'wasi:io/error', 'wasi:io/poll', 'wasi:io/streams',
  'wasi:sockets/network', 'wasi:sockets/instance-network', 'wasi:sockets/tcp', 'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp', 'wasi:sockets/udp-create-socket', 'wasi:sockets/ip-name-lookup',
];

/**
 * Which WASI interfaces the worker serves (those it can make from plain data), and the options
 * it makes them from. The rest (a ReadableStream on stdin, function overrides of clocks and
 * random, filesystems, HTTP) stay in the page, and the worker calls them there.
 */
function workerSide(o) {
  const local = new Set(WORKER_LOCAL);
  const options = { args: Array.from(o.args ?? [], String), cwd: o.cwd };
  options.env = (Array.isArray(o.env) ? o.env : Object.entries(o.env ?? {})).map(([k, v]) => [String(k), String(v)]);
  if (!isReadableStream(o.stdin)) {
    local.add('wasi:cli/stdin');
    options.stdin = o.stdin instanceof ArrayBuffer ? new Uint8Array(o.stdin) : o.stdin;
  }
  const clocks = o.clocks ?? {};
  if (typeof clocks.monotonic !== 'function' && typeof clocks.wall !== 'function') {
    local.add('wasi:clocks/monotonic-clock');
    local.add('wasi:clocks/wall-clock');
    options.clocks = { monotonic: clocks.monotonic, wall: clocks.wall instanceof Date ? clocks.wall.getTime() : clocks.wall };
  }
  if (typeof o.random?.bytes !== 'function') {
    for (const key of ['wasi:random/random', 'wasi:random/insecure', 'wasi:random/insecure-seed']) local.add(key);
    options.random = { seed: o.random?.seed };
  }
  if (o.preopens === undefined || o.preopens === null || Object.keys(o.preopens).length === 0) {
    local.add('wasi:filesystem/types');
    local.add('wasi:filesystem/preopens');
  }
  return { local, options };
}
