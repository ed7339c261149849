/**
 * The guest's side of `blocking: 'worker'`: runs in the worker Terrarium starts
 * (js/terrarium-worker.js). It instantiates the component from the plan and compiled modules the
 * page sent, with the WASI interfaces it can serve from plain data (arguments, environment,
 * stdin bytes, clocks, random, stdio forwarded to the page) served here, and everything else
 * (the page's own imports, wasi:http, filesystems, ReadableStream stdin, function overrides)
 * served by proxies whose calls block this thread until the page answers (channel.js). Timers
 * wait here, with Atomics.wait's timeout. Component-model async runs here too (runtime/async/):
 * a host function lowered `async` blocks only while the page calls it, and a promise it returns
 * settles by message (`callHostAsync`), so the scheduler's other tasks go on meanwhile.
 */

import { instantiatePlan } from '../runtime/instantiate.js';
import { extend } from '../runtime/extended.js';
import { ALL_KINDS } from '../abi/kinds.js';
import * as inner from '../runtime/inner-calls.js';
import { planResources } from '../runtime/resources.js';
import * as asyncRuntime from '../runtime/async/index.js';
import { OWN_WORK } from '../runtime/async/scheduler.js';
import { WHEN_SETTLED, returnsFuture } from '../runtime/async/lower-async.js';
import { symbolDispose } from '../runtime/dispose.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { closedError } from '../../polyfill-wasi/js/io.js';
import { Waiter } from '../../polyfill-wasi/js/wait.js';
import { ChannelGuest, STDERR_CLOSED, STDOUT_CLOSED } from './channel.js';

/** What `rpc` returns for a request with `later` whose answer comes by message. */
const LATER = Symbol('later');
import { PROXY_ID, Peer } from './codec.js';

/**
 * Serves one guest instance, posting to the page through `port` (`{post(message, transfer)}`);
 * returns the handler of the page's messages to it, from its `init` on.
 */
export function serveGuest(port) {
  let channel = null;
  let exports = null;
  let instance = null;

  const post = (value) => {
    const bytes = peer.encode(value);
    port.post(bytes.buffer, [bytes.buffer]);
  };

  /** A call the page must answer; this thread blocks until it does. */
  const rpc = (request) => {
    const reply = peer.decode(channel.request(() => post(request)));
    if (Object.hasOwn(reply, 'throw')) throw reply.throw;
    return reply.later ? LATER : reply.ok;
  };

  /** The calls to the page not answered yet (callPage), by number. */
  let nextCall = 1;
  const pending = new Map();
  /**
   * A call the page answers later, by message, while the worker's thread goes on: how the
   * stand-ins of the page's promises and streams ask for their values (relay.js).
   */
  const callPage = (request) =>
    new Promise((resolve, reject) => {
      const call = nextCall++;
      pending.set(call, { resolve, reject });
      post({ ...request, call });
    });

  /**
   * A host function lowered `async`: the page answers at once with what the function returned
   * (RETURNED, as on the page's thread), or with `later` for a promise it returned: the worker's
   * other tasks go on meanwhile (a subtask), and the page keeps the promise's settlement until the
   * worker takes it (`takeAnswers`), told by a `poke` message, or blocked in a task's wait. The
   * worker blocks only while the page makes the call, never for its promise.
   */
  const callHostAsync = (request) => {
    const call = nextCall++;
    const reply = rpc({ ...request, later: call });
    if (reply !== LATER) return reply;
    const p = new Promise((resolve, reject) => answersDue.set(call, { settle: [resolve, reject] }));
    // The runtime learns the settlement at once, even inside a task's wait (lower-async.js).
    p[WHEN_SETTLED] = (onValue, onError) => {
      answersDue.get(call).settle = [onValue, onError];
    };
    // `subtask.cancel` cancels the host's promise (its `cancel()`, if it has one) in the page.
    p.cancel = () => post({ op: 'cancel-call', call });
    return p;
  };
  /** The host calls lowered `async` whose promise has not settled yet, by number. */
  const answersDue = new Map();
  /** How many calls of the page this worker has begun to serve (the page sees who waits for one). */
  let received = 0;

  /**
   * Takes the page's answers to host calls, waiting for one if `wait`: false (then taking none)
   * when the page called into the instance first, which a task blocked in its wait cannot serve.
   */
  const takeAnswers = (wait) => {
    const answers = rpc({ op: 'answers', wait, received });
    if (answers === null) return false;
    for (const { call, ok, ...failed } of answers) {
      const { settle } = answersDue.get(call);
      answersDue.delete(call);
      if (Object.hasOwn(failed, 'throw')) settle[1](failed.throw);
      else settle[0](ok);
    }
    return true;
  };

  /** How a task of this worker that waits in core code blocks (runtime/async/scheduler.js). */
  const block = () => {
    if (answersDue.size === 0) return `no host call of the instance is waiting for the page, so ${OWN_WORK}`;
    return takeAnswers(true) ? null : 'the page called into the instance meanwhile';
  };

  const peer = new Peer({
    call: (proxy, name, args) => rpc({ op: 'method', self: proxy, name, args }),
    release: (id, dispose, count) => post({ op: dispose ? 'drop' : 'forget', id, count }),
    request: callPage,
  });

  /** stdout/stderr: writes go to the page's sink without waiting for it; a closed sink is a flag. */
  class ForwardSink {
    #handles = 0;
    constructor(stream, bit) {
      this.stream = stream;
      this.bit = bit;
    }
    get closed() {
      return channel.flag(this.bit);
    }
    write(bytes) {
      if (this.closed) throw closedError();
      post({ op: 'write', stream: this.stream, bytes: new Uint8Array(bytes) });
    }
    flush() {
      post({ op: 'flush', stream: this.stream });
    }
    /** The blocking calls: wait until the page has written everything sent, as the guest expects. */
    sync() {
      rpc({ op: 'sync', stream: this.stream });
      if (this.closed) throw closedError();
    }
    acquire() {
      this.#handles++;
    }
    release() {
      return --this.#handles;
    }
  }

  /**
   * What asking the page to run `callee` with `args` (the lowered call's JS values) posts. `keep`:
   * the function (of signature `sig`) returns a `future`, so the promise it returns is its result,
   * which crosses as a stand-in: the page must not wait for it while this worker blocks.
   */
  function requestFor(plan, callee, sig = null) {
    const imp = callee.import;
    const keep = sig !== null && returnsFuture(plan.types, sig);
    if (plan.imports[imp].kind === 'func') return (args) => ({ op: 'call', imp, name: null, args, keep });
    const cls = callee.kind === 'freestanding' ? null : plan.resources[callee.resource].jsName;
    switch (callee.kind) {
      case 'freestanding':
        return (args) => ({ op: 'call', imp, name: callee.jsName, args, keep });
      case 'constructor':
        return (args) => ({ op: 'new', imp, cls, args });
      case 'static':
        return (args) => ({ op: 'static', imp, cls, name: callee.jsName, args, keep });
      default:
        return ([self, ...args]) => ({ op: 'method', self, name: callee.jsName, args, keep });
    }
  }

  /** The import the page serves: functions and resource classes whose calls block until the page answers. */
  function remoteImport(plan, i) {
    const imp = plan.imports[i];
    const lowers = plan.steps.filter((step) => step.op === 'lower' && step.callee.kind !== 'lifted' && step.callee.import === i);
    if (imp.kind === 'func') {
      const request = requestFor(plan, { import: i }, lowers[0]?.sig ?? null);
      return (...args) => rpc(request(args));
    }
    const value = {};
    for (const step of lowers) {
      const c = step.callee;
      const request = requestFor(plan, c, step.sig);
      if (c.kind === 'freestanding') {
        value[c.jsName] = (...args) => rpc(request(args));
        continue;
      }
      const cls = plan.resources[c.resource].jsName;
      const construct = requestFor(plan, { ...c, kind: 'constructor' });
      const Class = (value[cls] ??= {
        [cls]: class {
          constructor(...args) {
            return rpc(construct(args));
          }
        },
      }[cls]);
      if (c.kind === 'static') {
        Class[c.jsName] = (...args) => rpc(request(args));
      } else if (c.kind === 'method' && !Object.hasOwn(Class.prototype, c.jsName)) {
        Class.prototype[c.jsName] = function (...args) {
          return rpc(request([this, ...args]));
        };
      }
    }
    return value;
  }

  /** The export tree as plain data, for the page to build its proxies from. */
  function describe(tree, modules) {
    const seen = new Map();
    const node = (v, path) => {
      // An exported core module: the page compiled it, so its index says which.
      if (v instanceof WebAssembly.Module) return { k: 'module', index: modules.indexOf(v) };
      if (typeof v === 'function') {
        if (v.prototype !== undefined && Object.hasOwn(v.prototype, symbolDispose)) {
          peer.classTags.set(v, { exportPath: path });
          const statics = Object.getOwnPropertyNames(v).filter((k) => typeof v[k] === 'function' && k !== 'prototype');
          return { k: 'class', name: v.name, statics };
        }
        return { k: 'fn' };
      }
      if (seen.has(v)) return { k: 'same', id: seen.get(v) };
      const id = seen.size;
      seen.set(v, id);
      const entries = {};
      for (const [key, value] of Object.entries(v)) entries[key] = node(value, [...path, key]);
      return { k: 'obj', id, entries };
    };
    return node(tree, []);
  }

  const at = (path) => path.reduce((o, key) => o[key], exports);

  async function init({ plan, modules, name, channel: buffers, imports, wasi: wasiOptions }) {
    channel = new ChannelGuest(buffers);
    const waiter = new Waiter('sync', {
      sleep: (ms) => channel.sleep(ms),
      remote: {
        isRemote: (p) => p?.[PROXY_ID] !== undefined,
        poll: (pollables, timeout) => rpc({ op: 'poll', list: pollables, timeout: timeout === Infinity ? -1 : timeout }),
      },
    });
    const wasi = createWasi(wasiOptions, {
      waiter,
      sinks: { stdout: new ForwardSink('stdout', STDOUT_CLOSED), stderr: new ForwardSink('stderr', STDERR_CLOSED) },
    });
    const resolveImport = (i) => (imports[i].local === null ? remoteImport(plan, i) : wasi.imports[imports[i].local]);
    const invokeAsync = (callee, sig) => {
      const request = requestFor(plan, callee, sig);
      return (args) => callHostAsync(request(args));
    };
    instance = await instantiatePlan(plan, modules, resolveImport, {
      kinds: ALL_KINDS, name, extend, resources: planResources, inner, async: asyncRuntime, worker: { invokeAsync, block },
    });
    exports = instance.exports;
    return describe(exports, modules);
  }

  /** Runs what the page asked; the answer is `{ok}` or `{throw}`. */
  function perform(msg) {
    switch (msg.op) {
      case 'call':
        return at(msg.path)(...msg.args);
      case 'new':
        return Reflect.construct(at(msg.path), msg.args);
      case 'static':
        return at(msg.path)[msg.name](...msg.args);
      case 'method':
        return msg.self[msg.name](...msg.args);
      case 'drop': {
        const obj = peer.forget(msg.id, msg.count);
        return obj?.[symbolDispose]?.();
      }
      case 'dispose':
        instance?.[symbolDispose]();
        return undefined;
      case 'await':
      case 'pull':
      case 'cancel':
        return peer.relay.serve(msg);
      default:
        throw new Error(`terrarium worker: unknown request ${msg.op}`);
    }
  }

  return async (data) => {
    if (data?.init) {
      try {
        post({ op: 'ready', exports: await init(data.init) });
      } catch (error) {
        post({ op: 'failed', error });
      }
      return;
    }
    const msg = peer.decode(new Uint8Array(data));
    if (msg.op === 'forget') {
      peer.forget(msg.id, msg.count);
      return;
    }
    if (msg.op === 'poke') {
      takeAnswers(false);
      return;
    }
    if (msg.op === 'return') {
      const call = pending.get(msg.call);
      pending.delete(msg.call);
      if (Object.hasOwn(msg, 'throw')) call?.reject(msg.throw);
      else call?.resolve(msg.ok);
      return;
    }
    received++;
    let reply;
    try {
      // An async export's promise settles once its task returns; other messages are handled meanwhile.
      reply = { op: 'return', call: msg.call, ok: await perform(msg) };
    } catch (error) {
      reply = { op: 'return', call: msg.call, throw: error };
    }
    try {
      post(reply);
    } catch (error) {
      post({ op: 'return', call: msg.call, throw: error });
    }
  };
}
