/**
 * The page's side of `blocking: 'worker'`: starts the worker (js/terrarium-worker.js), sends it
 * the plan and the compiled core modules, serves the calls it makes (the page's own imports and
 * the WASI interfaces that live here, awaiting whatever has to be waited for), and gives the page
 * an `exports` tree whose functions post calls to the worker and return promises.
 *
 * What crosses is plain data (codec.js); the page's objects (host resources, HTTP requests, open
 * files) stay here and the worker holds references to them, and the other way round for
 * resources the guest exports; promises and streams stay where they were made, and the other
 * side asks for their values by message (relay.js).
 */

import { TerrariumError } from '../errors.js';
import { startGuestWorker } from '#platform';
import { disposeHostObject, symbolDispose } from '../runtime/dispose.js';
import { resolveCallee } from '../runtime/imports.js';
import { resolveMember } from '../runtime/resources.js';
import { conditionOf } from '../../polyfill-wasi/js/io.js';
import { workerInterfaces } from '../../polyfill-wasi/js/catalogue.js';
import { composeWasi } from '../../polyfill-wasi/js/compose.js';
import { makeSink } from '../../polyfill-wasi/js/cli.js';
import { sleepPromise } from '../../polyfill-wasi/js/wait.js';
import { ChannelHost, STDERR_CLOSED, STDOUT_CLOSED, createChannelBuffers } from './channel.js';
import { Peer } from './codec.js';
import { isThenable } from '../runtime/async/lower-async.js';

/**
 * An instance whose guest runs in a worker (`blocking: 'worker'`): the page's WASI session, made
 * by `makeWasi`, serves what the worker cannot make itself (workerSide). Without `makeWasi` the
 * component has no WASI: every import is the page's.
 * @param {object} o
 * @param {any} o.plan
 * @param {WebAssembly.Module[]} o.modules
 * @param {string} o.name
 * @param {(wanted: any) => any} o.given the host's own value for an import, if any
 * @param {(wasi: any) => (i: number) => any} o.resolveWith the value of import `i`, the host's or WASI's
 * @param {import('../../polyfill-wasi/js/compose.js').WasiHost['compose']|null} o.makeWasi
 * @param {object} o.wasiOptions
 */
export async function instantiateWithWorker({ plan, modules, name, given, resolveWith, makeWasi, wasiOptions }) {
  const sinks = {
    stdout: makeSink(wasiOptions.stdout, 'log', 'stdout'),
    stderr: makeSink(wasiOptions.stderr, 'error', 'stderr'),
  };
  const how = { wait: 'async', sinks };
  const wasi = makeWasi === null ? composeWasi(wasiOptions, how, []) : makeWasi(wasiOptions, how);
  const { local, options: workerWasi } = workerSide(wasiOptions, makeWasi !== null);
  const localKey = (i) => {
    const wanted = plan.imports[i];
    return wanted.wasi !== null && given(wanted) === undefined && local.has(wanted.wasi) ? wanted.wasi : null;
  };
  let instance;
  try {
    instance = await instantiateInWorker({ plan, modules, name, resolveImport: resolveWith(wasi), localKey, workerWasi, sinks, wasi });
  } catch (error) {
    wasi.end();
    throw error;
  }
  instance.blocking = 'worker';
  return instance;
}

/**
 * Which WASI interfaces the worker serves (those it can make from plain data: the catalogue says
 * which; none when the component has no WASI), and the options it makes them from.
 */
function workerSide(o, hasWasi) {
  const local = hasWasi ? workerInterfaces(o) : new Set();
  const options = { args: Array.from(o.args ?? [], String), cwd: o.cwd, random: { seed: o.random?.seed } };
  options.env = (Array.isArray(o.env) ? o.env : Object.entries(o.env ?? {})).map(([k, v]) => [String(k), String(v)]);
  if (local.has('wasi:cli/stdin')) options.stdin = o.stdin instanceof ArrayBuffer ? new Uint8Array(o.stdin) : o.stdin;
  if (local.has('wasi:clocks/monotonic-clock')) {
    const { monotonic, wall } = o.clocks ?? {};
    options.clocks = { monotonic, wall: wall instanceof Date ? wall.getTime() : wall };
  }
  return { local, options };
}

/**
 * @param {object} o
 * @param {any} o.plan
 * @param {WebAssembly.Module[]} o.modules
 * @param {string} o.name
 * @param {(i: number) => any} o.resolveImport the page's value for `plan.imports[i]`
 * @param {(i: number) => string|null} o.localKey the worker's own WASI interface serving import
 *   `i`, or null when the page serves it
 * @param {object} o.workerWasi the WASI options the worker's own interfaces are made from (plain data)
 * @param {{stdout: any, stderr: any}} o.sinks the page's stdout and stderr sinks
 * @param {{end(): void, flush(): void, waiter: any}} o.wasi the page's WASI session
 */
async function instantiateInWorker({ plan, modules, name, resolveImport, localKey, workerWasi, sinks, wasi }) {
  // Link here first, so a missing import is a 'link' error before any worker starts.
  const hostValues = new Map();
  const host = (i) => {
    if (!hostValues.has(i)) {
      const imp = plan.imports[i];
      const value = resolveImport(i);
      if (value === undefined || value === null) {
        throw new TerrariumError('link', `missing import \`${imp.name}\``, { context: imp.name });
      }
      hostValues.set(i, value);
    }
    return hostValues.get(i);
  };
  const imports = plan.imports.map((_, i) => ({ local: localKey(i) }));
  for (const step of plan.steps) {
    if (step.op === 'lower' && step.callee.kind !== 'lifted' && imports[step.callee.import].local === null) {
      resolveCallee(plan, step.callee, host, resolveMember);
    }
  }

  const worker = idleWorkers.pop() ?? startGuestWorker();
  worker.ref(); // a pooled worker was let go of; until the guest is ready, it keeps Node running
  const buffers = createChannelBuffers();
  const channel = new ChannelHost(buffers);
  let nextCall = 1;
  /** How many calls were posted to the worker (it says how many it has begun: `received`). */
  let posted = 0;
  const pending = new Map();
  let dead = null;
  /** The page's classes for the guest's exported resources, by export path. */
  const exportedClasses = new Map();

  /** Set once the worker went back to the pool: what this instance still sends is for nobody. */
  let released = false;
  const post = (value) => {
    if (released) return;
    const bytes = peer.encode(value);
    worker.post(bytes.buffer, [bytes.buffer]);
  };
  /**
   * The settlements of the worker's host calls lowered `async` (its `later` requests), kept until
   * the worker takes them (an `answers` request): a `poke` tells it there are some, and a task of
   * the worker blocked in its wait takes them at once (`answersWanted`). Kept, not posted: a
   * message would not reach a worker blocked in a wait.
   */
  const answers = [];
  /** How to answer the worker's `answers` request that waits for one, while it does. */
  let answersWanted = null;
  const giveAnswers = (given) => {
    const answer = answersWanted;
    answersWanted = null;
    answer(given);
  };
  const callWorker = (request) =>
    new Promise((resolve, reject) => {
      if (dead !== null) {
        reject(dead);
        return;
      }
      const call = nextCall++;
      posted++;
      pending.set(call, { resolve, reject });
      if (pending.size === 1) worker.ref();
      // A task of the worker blocked in its wait cannot serve this call: it gives up waiting.
      if (answersWanted !== null) giveAnswers(null);
      try {
        post({ ...request, call });
      } catch (error) {
        pending.delete(call);
        reject(error);
      }
    });

  const peer = new Peer({
    call: (proxy, name, args) => callWorker({ op: 'method', self: proxy, name, args }),
    // A resource of a dead instance has nothing left to drop: disposing it does nothing.
    // (A drop returns its promise: `await resource[Symbol.dispose]()` waits for the guest's destructor.)
    release: (id, dispose, count) => {
      if (!dispose) return post({ op: 'forget', id, count });
      return dead === null ? callWorker({ op: 'drop', id, count }) : undefined;
    },
    classFor: ({ tag }) => (tag?.exportPath ? exportedClasses.get(tag.exportPath.join('\u0000')) ?? null : null),
    request: callWorker,
  });

  /**
   * Serves one request of the blocked worker, then wakes it with the answer. A request with
   * `later` (a host function lowered `async`) is answered at once when the function returned a
   * promise: the promise's settlement is kept for the worker to take (`keepAnswer`). With `keep`
   * (the function returns a `future`) a promise is the result itself, a stand-in in the answer.
   */
  async function serve(msg) {
    let reply;
    try {
      const value = perform(msg);
      if (msg.later !== undefined && !msg.keep && isThenable(value)) {
        keepAnswer(msg.later, value);
        reply = { later: true };
      } else {
        reply = { ok: msg.keep ? value : await value };
      }
    } catch (error) {
      reply = { throw: error };
    }
    try {
      channel.answer(peer.encode(reply));
    } catch (error) {
      // An answer that cannot be encoded or does not fit: the worker must still wake, with why.
      channel.answer(peer.encode({ throw: new Error(`terrarium: cannot answer the worker: ${error.message}`) }));
    }
  }

  /** The promises of the worker's host calls not settled yet, by call, for `cancel-call`. */
  const unsettled = new Map();
  /** Keeps the settlement of the worker's host call `call` once `promise` settles, and tells the worker. */
  async function keepAnswer(call, promise) {
    unsettled.set(call, promise);
    try {
      answers.push({ call, ok: await promise });
    } catch (error) {
      answers.push({ call, throw: error });
    }
    unsettled.delete(call);
    if (answersWanted !== null) giveAnswers(answers.splice(0));
    else if (answers.length === 1) post({ op: 'poke' });
  }

  /** Answers the worker's call number `call` by message, once what `run()` gives (a promise, maybe) settles. */
  async function answerLater(call, run) {
    let reply;
    try {
      reply = { op: 'return', call, ok: await run() };
    } catch (error) {
      reply = { op: 'return', call, throw: error };
    }
    try {
      post(reply);
    } catch (error) {
      post({ op: 'return', call, throw: error });
    }
  }

  /** What the worker asked for: its value, or a promise of it. */
  function perform(msg) {
    switch (msg.op) {
      case 'call': {
        const value = host(msg.imp);
        return msg.name === null ? value(...msg.args) : value[msg.name](...msg.args);
      }
      case 'new':
        return Reflect.construct(host(msg.imp)[msg.cls], msg.args);
      case 'static':
        return host(msg.imp)[msg.cls][msg.name](...msg.args);
      case 'method':
        return msg.self[msg.name](...msg.args);
      case 'poll':
        return pollWithTimeout(wasi.waiter, msg.list, msg.timeout);
      case 'sync':
        // Every write before it has been handled (messages arrive in order): nothing to do.
        return undefined;
      case 'await':
      case 'pull':
      case 'cancel':
        return peer.relay.serve(msg);
      case 'answers':
        if (answers.length > 0 || !msg.wait) return answers.splice(0);
        // A call posted and not yet begun waits behind the worker's wait: it gives up waiting.
        if (msg.received < posted) return null;
        return new Promise((resolve) => (answersWanted = resolve));
      default:
        throw new Error(`terrarium: unknown request from the worker: ${msg.op}`);
    }
  }

  let ready;
  const started = new Promise((resolve, reject) => {
    ready = { resolve, reject };
  });

  const fail = (error) => {
    if (dead !== null) return;
    dead = error instanceof TerrariumError ? error : new TerrariumError('dead', `instance \`${name}\` is dead: its worker stopped: ${error.message}`, { cause: error });
    for (const { reject } of pending.values()) reject(dead);
    pending.clear();
    ready.reject(dead);
  };

  worker.onError(fail);
  worker.listen((data) => {
    const msg = peer.decode(new Uint8Array(data));
    switch (msg.op) {
      case 'ready':
        ready.resolve(msg.exports);
        return;
      case 'failed':
        ready.reject(msg.error);
        return;
      case 'return': {
        const call = pending.get(msg.call);
        if (call === undefined) return;
        pending.delete(msg.call);
        if (pending.size === 0) worker.unref();
        if (Object.hasOwn(msg, 'throw')) call.reject(msg.throw);
        else call.resolve(msg.ok);
        return;
      }
      case 'write':
        try {
          sinks[msg.stream].write(msg.bytes);
        } catch {
          channel.setFlag(msg.stream === 'stdout' ? STDOUT_CLOSED : STDERR_CLOSED);
        }
        return;
      case 'flush':
        if (!sinks[msg.stream].closed) sinks[msg.stream].flush();
        return;
      case 'drop': {
        const obj = peer.forget(msg.id, msg.count);
        try {
          if (obj !== undefined) disposeHostObject(obj);
        } catch {
          // A host object failing to dispose must not take the instance down.
        }
        return;
      }
      case 'forget':
        peer.forget(msg.id, msg.count);
        return;
      case 'cancel-call':
        unsettled.get(msg.call)?.cancel?.();
        return;
      default:
        if (msg.call === undefined) serve(msg);
        else answerLater(msg.call, () => perform(msg));
    }
  });

  worker.post({ init: { plan, modules, name, channel: buffers, imports, wasi: workerWasi } });
  let shape;
  try {
    shape = await started;
  } catch (error) {
    worker.terminate();
    throw error;
  }
  worker.unref();

  const build = (node, path, objects) => {
    switch (node.k) {
      case 'fn':
        return (...args) => callWorker({ op: 'call', path, args });
      case 'class': {
        const Class = {
          [node.name]: class {
            constructor(...args) {
              // The guest's constructor runs in the worker: `await new Class(...)`.
              return callWorker({ op: 'new', path, args });
            }
          },
        }[node.name];
        for (const s of node.statics) Class[s] = (...args) => callWorker({ op: 'static', path, name: s, args });
        exportedClasses.set(path.join('\u0000'), Class);
        return Class;
      }
      case 'same':
        return objects.get(node.id);
      case 'module':
        return modules[node.index];
      default: {
        const out = {};
        objects.set(node.id, out);
        for (const [key, child] of Object.entries(node.entries)) out[key] = build(child, [...path, key], objects);
        return out;
      }
    }
  };
  const exports = build(shape, [], new Map());

  return {
    exports,
    flushOutput: wasi.flush,
    [symbolDispose]() {
      // A worker with no call in progress ends its guest's instance and waits for the next one;
      // one mid-call (stuck, or blocked on the page) or already dead ends with the instance.
      const reusable = dead === null && pending.size === 0;
      if (dead === null) {
        dead = new TerrariumError('dead', `instance \`${name}\` is dead: it was disposed`);
        for (const { reject } of pending.values()) reject(dead);
        pending.clear();
      }
      wasi.end();
      if (!reusable) {
        worker.terminate();
        return;
      }
      const call = nextCall++;
      pending.set(call, {
        resolve: () => {
          released = true;
          keepIdle(worker);
        },
        reject: () => worker.terminate(),
      });
      post({ op: 'dispose', call });
    },
  };
}

/**
 * Workers whose last instance was disposed with no call in progress, for the next instance:
 * starting a worker costs a thread and loading the runtime in it (in Node, about a tenth of a
 * second), which an instance per request (`serve()`) would pay on every request.
 */
const idleWorkers = [];
const IDLE_WORKERS = 16;

/** How many workers wait for an instance (what the tests watch to see one reused). */
export const idleWorkerCount = () => idleWorkers.length;

function keepIdle(worker) {
  if (idleWorkers.length >= IDLE_WORKERS) {
    worker.terminate();
    return;
  }
  worker.listen(() => {});
  worker.onError(() => {
    const at = idleWorkers.indexOf(worker);
    if (at >= 0) idleWorkers.splice(at, 1);
  });
  worker.unref();
  idleWorkers.push(worker);
}

/**
 * The ready flags of `pollables` (the page's own), once one is ready or `timeout` milliseconds
 * have passed (-1: no timeout), waiting with the page's waiter.
 */
async function pollWithTimeout(waiter, pollables, timeout) {
  const flags = () => pollables.map((p) => p.ready());
  if (timeout === 0) return flags();
  const waited = waiter.poll(pollables, conditionOf, 'wasi:io/poll#poll');
  if (waited instanceof Promise) await (timeout >= 0 ? Promise.race([waited, sleepPromise(timeout)]) : waited);
  return flags();
}
