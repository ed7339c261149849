/**
 * The lift/lower context of one set of canonical options (the spec's `LiftLowerContext`): memory,
 * realloc, string encoding, plus the instance's resource handlers. It builds the per-type closures
 * once and memoizes them, so every function sharing the options shares the closures.
 */
import { TerrariumError } from '../errors.js';
import { SCALAR_BUILDERS } from './kinds.js';
import { makeLoadList, makeStoreList } from './lists.js';

/**
 * What lifting and lowering an own/borrow needs from the runtime (see js/runtime/resources.js).
 * `lowerBorrowToRep`, when not null, is `lowerBorrow` for a callee that receives the bare rep (the
 * resource's defining instance): no handle, no borrow scope, nothing to roll back.
 * @typedef {{liftOwn(h:number):any, liftBorrow(h:number):any, lowerOwn(v:any):number, lowerBorrow(v:any):number, lowerBorrowToRep: ((v:any) => number)|null}} ResourceHandler
 */

/**
 * What lifting and lowering a `stream` or `future` needs from the runtime: the readable end at a
 * table index to its JS value, and back (see js/runtime/async/channel-values.js).
 * @typedef {{lift(i:number):any, lower(v:any):number}} ChannelHandler
 */

/**
 * What lifting and lowering an `error-context` needs from the runtime (js/runtime/async/error-context.js).
 * @typedef {{lift(h:number):any, lower(v:any):number}} ErrorContextHandler
 */

export class AbiContext {
  /**
   * @param {object} init
   * @param {import('../plan.js').Type[]} init.types
   * @param {Record<string, import('./kinds.js').KindCodec>} init.kinds the code of every kind `types` has
   *   and of the string encoding `encoding`, by name (abi/kinds.js)
   * @param {import('./memory.js').MemoryView|null} init.mem
   * @param {Function|null} init.realloc the guest's core realloc function
   * @param {import('../plan.js').Options['stringEncoding']} init.encoding
   * @param {(r:number) => ResourceHandler} init.resources
   * @param {(t:number) => ChannelHandler} init.channels for the `stream` and `future` type `t`
   * @param {ErrorContextHandler} [init.errorContexts] the instance's `error-context` handles (async/error-context.js)
   */
  constructor({
    types,
    kinds,
    mem = null,
    realloc = null,
    encoding = 'utf8',
    resources = noResources,
    channels = noChannels,
    errorContexts = noErrorContexts,
    calls = null,
  }) {
    this.types = types;
    this.kinds = kinds;
    this.mem = mem;
    this.reallocFn = realloc;
    /** the instance's CallStack, whose `mayLeave` is cleared while the guest's realloc runs */
    this.calls = calls;
    this.encoding = encoding;
    this.resourceOf = resources;
    this.channelOf = channels;
    this.errorContexts = errorContexts;
    this.memo = { liftFlat: new Map(), lowerFlat: new Map(), load: new Map(), store: new Map() };
    /** the string closures of `encoding`, made on first use */
    this.stringLoad = null;
    this.stringStore = null;
    this.lists = new Map();
  }

  /** @returns {(r: import('./lift-flat.js').FlatReader) => any} */
  liftFlat(t, tagged = false) {
    return this.memoized('liftFlat', t, tagged);
  }
  /** @returns {(v: any, out: any[]) => void} */
  lowerFlat(t, tagged = false) {
    return this.memoized('lowerFlat', t, tagged);
  }
  /** @returns {(ptr: number) => any} */
  load(t, tagged = false) {
    this.needMemory();
    return this.memoized('load', t, tagged);
  }
  /** @returns {(ptr: number, v: any) => void} */
  store(t, tagged = false) {
    this.needMemory();
    return this.memoized('store', t, tagged);
  }

  /** The conversions of type `t` if it is a scalar (scalars.js), else undefined. */
  scalar(t) {
    return this.codec(t).scalar;
  }

  /** The code of type `t`'s kind. */
  codec(t) {
    return this.named(this.types[t].kind, `type ${t}'s kind`);
  }

  /** The code `kinds` has under `name`; a name it lacks is an error in the plan or its runtime. */
  named(name, what) {
    if (!Object.hasOwn(this.kinds, name)) throw new TerrariumError('invalid', `${what}: this runtime was given no code for \`${name}\``);
    return this.kinds[name];
  }

  memoized(which, t, tagged) {
    const key = 2 * t + (tagged ? 1 : 0);
    const memo = this.memo[which];
    let f = memo.get(key);
    if (f === undefined) {
      // Wrap first so a (hypothetically) recursive type finds an entry while it is being built.
      let built = null;
      memo.set(key, (a, b) => built(a, b));
      const codec = this.codec(t);
      built = (codec.scalar === undefined ? codec : SCALAR_BUILDERS)[which](this, this.types[t], t, tagged);
      memo.set(key, built);
      f = built;
    }
    return f;
  }

  loadString() {
    this.needMemory();
    return (this.stringLoad ??= this.named(this.encoding, 'string encoding').load(this));
  }
  storeString() {
    this.needMemory();
    this.needRealloc();
    return (this.stringStore ??= this.named(this.encoding, 'string encoding').store(this));
  }
  loadList(element) {
    this.needMemory();
    return this.listCodec(element).load;
  }
  storeList(element) {
    this.needMemory();
    this.needRealloc();
    const c = this.listCodec(element);
    return (c.store ??= makeStoreList(this, element));
  }
  listCodec(element) {
    let c = this.lists.get(element);
    if (c === undefined) {
      c = { load: null, store: null };
      this.lists.set(element, c);
      c.load = makeLoadList(this, element);
    }
    return c;
  }

  resource(r) {
    return this.resourceOf(r);
  }

  channel(t) {
    return this.channelOf(t);
  }

  /**
   * `realloc(0, 0, align, size)` with the spec's checks on the returned pointer; syncs the memory
   * view since the guest may have grown its memory.
   */
  alloc(align, size) {
    return this.realloc(0, 0, align, size);
  }

  realloc(oldPtr, oldSize, align, newSize) {
    const calls = this.calls;
    if (calls !== null) calls.mayLeave = false;
    const ptr = this.reallocFn(oldPtr, oldSize, align, newSize) >>> 0;
    if (calls !== null) calls.mayLeave = true;
    const mem = this.mem;
    mem.sync();
    mem.check(ptr, newSize, align);
    return ptr;
  }

  needMemory() {
    if (this.mem === null) throw new TerrariumError('invalid', 'canonical options lack the `memory` this function needs');
  }
  needRealloc() {
    if (this.reallocFn === null) throw new TerrariumError('invalid', 'canonical options lack the `realloc` this function needs');
  }
}

/** What a plan's type uses when its runtime was given no part that runs it: an 'invalid' error. */
const missing = (what) => () => {
  throw new TerrariumError('invalid', `${what} used without the runtime that runs it`);
};
const noResources = missing('a resource');
const noChannels = missing('a stream or future');
const noErrorContexts = { lift: missing('an `error-context`'), lower: missing('an `error-context`') };
