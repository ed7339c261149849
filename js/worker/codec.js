/**
 * The values that cross between the page and a guest's worker, as bytes.
 *
 * Only plain values cross: undefined, null, booleans, numbers, BigInts, strings, typed arrays,
 * ArrayBuffers, arrays, Maps (WIT maps) and plain objects (WIT records, variants, results), and errors (by name,
 * message and a few fields; an `ErrorContext` comes back as one). Promises and streams (futures and
 * streams of component-model async) stay on their side, and the other side gets a stand-in that
 * asks for their values (relay.js). Any other object stays on its side; the other side gets a reference
 * to it (a proxy whose methods call back: see `Peer`). The bytes go by postMessage, or, to a
 * worker blocked in Atomics.wait, through a SharedArrayBuffer (channel.js): so they are our own
 * encoding, not structured clone.
 */

import { ComponentError, ErrorContext, GuestTrap, TerrariumError, WasiExit } from '../errors.js';
import { symbolDispose } from '../runtime/dispose.js';
import { Relay } from './relay.js';

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_NUMBER = 4;
const T_BIGINT = 5;
const T_STRING = 6;
const T_BYTES = 7;
const T_TYPED = 8;
const T_ARRAY = 9;
const T_OBJECT = 10;
/** A proxy of the receiver's own object, coming home: its id in the receiver's table. */
const T_HOME = 11;
/** An object of the sender's, by id, of a class the receiver has already been told about. */
const T_REMOTE = 12;
/** The same, with the class's description (name and methods) the first time. */
const T_REMOTE_CLASS = 13;
const T_ERROR = 14;
const T_BUFFER = 15;
const T_MAP = 16;
/** A promise or a stream of the sender's, by id (relay.js): the receiver gets a stand-in. */
const T_PROMISE = 17;
const T_STREAM = 18;

const TYPED = [
  Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Marks a proxy: the id of the object it stands for, on the other side. */
export const PROXY_ID = Symbol('terrarium.proxy');

class Writer {
  constructor() {
    this.buf = new Uint8Array(256);
    this.dv = new DataView(this.buf.buffer);
    this.at = 0;
  }
  room(n) {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  u8(v) {
    this.room(1);
    this.buf[this.at++] = v;
  }
  u32(v) {
    this.room(4);
    this.dv.setUint32(this.at, v, true);
    this.at += 4;
  }
  f64(v) {
    this.room(8);
    this.dv.setFloat64(this.at, v, true);
    this.at += 8;
  }
  bytes(b) {
    this.u32(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  string(s) {
    this.bytes(encoder.encode(s));
  }
  result() {
    return this.buf.slice(0, this.at);
  }
}

class Reader {
  constructor(bytes) {
    this.buf = bytes;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
  }
  u8() {
    return this.buf[this.at++];
  }
  u32() {
    const v = this.dv.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  f64() {
    const v = this.dv.getFloat64(this.at, true);
    this.at += 8;
    return v;
  }
  bytes() {
    const n = this.u32();
    const b = this.buf.slice(this.at, this.at + n);
    this.at += n;
    return b;
  }
  string() {
    const n = this.u32();
    const s = decoder.decode(this.buf.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }
}

/** Whether `v` is a plain object (a record, a variant), not an instance of some class. */
function isPlain(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The methods of an object's class (and its ancestors), for the other side's proxy. */
function methodNames(obj) {
  const names = new Set();
  for (let p = Object.getPrototypeOf(obj); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (typeof d.value === 'function') names.add(name);
    }
  }
  for (const name of Object.keys(obj)) if (typeof obj[name] === 'function') names.add(name);
  return [...names];
}

/**
 * One side's bookkeeping: the objects of ours the other side holds references to (`table`), and
 * the proxies we made for the other side's objects. `call(proxy, method, args)` is how a proxy's
 * method reaches the other side; `release(id, dispose, count)` tells it a proxy was disposed or
 * collected, and how many of the references sent to it that proxy stood for: an object leaves the
 * table once every reference sent has come back this way (a reference may be in flight while the
 * other side releases an older proxy of the same object).
 */
export class Peer {
  /**
   * @param {{call: (proxy: object, method: string, args: any[]) => any, release: (id: number, dispose: boolean, count: number) => any,
   *   classFor?: (description: {name: string, methods: string[], tag?: any}) => Function|null}} hooks
   *   `classFor` may supply the class a proxy is made an instance of (the page's exported resource classes);
   *   `request(msg)` asks the other side for a promise's value or a stream's next chunk (relay.js):
   *   without it, promises and streams cross by reference as other objects do
   */
  constructor(hooks) {
    this.hooks = hooks;
    this.relay = hooks.request === undefined ? null : new Relay(hooks.request);
    /** @type {Map<number, any>} */
    this.table = new Map();
    this.ids = new WeakMap();
    /** id → how many references to it were sent and not released yet */
    this.sent = new Map();
    this.nextId = 1;
    /** class (constructor) → id, for the classes described to the other side already */
    this.sentClasses = new Map();
    /** class id → proxy class, for classes the other side described */
    this.classes = new Map();
    /** id → `{ref: WeakRef of its proxy, count: references received}` */
    this.proxies = new Map();
    this.collected = new FinalizationRegistry((id) => {
      const entry = this.proxies.get(id);
      if (entry !== undefined && entry.ref.deref() === undefined) {
        this.proxies.delete(id);
        this.hooks.release(id, false, entry.count);
      }
    });
    /** Optional tags for classes we send (e.g. the export path of a resource class). */
    this.classTags = new WeakMap();
  }

  /** Our object's id, registering it if needed. */
  idOf(obj) {
    let id = this.ids.get(obj);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(obj, id);
      this.table.set(id, obj);
    }
    return id;
  }

  /** `count` references to our object `id` came back; returns the object. */
  forget(id, count = Infinity) {
    const obj = this.table.get(id);
    const left = (this.sent.get(id) ?? 0) - count;
    if (left > 0) {
      this.sent.set(id, left);
    } else {
      this.table.delete(id);
      this.sent.delete(id);
      if (obj !== undefined) this.ids.delete(obj);
    }
    return obj;
  }

  object(id) {
    const obj = this.table.get(id);
    if (obj === undefined) throw new Error(`terrarium: no object ${id} on this side (it was dropped)`);
    return obj;
  }

  /** The proxy for the other side's object `id` of proxy class `Class`. */
  proxy(id, Class) {
    const entry = this.proxies.get(id);
    const existing = entry?.ref.deref();
    if (existing !== undefined) {
      entry.count++;
      return existing;
    }
    const proxy = Object.create(Class.prototype);
    Object.defineProperty(proxy, PROXY_ID, { value: id });
    // A collected proxy whose release has not run yet: its references count with the new one's.
    this.proxies.set(id, { ref: new WeakRef(proxy), count: (entry?.count ?? 0) + 1 });
    this.collected.register(proxy, id, proxy);
    return proxy;
  }

  /** A proxy class from a description the other side sent. */
  defineClass(classId, { name, methods, tag }) {
    const peer = this;
    let Class = this.hooks.classFor?.({ name, methods, tag }) ?? null;
    if (Class === null) Class = { [name]: class {} }[name];
    for (const method of methods) {
      if (Object.hasOwn(Class.prototype, method)) continue;
      Object.defineProperty(Class.prototype, method, {
        value: {
          [method](...args) {
            return peer.hooks.call(this, method, args);
          },
        }[method],
        writable: true,
        configurable: true,
      });
    }
    if (!Object.hasOwn(Class.prototype, symbolDispose)) {
      Object.defineProperty(Class.prototype, symbolDispose, {
        value() {
          const id = this[PROXY_ID];
          const entry = peer.proxies.get(id);
          if (entry === undefined || entry.ref.deref() !== this) return undefined;
          peer.proxies.delete(id);
          peer.collected.unregister(this);
          return peer.hooks.release(id, true, entry.count);
        },
        writable: true,
        configurable: true,
      });
    }
    this.classes.set(classId, Class);
    return Class;
  }

  encode(value) {
    const w = new Writer();
    this.#write(w, value);
    return w.result();
  }

  decode(bytes) {
    return this.#read(new Reader(bytes));
  }

  #write(w, v) {
    switch (typeof v) {
      case 'undefined':
        return w.u8(T_UNDEFINED);
      case 'boolean':
        return w.u8(v ? T_TRUE : T_FALSE);
      case 'number':
        w.u8(T_NUMBER);
        return w.f64(v);
      case 'bigint':
        w.u8(T_BIGINT);
        return w.string(v.toString());
      case 'string':
        w.u8(T_STRING);
        return w.string(v);
      case 'function':
        throw new TypeError(`terrarium: a function cannot cross to the guest's worker (${v.name || 'anonymous'})`);
      case 'symbol':
        throw new TypeError('terrarium: a symbol cannot cross to the guest\'s worker');
      default:
        break;
    }
    if (v === null) return w.u8(T_NULL);
    if (v[PROXY_ID] !== undefined) {
      w.u8(T_HOME);
      return w.u32(v[PROXY_ID]);
    }
    if (v instanceof Uint8Array) {
      w.u8(T_BYTES);
      return w.bytes(v);
    }
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const kind = TYPED.findIndex((T) => v instanceof T);
      if (kind >= 0) {
        w.u8(T_TYPED);
        w.u8(kind);
        return w.bytes(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      }
    }
    if (v instanceof ArrayBuffer) {
      w.u8(T_BUFFER);
      return w.bytes(new Uint8Array(v));
    }
    if (Array.isArray(v)) {
      w.u8(T_ARRAY);
      w.u32(v.length);
      for (const item of v) this.#write(w, item);
      return undefined;
    }
    if (v instanceof Map) {
      w.u8(T_MAP);
      w.u32(v.size);
      for (const [key, value] of v) {
        this.#write(w, key);
        this.#write(w, value);
      }
      return undefined;
    }
    // A promise or a thenable (a plain object too), a stream or an async iterable: a stand-in.
    const relayed = this.relay === null ? null : Relay.kindOf(v);
    if (relayed !== null) {
      const { id, bytes } = this.relay.send(v, relayed);
      w.u8(relayed === 'promise' ? T_PROMISE : T_STREAM);
      w.u32(id);
      return w.u8(bytes ? 1 : 0);
    }
    // An error crosses by value, except a WASI `io-error` resource (it has `toDebugString`), which
    // stays where it was made, like any other resource.
    if (v instanceof Error && typeof v.toDebugString !== 'function') {
      w.u8(T_ERROR);
      w.string(v.name);
      w.string(v.message);
      const extra = {};
      for (const key of ['kind', 'context', 'exitCode', 'code', 'offset']) if (v[key] !== undefined) extra[key] = v[key];
      if (Object.hasOwn(v, 'payload')) extra.payload = v.payload;
      return this.#write(w, extra);
    }
    if (isPlain(v)) {
      const keys = Object.keys(v);
      w.u8(T_OBJECT);
      w.u32(keys.length);
      for (const key of keys) {
        w.string(key);
        this.#write(w, v[key]);
      }
      return undefined;
    }
    // Anything else stays here: the other side gets a reference.
    const id = this.idOf(v);
    this.sent.set(id, (this.sent.get(id) ?? 0) + 1);
    const ctor = Object.getPrototypeOf(v)?.constructor ?? Object;
    const classId = this.sentClasses.get(ctor);
    if (classId !== undefined) {
      w.u8(T_REMOTE);
      w.u32(id);
      return w.u32(classId);
    }
    const newId = this.sentClasses.size + 1;
    this.sentClasses.set(ctor, newId);
    w.u8(T_REMOTE_CLASS);
    w.u32(id);
    w.u32(newId);
    this.#write(w, { name: ctor.name || 'HostObject', methods: methodNames(v), tag: this.classTags.get(ctor) });
    return undefined;
  }

  #read(r) {
    const tag = r.u8();
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_NUMBER:
        return r.f64();
      case T_BIGINT:
        return BigInt(r.string());
      case T_STRING:
        return r.string();
      case T_BYTES:
        return r.bytes();
      case T_TYPED: {
        const T = TYPED[r.u8()];
        const b = r.bytes();
        return new T(b.buffer, 0, b.byteLength / T.BYTES_PER_ELEMENT);
      }
      case T_BUFFER:
        return r.bytes().buffer;
      case T_ARRAY: {
        const n = r.u32();
        const out = new Array(n);
        for (let i = 0; i < n; i++) out[i] = this.#read(r);
        return out;
      }
      case T_MAP: {
        const n = r.u32();
        const out = new Map();
        for (let i = 0; i < n; i++) {
          const key = this.#read(r);
          out.set(key, this.#read(r));
        }
        return out;
      }
      case T_OBJECT: {
        const n = r.u32();
        const out = {};
        for (let i = 0; i < n; i++) {
          const key = r.string();
          out[key] = this.#read(r);
        }
        return out;
      }
      case T_HOME:
        return this.object(r.u32());
      case T_REMOTE: {
        const id = r.u32();
        return this.proxy(id, this.classes.get(r.u32()));
      }
      case T_REMOTE_CLASS: {
        const id = r.u32();
        const classId = r.u32();
        const Class = this.defineClass(classId, this.#read(r));
        return this.proxy(id, Class);
      }
      case T_ERROR: {
        const name = r.string();
        const message = r.string();
        return revive({ name, message, ...this.#read(r) });
      }
      case T_PROMISE:
      case T_STREAM: {
        const id = r.u32();
        return this.relay.receive(tag === T_PROMISE ? 'promise' : 'stream', id, r.u8() === 1);
      }
      default:
        throw new Error(`terrarium: cannot decode value tag ${tag}`);
    }
  }
}

/** An error that crossed, from its description: an error of its class again. */
function revive(value) {
  const { name, message, kind, context, exitCode, offset, code } = value;
  switch (name) {
    case 'ErrorContext':
      return new ErrorContext(message);
    case 'TerrariumError':
      return new TerrariumError(kind, message, { context, exitCode, offset });
    case 'ComponentError':
      return new ComponentError(value.payload);
    case 'GuestTrap':
      return new GuestTrap(message);
    case 'WasiExit':
      return new WasiExit(code);
    default: {
      const Class = { TypeError, RangeError }[name] ?? Error;
      const error = new Class(message);
      if (Class === Error && name !== 'Error') Object.defineProperty(error, 'name', { value: name });
      if (code !== undefined) error.code = code;
      if (Object.hasOwn(value, 'payload')) error.payload = value.payload;
      return error;
    }
  }
}
