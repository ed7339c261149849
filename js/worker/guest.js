/**
 * The guest's side of `blocking: 'worker'`: runs in the worker Terrarium starts
 * (js/terrarium-worker.js). It instantiates the component from the plan and compiled modules the
 * page sent, with the WASI interfaces it can serve from plain data (arguments, environment,
 * stdin bytes, clocks, random, stdio forwarded to the page) served here, and everything else
 * (the page's own imports, wasi:http, filesystems, ReadableStream stdin, function overrides)
 * served by proxies whose calls block this thread until the page answers (channel.js). Timers
 * wait here, with Atomics.wait's timeout.
 */

import { instantiatePlan } from '../runtime/instantiate.js';
import { ALL_KINDS } from '../abi/kinds.js';
import * as inner from '../runtime/inner-calls.js';
import { planResources } from '../runtime/resources.js';
import { symbolDispose } from '../runtime/dispose.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { closedError } from '../../polyfill-wasi/js/io.js';
import { Waiter } from '../../polyfill-wasi/js/wait.js';
import { ChannelGuest, STDERR_CLOSED, STDOUT_CLOSED } from './channel.js';
import { PROXY_ID, Peer, revive } from './codec.js';

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
    if (Object.hasOwn(reply, 'throw')) throw revive(reply.throw);
    return reply.ok;
  };

  const peer = new Peer({
    call: (proxy, name, args) => rpc({ op: 'method', self: proxy, name, args }),
    release: (id, dispose, count) => post({ op: dispose ? 'drop' : 'forget', id, count }),
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

  /** The import the page serves: functions and resource classes whose calls go to the page. */
  function remoteImport(plan, i) {
    const imp = plan.imports[i];
    if (imp.kind === 'func') return (...args) => rpc({ op: 'call', imp: i, name: null, args });
    const value = {};
    for (const step of plan.steps) {
      if (step.op !== 'lower' || step.callee.kind === 'lifted' || step.callee.import !== i) continue;
      const c = step.callee;
      if (c.kind === 'freestanding') {
        value[c.jsName] = (...args) => rpc({ op: 'call', imp: i, name: c.jsName, args });
        continue;
      }
      const cls = plan.resources[c.resource].jsName;
      const Class = (value[cls] ??= {
        [cls]: class {
          constructor(...args) {
            return rpc({ op: 'new', imp: i, cls, args });
          }
        },
      }[cls]);
      if (c.kind === 'static') {
        Class[c.jsName] = (...args) => rpc({ op: 'static', imp: i, cls, name: c.jsName, args });
      } else if (c.kind === 'method' && !Object.hasOwn(Class.prototype, c.jsName)) {
        Class.prototype[c.jsName] = function (...args) {
          return rpc({ op: 'method', self: this, name: c.jsName, args });
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
    instance = await instantiatePlan(plan, modules, resolveImport, { kinds: ALL_KINDS, name, resources: planResources, inner });
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
    let reply;
    try {
      reply = { op: 'return', call: msg.call, ok: perform(msg) };
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
