/**
 * A loaded, planned and compiled component: instantiate it as often as you like.
 */

import { engine } from './engine.js';
import { instantiatePlan } from './runtime/instantiate.js';
import { symbolDispose } from './runtime/dispose.js';
import { createWasi, waitingFunctions } from '../polyfill-wasi/js/index.js';
import { isReadableStream, makeSink } from '../polyfill-wasi/js/cli.js';
import { fromCoreError } from './load.js';
import { resolveBlocking } from './blocking.js';
import { checkInstantiateArguments } from './arguments.js';

export class Component {
  #bytes;
  #plan;
  #modules;

  /** @internal use `load()` */
  constructor(bytes, plan, modules) {
    this.#bytes = bytes;
    this.#plan = plan;
    this.#modules = modules;
  }

  /** What the component needs from its host: `{name, kind, functions, wasi}` per import. */
  get imports() {
    return this.#plan.imports.map(({ name, kind, jsName, functions, wasi }) => ({
      name,
      kind,
      ...(kind !== 'instance' ? { jsName } : {}),
      functions: [...functions],
      providedByWasi: wasi !== null,
    }));
  }

  /**
   * What the component offers: `{name, jsName, kind}` per export, where `kind` is `'func'`,
   * `'instance'` (with the names of its `functions`), `'resource'` or `'module'`.
   */
  get exports() {
    return this.#plan.exports.map((exported) =>
      exported.kind === 'instance'
        ? {
            name: exported.name,
            jsName: exported.jsName,
            kind: 'instance',
            functions: exported.exports.filter((m) => m.kind === 'func').map((f) => f.name),
          }
        : { name: exported.name, jsName: exported.jsName, kind: exported.kind },
    );
  }

  /** The component's size in bytes. */
  get byteLength() {
    return this.#bytes.byteLength;
  }

  /** The component's world as WIT text; the printer is fetched on first use. */
  async wit() {
    const printer = await engine('wit');
    try {
      return printer.printWit(this.#bytes);
    } catch (refusal) {
      throw fromCoreError(refusal);
    }
  }

  /**
   * TypeScript declarations of the component's exports (`Exports`, the shape of
   * `instance.exports`) and of the imports it needs (`Imports`), in jco's value conventions, as a
   * `.d.ts` module text. The generator loads on first use.
   * @param {{name?: string, blocking?: 'none'|'jspi'|'worker'}} [options] `name`: what the header
   *   calls the component; `blocking`: that of the instances they type ('jspi' and 'worker':
   *   exports return promises)
   * @returns {Promise<string>}
   */
  async types(options = {}) {
    const { declarations } = await import('./types/index.js');
    return declarations(this.#plan, options);
  }

  /**
   * A new instance. `imports` is keyed by interface name, with or without version
   * (`'example:bench/host'`), or by the lowerCamelCase name of a world-level function. WASI
   * interfaces come from the built-in polyfill, configured by `options.wasi`; a `wasi:*` entry in
   * `imports` overrides the built-in one member by member.
   *
   * `options.blocking` says how a WASI call that has to wait (a timer, stdin from a
   * ReadableStream, an HTTP response) waits: 'none' (the default: it traps; exports return
   * values), 'jspi' or 'worker' (it waits; exports return promises), or 'auto' (see blocking.js).
   * `instance.blocking` says which one the instance got.
   * @param {Record<string, any>} [imports]
   * @param {{wasi?: import('../polyfill-wasi/js/index.js').WasiOptions, blocking?: 'none'|'jspi'|'worker'|'auto', name?: string}} [options]
   */
  async instantiate(imports = {}, options = {}) {
    checkInstantiateArguments('instantiate', imports, options);
    const wasiOptions = options.wasi ?? {};
    const blocking = resolveBlocking(options.blocking, this.imports, wasiOptions, 'none');
    const plan = this.#plan;
    // wasi:http is fetched only for components that import it.
    const http = plan.imports.some((i) => i.wasi?.startsWith('wasi:http/'))
      ? (await import('../polyfill-wasi/js/http.js')).createHttp
      : undefined;
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
      const wasi = createWasi(wasiOptions, { wait: 'async', sinks, http });
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
          modules: this.#modules,
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
    const wasi = createWasi(wasiOptions, { wait: jspi ? 'async' : 'none', http });
    const waiting = jspi ? waitingFunctions(plan.imports.map((i) => i.name), wasiOptions) : null;
    const mayWait = (index, func) => {
      const wanted = plan.imports[index];
      return wanted.wasi !== null && waiting.has(`${wanted.wasi}#${func}`);
    };
    let instance;
    try {
      instance = await instantiatePlan(plan, this.#modules, resolveWith(wasi), { name: options.name, jspi, mayWait });
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
