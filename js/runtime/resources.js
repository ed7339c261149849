/**
 * Resources. Each plan resource has a type object, and each component instance that uses it has a
 * handles object over the instance's one handle table (see handles.js). The ABI closures call a
 * handles object's `liftOwn` / `liftBorrow` / `lowerOwn` / `lowerBorrow`, and the `resourceNew` /
 * `resourceRep` / `resourceDrop` steps become its `new` / `rep` / `drop` built-ins.
 *
 * - HostResourceType: implemented by the host (`resource.import !== null`); its reps are JS objects.
 * - GuestResourceType: defined by a component instance (its `impl`); its reps are i32s, and the
 *   host sees instances of a JS class (exported under the resource's jsName) that carry the rep.
 */
import { TerrariumError, trap } from '../errors.js';
import { invalid } from '../abi/invalid.js';
import { HandleTable, OWN, BORROW } from './handles.js';
import { symbolDispose, disposeHostObject } from './dispose.js';
import { READY, BUSY, DEAD } from './state.js';
import { linkError } from './imports.js';

/**
 * The resources of one instance of `plan`: a type per plan resource, and per component instance
 * one handle table, shared by the resource types it uses. The runtime takes this function from its
 * caller (instantiatePlan's `resources`), so output of a component without resources never loads
 * this module.
 * @param {any} plan
 * @param {object} o
 * @param {(componentInstance: number) => any} o.stateOf the InstanceState of a component instance
 * @param {(def: any) => Function|null} o.destructorOf a guest resource's destructor, once instantiated
 * @param {import('./call-stack.js').CallStack} o.calls
 * @param {{enqueue: Function, promising: Function}|null} o.schedule JSPI: how guest destructors run
 * @returns {{types: (HostResourceType|GuestResourceType)[], handlesOf: (instance: number, r: number) => any, disposeAll: () => void}}
 *   `disposeAll`: instance disposal, emptying every table (handles.js); and `resolveMember`,
 *   `step`, `placeMember` for the steps and exports of resources
 */
export function planResources(plan, { stateOf, destructorOf, calls, schedule }) {
  const types = plan.resources.map((def) =>
    def.import !== null ? new HostResourceType(def) : new GuestResourceType(def, () => stateOf(def.componentInstance), () => destructorOf(def)),
  );
  if (schedule !== null) {
    for (const type of types) if (type instanceof GuestResourceType) type.schedule = schedule;
  }
  const tables = [];
  const handles = [];
  /** The handles of component instance `instance` to resource `r`. */
  const handlesOf = (instance, r) => {
    if (types[r] === undefined) throw new TerrariumError('invalid', `plan refers to resource ${r}, which does not exist`);
    const row = (handles[instance] ??= []);
    return (row[r] ??= types[r].handles(instance, calls, (tables[instance] ??= new HandleTable())));
  };
  const disposeAll = () => tables.forEach((table) => table.disposeAll());
  /** The core function of a `resourceNew`, `resourceRep` or `resourceDrop` step. */
  const step = ({ op, componentInstance, resource }) => builtin(op, handlesOf(componentInstance, resource));
  return { types, handlesOf, disposeAll, resolveMember, step, placeMember: (exp, fn, out) => placeMember(types, exp, fn, out) };
}

/**
 * Puts the lifted `fn` of a resource's exported constructor, method or static function in the
 * resource's class, and the class in `out` under its jsName; false when the resource has no class
 * (it is the host's), and `fn` goes under its own jsName.
 * @param {{def: any, Class?: Function, construct?: Function|null}[]} types per plan resource
 */
export function placeMember(types, exp, fn, out) {
  const type = types[exp.member.resource];
  if (type?.Class === undefined) return false;
  const { Class } = type;
  out[type.def.jsName] = Class;
  if (exp.member.kind === 'constructor') {
    type.construct = fn;
  } else if (exp.member.kind === 'method') {
    Object.defineProperty(Class.prototype, exp.jsName, {
      value: method(exp.jsName, fn, exp.sig.params.length - 1),
      writable: true,
      configurable: true,
    });
  } else {
    Object.defineProperty(Class, exp.jsName, { value: fn, writable: true, configurable: true });
  }
  return true;
}

/** `fn(this, ...args)` as a method named `name`, with no rest array for up to two arguments. */
function method(name, fn, arity) {
  switch (arity) {
    case 0:
      return {
        [name]() {
          return fn(this);
        },
      }[name];
    case 1:
      return {
        [name](a) {
          return fn(this, a);
        },
      }[name];
    case 2:
      return {
        [name](a, b) {
          return fn(this, a, b);
        },
      }[name];
    default:
      return {
        [name](...args) {
          return fn(this, ...args);
        },
      }[name];
  }
}

/** The core function of resource step `op`, over a component instance's `handles`. */
function builtin(op, handles) {
  switch (op) {
    case 'resourceNew':
      return (rep) => handles.new(rep);
    case 'resourceRep':
      return (h) => handles.rep(h >>> 0);
    default:
      return (h) => {
        handles.drop(h >>> 0);
      };
  }
}

/**
 * How to invoke a resource's constructor, static function or method that a `lower` step's callee
 * names (imports.js `resolveCallee` finds the rest): `(args: any[]) => any`. Throws
 * TerrariumError kind 'link' naming the import, the resource and the member.
 * @param {import('../plan.js').Plan} plan
 * @param {import('../plan.js').HostCallee} callee
 * @param {import('../plan.js').Import} imp the import the callee is in
 * @param {any} value the host's value of `imp`
 * @param {string} where how messages name `imp`
 */
export function resolveMember(plan, callee, imp, value, where) {
  const res = plan.resources[callee.resource];
  // A world-level resource import is the class itself; an instance import holds it by name.
  const Class = imp.kind === 'resource' ? value : value[res.jsName];
  if (typeof Class !== 'function') {
    throw linkError(`${where} has no resource class \`${res.jsName}\` (\`${res.name}\`, needed by \`${callee.name}\`)`, imp);
  }
  switch (callee.kind) {
    case 'constructor':
      return (args) => Reflect.construct(Class, args);
    case 'static': {
      const fn = Class[callee.jsName];
      if (typeof fn !== 'function') {
        throw linkError(`${where}: \`${res.jsName}\` has no static method \`${callee.jsName}\` (\`${callee.name}\`)`, imp);
      }
      return (args) => Reflect.apply(fn, Class, args);
    }
    case 'method': {
      const jsName = callee.jsName;
      if (typeof Class.prototype?.[jsName] !== 'function') {
        throw linkError(`${where}: \`${res.jsName}\` has no method \`${jsName}\` (\`${callee.name}\`)`, imp);
      }
      return (args) => {
        const self = args[0];
        return Reflect.apply(self[jsName], self, args.slice(1));
      };
    }
    default:
      throw new TerrariumError('invalid', `unknown callee kind \`${callee.kind}\``);
  }
}

export class HostResourceType {
  /** @param {import('../plan.js').HostResource} def */
  constructor(def) {
    this.def = def;
  }

  /** The handles of a component instance to this resource, in its handle table `table`. */
  handles(instance, calls, table) {
    return new HostHandles(this, calls, table);
  }

  /** Instance disposal: a host object the guest still owns is disposed. */
  abandon(obj) {
    try {
      disposeHostObject(obj);
    } catch {
      // Disposal is best effort: one failing object must not keep the others alive.
    }
  }
}

class HostHandles {
  constructor(type, calls, table) {
    this.type = type;
    this.def = type.def;
    this.calls = calls;
    this.table = table;
    /** A host object is always lent through a handle. */
    this.lowerBorrowToRep = null;
  }

  check(obj) {
    if (obj === null || (typeof obj !== 'object' && typeof obj !== 'function')) invalid(`a ${this.def.jsName} resource object`, obj);
  }

  /** A host object handed to the guest as an own: the guest now holds it under a fresh handle. */
  lowerOwn(obj) {
    this.check(obj);
    const h = this.table.add(this.type, obj, OWN);
    if (this.calls.recording) this.calls.lowered.push(this, h, obj);
    return h;
  }

  /** A host object lent to the call being entered: the guest must drop the handle before it returns. */
  lowerBorrow(obj) {
    this.check(obj);
    const calls = this.calls;
    const h = this.table.add(this.type, obj, BORROW, calls.depth);
    calls.borrows[calls.depth]++;
    if (calls.recording) calls.lowered.push(this, h, obj);
    return h;
  }

  /** Rolls back `lowerOwn` / `lowerBorrow` of `obj` as handle `h` (the call never reached the guest). */
  undo(h, obj) {
    if (this.table.holds(h, this.type, obj)) this.table.remove(h);
  }

  /** The guest gives an own back: its handle goes away. */
  liftOwn(h) {
    return this.table.take(h, this.type);
  }

  liftBorrow(h) {
    return this.table.lend(h, this.type, this.calls);
  }

  /** `resource.drop`: an own handle's object is disposed; a borrow just ends. */
  drop(h) {
    const obj = this.table.get(h, this.type);
    if (this.table.drop(h, this.type, this.calls)) disposeHostObject(obj);
  }

  new() {
    trap(`resource.new of host resource \`${this.def.name}\``);
  }
  rep() {
    trap(`resource.rep of host resource \`${this.def.name}\``);
  }
}

/**
 * Owned wrappers the host forgets without disposing still release their rep, when collected. A
 * finalizer runs between tasks, never inside a call, so the guard only fails for dead instances.
 */
const finalizers = new FinalizationRegistry(({ type, rep }) => {
  if (type.schedule !== null) {
    // JSPI: the destructor waits its turn behind the call in progress, if any.
    type.disposeFromHost(rep).catch(() => {});
    return;
  }
  if (type.state().status !== READY) return;
  try {
    type.destroy(rep);
  } catch {
    // The destructor trapped: the instance is now dead; nobody is there to tell.
  }
});

/**
 * Owned wrappers made since the last microtask: they are registered when it runs, if still owned
 * then. A wrapper made, used and disposed in one go (the `using` pattern) so never pays for a
 * registration and its removal, the costliest part of a resource's round trip; and, being the last
 * one made when it is disposed, it leaves the list at once, which so stays short. One kept longer
 * is registered before anything could collect it.
 */
let toRegister = [];
/** Whether a microtask to register `toRegister` is queued. */
let registerQueued = false;

/** The most wrappers held for registration: a long synchronous loop registers as it goes, past it. */
const REGISTER_BATCH = 1024;

function registerSoon(obj) {
  if (!registerQueued) {
    registerQueued = true;
    queueMicrotask(registerQueuedWrappers);
  } else if (toRegister.length >= REGISTER_BATCH) {
    registerPending();
  }
  toRegister.push(obj);
}

/** A wrapper that stops owning its rep before it was registered: the last one made leaves the list. */
function forgetPending(obj) {
  if (toRegister.length !== 0 && toRegister[toRegister.length - 1] === obj) toRegister.pop();
}

function registerQueuedWrappers() {
  registerQueued = false;
  registerPending();
}

function registerPending() {
  const pending = toRegister;
  toRegister = [];
  for (const obj of pending) {
    if (obj[LIVE] !== OWNED || obj[REGISTERED]) continue;
    finalizers.register(obj, { type: obj[TYPE], rep: obj[REP] }, obj);
    obj[REGISTERED] = true;
  }
}

const REP = Symbol('terrarium.rep');
/** Whether the wrapper is registered with `finalizers` (only owned ones that lived past a microtask are). */
const REGISTERED = Symbol('terrarium.registered');
const TYPE = Symbol('terrarium.type');
/** OWNED: the wrapper owns the rep; VIEW: it is a borrow lent to a host import; GONE: moved into the guest or disposed. */
const LIVE = Symbol('terrarium.live');
const GONE = 0;
const OWNED = 1;
const VIEW = 2;

export class GuestResourceType {
  /**
   * @param {import('../plan.js').GuestResource} def
   * @param {() => import('./state.js').InstanceState} state the state of the defining component instance
   * @param {() => Function|null} getDtor the core destructor, looked up once the steps have run
   */
  constructor(def, state, getDtor) {
    this.def = def;
    this.impl = def.componentInstance;
    this.state = state;
    this.getDtor = getDtor;
    /** where a destructor run from JS is said to fail */
    this.dtorContext = `${def.name}#[dtor]`;
    /** set by the exports builder to the lifted `[constructor]` export, if any */
    this.construct = null;
    /** JSPI: `{enqueue, promising}`, so destructors run from JS wait their turn and may suspend */
    this.schedule = null;
    this.promisingDtor = null;
    const type = this;
    // A named class without `eval`: the constructor returns the object lifted from the guest.
    const Class = {
      [def.jsName]: class {
        constructor(...args) {
          if (type.construct === null) throw new TypeError(`resource \`${def.jsName}\` has no constructor`);
          return type.construct(...args);
        }

        [symbolDispose]() {
          return type.disposeWrapper(this);
        }
      },
    }[def.jsName];
    this.Class = Class;
  }

  /** The handles of component instance `instance` to this resource, in its handle table `table`. */
  handles(instance, calls, table) {
    return new GuestHandles(this, instance, calls, table);
  }

  /** Instance disposal: nothing to do for a rep (the defining instance is gone too). */
  abandon() {}

  wrap(rep, live) {
    const obj = Object.create(this.Class.prototype);
    obj[REP] = rep;
    obj[TYPE] = this;
    obj[LIVE] = live;
    obj[REGISTERED] = false;
    if (live === OWNED && this.getDtor() !== null) registerSoon(obj);
    return obj;
  }

  /** The rep of a wrapper of this type, which must be live (and owned, for `own`). */
  repOf(obj, own) {
    if (obj === null || typeof obj !== 'object' || obj[TYPE] !== this) return invalid(`a ${this.def.jsName} resource`, obj);
    const live = obj[LIVE];
    if (live === GONE) return invalid(`a live ${this.def.jsName} (this one was disposed, or moved into the guest)`, obj);
    if (own && live !== OWNED) return invalid(`an owned ${this.def.jsName} (this one is a borrow)`, obj);
    return obj[REP];
  }

  /** Passing an own into a guest moves it: the wrapper is dead afterwards. */
  moveOut(obj) {
    obj[LIVE] = GONE;
    if (obj[REGISTERED]) {
      finalizers.unregister(obj);
      obj[REGISTERED] = false;
    } else {
      forgetPending(obj);
    }
  }

  /** Undoes `moveOut`. */
  revive(obj) {
    obj[LIVE] = OWNED;
    if (this.getDtor() !== null) registerSoon(obj);
  }

  /** `[symbolDispose]()` of a wrapper the host owns: runs the guest's destructor. */
  disposeWrapper(obj) {
    if (obj[TYPE] !== this || obj[LIVE] !== OWNED) return undefined;
    this.moveOut(obj);
    return this.disposeFromHost(obj[REP]);
  }

  /**
   * The destructor, run for the host (a dispose, a collected wrapper). Under JSPI it runs as an
   * export call of its own: after the calls before it, through `WebAssembly.promising`, and the
   * dispose returns a promise.
   */
  disposeFromHost(rep) {
    if (this.schedule === null) return this.destroy(rep);
    const dtor = this.getDtor();
    if (dtor === null) return Promise.resolve();
    const context = this.dtorContext;
    return this.schedule.enqueue(async () => {
      const state = this.state();
      if (state.status === DEAD) return;
      if (state.status !== READY) state.refuse(context);
      state.status = BUSY;
      this.promisingDtor ??= this.schedule.promising(dtor);
      try {
        await this.promisingDtor(rep);
      } catch (e) {
        throw state.fail(e, context);
      }
      state.status = READY;
    });
  }

  /**
   * Runs the guest's destructor on `rep`, as a call into the defining instance (which must not be in
   * a call already). Nothing to do once that instance is dead or disposed.
   */
  destroy(rep) {
    const dtor = this.getDtor();
    const state = this.state();
    if (dtor === null || state.status === DEAD) return;
    // A call of its own into the defining instance.
    const context = this.dtorContext;
    if (state.status !== READY) state.refuse(context);
    state.status = BUSY;
    try {
      dtor(rep);
    } catch (e) {
      throw state.fail(e, context);
    }
    state.status = READY;
  }
}

class GuestHandles {
  constructor(type, instance, calls, table) {
    this.type = type;
    this.calls = calls;
    /** whether these are the handles of the defining instance (the spec's `cx.inst is t.impl`) */
    this.impl = instance === type.impl;
    this.table = table;
    /** The defining instance's borrows are bare reps (`lowerBorrow`), for the export fast path. */
    this.lowerBorrowToRep = this.impl ? (obj) => type.repOf(obj, false) : null;
  }

  /** `resource.new`: the defining instance registers a rep and gets an own handle. */
  new(rep) {
    return this.table.add(this.type, rep, OWN);
  }

  /** `resource.rep` */
  rep(h) {
    return this.table.get(h, this.type);
  }

  /** `resource.drop`: an own handle's rep is destroyed by the destructor; a borrow just ends. */
  drop(h) {
    const rep = this.table.get(h, this.type);
    if (!this.table.drop(h, this.type, this.calls)) return;
    const dtor = this.type.getDtor();
    if (dtor === null) return;
    // The defining instance runs its destructor inline; another instance calls into it.
    if (this.impl) dtor(rep);
    else this.type.destroy(rep);
  }

  /** An own leaving this instance: whoever receives it owns the rep, through a class instance. */
  liftOwn(h) {
    return this.type.wrap(this.table.take(h, this.type), OWNED);
  }

  liftBorrow(h) {
    return this.type.wrap(this.table.lend(h, this.type, this.calls), VIEW);
  }

  lowerOwn(obj) {
    const rep = this.type.repOf(obj, true);
    // Lent as a borrow and moved in one call, the guest could destroy what it still borrows (a
    // component doing this traps in `lift_own`, since the handle is lent).
    if (this.calls.recording && this.calls.lowered.includes(obj)) {
      invalid(`a ${this.type.def.jsName} that is not also lent as a borrow in the same call`, obj);
    }
    this.type.moveOut(obj);
    const h = this.table.add(this.type, rep, OWN);
    if (this.calls.recording) this.calls.lowered.push(this, h, obj);
    return h;
  }

  /** The defining instance receives a borrow of its own resource as the bare rep (spec `lower_borrow`). */
  lowerBorrow(obj) {
    const rep = this.type.repOf(obj, false);
    const calls = this.calls;
    if (this.impl) {
      if (calls.recording) calls.lowered.push(this, 0, obj);
      return rep;
    }
    const h = this.table.add(this.type, rep, BORROW, calls.depth);
    calls.borrows[calls.depth]++;
    if (calls.recording) calls.lowered.push(this, h, obj);
    return h;
  }

  undo(h, obj) {
    const table = this.table;
    if (!table.holds(h, this.type, obj[REP])) return;
    const own = table.flags[h] === OWN;
    table.remove(h);
    if (own) this.type.revive(obj);
  }
}
