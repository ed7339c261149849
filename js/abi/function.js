/**
 * Function-level lifting and lowering: the spec's `lower_flat_values` / `lift_flat_values`, including
 * the spill to memory when there are more than 16 flat parameters or more than 1 flat result.
 *
 * Four directions, each built once per function:
 *   export (host calls guest):  makeParamsLowerer, makeResultLifter
 *   import (guest calls host):  makeParamsLifter,  makeResultLowerer
 * plus `directLowerers` / `directResultLift` (exports) and `scalarLifters` / `scalarResult` (imports),
 * used by the runtime to build allocation-free fast paths for signatures of one-value parameters.
 */
import { FlatReader } from './lift-flat.js';
import { rethrowAt } from './invalid.js';

/**
 * For an export's fast path: the per-parameter `lower` functions if each parameter is one core value
 * that needs no memory, no borrow scope and no rollback (a scalar, or a borrow that the resource's
 * own defining instance receives as its bare rep), else null.
 */
export function directLowerers(cx, sig) {
  if (sig.paramsIndirect) return null;
  const fs = [];
  for (const p of sig.params) {
    const ty = cx.types[p.type];
    const f = cx.scalar(p.type)?.lower ?? (ty.kind === 'borrow' ? cx.resource(ty.resource).lowerBorrowToRep : null);
    if (!f) return null;
    fs.push(f);
  }
  return fs;
}

/** The per-parameter `lift` functions if every parameter is a one-value scalar, else null. */
export function scalarLifters(cx, sig) {
  if (sig.paramsIndirect) return null;
  const fs = [];
  for (const p of sig.params) {
    const s = cx.scalar(p.type);
    if (!s) return null;
    fs.push(s.lift);
  }
  return fs;
}

/** The scalar entry (`{lower, lift}`) of the result type, `null` if none, `undefined` if not scalar. */
export function scalarResult(cx, sig) {
  if (sig.result === null) return null;
  return cx.scalar(sig.result);
}

/**
 * For an export's fast path: the result's `lift` from its one core value (a scalar, or an own
 * handle), `null` if there is no result, `undefined` if it needs more.
 */
export function directResultLift(cx, sig) {
  if (sig.result === null) return null;
  const scalar = cx.scalar(sig.result);
  if (scalar) return scalar.lift;
  const ty = cx.types[sig.result];
  if (ty.kind !== 'own') return undefined;
  const res = cx.resource(ty.resource);
  return (h) => res.liftOwn(h >>> 0);
}

/**
 * Export direction: JS arguments -> core arguments. Strings and lists go through realloc; more than
 * 16 flat values are stored as a tuple in a realloc'd block whose pointer is the only argument.
 * Invalid values throw InvalidValue whose path starts with the parameter name.
 * @returns {(args: any[]) => Array<number|bigint>}
 */
export function makeParamsLowerer(cx, sig) {
  const names = sig.params.map((p) => p.name);
  const n = names.length;
  if (!sig.paramsIndirect) {
    const lowers = sig.params.map((p) => cx.lowerFlat(p.type));
    return (args) => {
      const out = [];
      let i = 0;
      try {
        for (; i < n; i++) lowers[i](args[i], out);
      } catch (e) {
        rethrowAt(e, names[i]);
      }
      return out;
    };
  }
  const layout = sig.paramsLayout;
  const stores = sig.params.map((p) => cx.store(p.type));
  return (args) => {
    const ptr = cx.alloc(layout.align, layout.size);
    let i = 0;
    try {
      for (; i < n; i++) stores[i](ptr + layout.offsets[i], args[i]);
    } catch (e) {
      rethrowAt(e, names[i]);
    }
    return [ptr];
  };
}

/**
 * Export direction: the core function's return value -> the JS result (`undefined` if none). With
 * `resultIndirect` the core value is a pointer to the result in memory.
 * @returns {(ret: any) => any}
 */
export function makeResultLifter(cx, sig) {
  if (sig.result === null) return () => undefined;
  const ty = cx.types[sig.result];
  if (!sig.resultIndirect) {
    const scalar = cx.scalar(sig.result);
    if (scalar) return scalar.lift;
    const lift = cx.liftFlat(sig.result);
    const mem = cx.mem;
    return (ret) => {
      if (mem !== null) mem.sync();
      return lift(new FlatReader([ret]));
    };
  }
  const load = cx.load(sig.result);
  const { size, align } = ty;
  const mem = cx.mem;
  return (ret) => {
    const ptr = ret >>> 0;
    mem.sync();
    mem.check(ptr, size, align);
    return load(ptr);
  };
}

/**
 * Import direction: the core arguments the guest passed -> JS arguments. With `paramsIndirect` the
 * only core argument points at the parameters stored as a tuple. `coreArgs` may be rewritten.
 * @returns {(coreArgs: any[]) => any[]}
 */
export function makeParamsLifter(cx, sig) {
  const n = sig.params.length;
  const mem = cx.mem;
  if (!sig.paramsIndirect) {
    const lifts = sig.params.map((p) => cx.liftFlat(p.type));
    return (coreArgs) => {
      if (mem !== null) mem.sync();
      const r = new FlatReader(coreArgs);
      const args = new Array(n);
      for (let i = 0; i < n; i++) args[i] = lifts[i](r);
      return args;
    };
  }
  const layout = sig.paramsLayout;
  const loads = sig.params.map((p) => cx.load(p.type));
  return (coreArgs) => {
    const ptr = coreArgs[0] >>> 0;
    mem.sync();
    mem.check(ptr, layout.size, layout.align);
    const args = new Array(n);
    for (let i = 0; i < n; i++) args[i] = loads[i](ptr + layout.offsets[i]);
    return args;
  };
}

/**
 * Import direction: the host's JS result -> the core return value. With `resultIndirect` the value is
 * stored at the return-area pointer the guest passed as the last core argument and nothing is
 * returned. Invalid values throw InvalidValue.
 * @returns {(v: any, coreArgs: any[]) => any}
 */
export function makeResultLowerer(cx, sig) {
  if (sig.result === null) return () => undefined;
  const ty = cx.types[sig.result];
  const mem = cx.mem;
  if (!sig.resultIndirect) {
    const scalar = cx.scalar(sig.result);
    if (scalar) return scalar.lower;
    const lower = cx.lowerFlat(sig.result);
    return (v) => {
      if (mem !== null) mem.sync();
      const out = [];
      lower(v, out);
      return out[0];
    };
  }
  const store = cx.store(sig.result);
  const { size, align } = ty;
  return (v, coreArgs) => {
    const ptr = coreArgs[coreArgs.length - 1] >>> 0;
    mem.sync();
    mem.check(ptr, size, align);
    store(ptr, v);
  };
}
