/**
 * Resource types of one instance. Each plan resource gets a handler with a handle table; the ABI
 * closures call `liftOwn` / `liftBorrow` / `lowerOwn` / `lowerBorrow`, and the `resourceNew` /
 * `resourceRep` / `resourceDrop` steps become its `new` / `rep` / `drop` built-ins.
 *
 * - HostResource: implemented by the host (`resource.import !== null`); the table holds JS objects.
 * - GuestResource: defined by the component; the table holds i32 reps, and the host sees instances
 *   of a JS class (exported under the resource's jsName) that carry the rep.
 */
import { trap } from '../errors.js';
import { invalid } from '../abi/invalid.js';
import { HandleTable, OWN, BORROW } from './handles.js';
import { symbolDispose, disposeHostObject } from './dispose.js';

export class HostResource {
  /**
   * @param {{name: string, jsName: string}} def
   * @param {import('./state.js').InstanceState} state
   */
  constructor(def, state) {
    this.def = def;
    this.state = state;
    this.table = new HandleTable(def.name);
  }

  /** A host object handed to the guest as an own: the guest now holds it under a fresh handle. */
  lowerOwn(obj) {
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) {
      return invalid(`a ${this.def.jsName} resource object`, obj);
    }
    return this.table.add(obj, OWN);
  }

  /** A host object lent to the guest for the duration of an export call. */
  lowerBorrow(obj) {
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) {
      return invalid(`a ${this.def.jsName} resource object`, obj);
    }
    const h = this.table.add(obj, BORROW);
    this.state.lent.push(this.table, h, obj);
    return h;
  }

  /** The guest gives an own back to the host: its handle goes away. */
  liftOwn(h) {
    return this.table.remove(h, true);
  }

  liftBorrow(h) {
    return this.table.get(h);
  }

  /** `resource.drop`: an own handle's object is disposed; a borrow just ends. */
  drop(h) {
    const obj = this.table.get(h);
    const flag = this.table.flag(h);
    this.table.remove(h);
    if (flag === OWN) disposeHostObject(obj);
  }

  new() {
    trap(`resource.new of host resource \`${this.def.name}\``);
  }
  rep() {
    trap(`resource.rep of host resource \`${this.def.name}\``);
  }

  /** Instance disposal: the host objects the guest still owns are disposed. */
  disposeAll() {
    for (const [h, obj, flag] of this.table.entries()) {
      this.table.remove(h);
      if (flag === OWN) {
        try {
          disposeHostObject(obj);
        } catch {
          // Disposal is best effort: one failing object must not keep the others alive.
        }
      }
    }
  }
}


/**
 * Owned wrappers the host forgets without disposing still release their rep, when collected. A
 * finalizer runs between tasks, never inside a call, so the guard only fails for dead instances.
 */
const finalizers = new FinalizationRegistry(({ handler, rep }) => {
  if (handler.state.status !== 0) return;
  try {
    handler.destroy(rep);
  } catch {
    // The destructor trapped: the instance is now dead; nobody is there to tell.
  }
});

const REP = Symbol('terrarium.rep');
const OWNER = Symbol('terrarium.owner');
/** 1: the wrapper owns the rep; 2: it is a borrow view; 0: moved into the guest or disposed. */
const LIVE = Symbol('terrarium.live');

export class GuestResource {
  /**
   * @param {{name: string, jsName: string, dtor: number|null}} def
   * @param {import('./state.js').InstanceState} state
   * @param {() => Function|null} getDtor the core destructor, looked up once the steps have run
   */
  constructor(def, state, getDtor) {
    this.def = def;
    this.state = state;
    this.table = new HandleTable(def.name);
    this.getDtor = getDtor;
    /** set by the exports builder to the lifted `[constructor]` export, if any */
    this.construct = null;
    const handler = this;
    // A named class without `eval`: the constructor returns the object lifted from the guest.
    const Class = {
      [def.jsName]: class {
        constructor(...args) {
          if (handler.construct === null) throw new TypeError(`resource \`${def.jsName}\` has no constructor`);
          return handler.construct(...args);
        }

        [symbolDispose]() {
          handler.disposeWrapper(this);
        }
      },
    }[def.jsName];
    this.Class = Class;
  }

  /** `resource.new`: the guest registers a rep and gets an own handle. */
  new(rep) {
    return this.table.add(rep, OWN);
  }

  /** `resource.rep` */
  rep(h) {
    return this.table.get(h);
  }

  /** `resource.drop` from the guest: an own handle's rep is destroyed by the destructor. */
  drop(h) {
    const rep = this.table.get(h);
    const flag = this.table.flag(h);
    this.table.remove(h);
    if (flag === OWN) {
      const dtor = this.getDtor();
      if (dtor !== null) dtor(rep);
    }
  }

  /** An own returned by the guest: the host now owns the rep, through a class instance. */
  liftOwn(h) {
    return this.wrap(this.table.remove(h, true), 1);
  }

  liftBorrow(h) {
    return this.wrap(this.table.get(h), 2);
  }

  wrap(rep, live) {
    const obj = Object.create(this.Class.prototype);
    obj[REP] = rep;
    obj[OWNER] = this;
    obj[LIVE] = live;
    if (live === 1 && this.getDtor() !== null) finalizers.register(obj, { handler: this, rep }, obj);
    return obj;
  }

  /** Passing an own to the guest moves it: the wrapper is dead afterwards. */
  lowerOwn(obj) {
    const rep = this.repOf(obj, true);
    obj[LIVE] = 0;
    finalizers.unregister(obj);
    return this.table.add(rep, OWN);
  }

  /** The defining instance receives a borrow of its own resource as the bare rep (spec `lower_borrow`). */
  lowerBorrow(obj) {
    return this.repOf(obj, false);
  }

  repOf(obj, own) {
    if (obj === null || typeof obj !== 'object' || obj[OWNER] !== this) {
      return invalid(`a ${this.def.jsName} resource`, obj);
    }
    if (obj[LIVE] === 0 || (own && obj[LIVE] !== 1)) {
      return invalid(`a live, owned ${this.def.jsName} (this one was moved or disposed)`, obj);
    }
    return obj[REP];
  }

  /** `[symbolDispose]()` of a wrapper the host owns: runs the guest's destructor. */
  disposeWrapper(obj) {
    if (obj[OWNER] !== this || obj[LIVE] !== 1) return;
    obj[LIVE] = 0;
    finalizers.unregister(obj);
    this.destroy(obj[REP]);
  }

  /** Runs the guest's destructor for a rep the host owned, as a call of its own. */
  destroy(rep) {
    const dtor = this.getDtor();
    if (dtor !== null) this.state.guard(`${this.def.name}#[dtor]`, () => dtor(rep));
  }

  disposeAll() {
    for (const [h] of this.table.entries()) this.table.remove(h);
  }
}
