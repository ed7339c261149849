/**
 * A synchronous call from one component to another inside a composed component, with its arguments
 * and results copied memory to memory (js/abi/fuse.js) instead of lifted into JS values and lowered
 * again: what the spec's `canon lower` of a `canon lift`ed function does, fused.
 *
 * The callee is entered as `liftExport` enters it (`may_enter`, a borrow scope, post-return with
 * `may_leave` cleared) and failures read as they do on the JS-value path: a bad argument in the
 * caller's memory is a trap "lifting the arguments", anything the callee's side does wrong (its
 * realloc, its code, its results) kills the instance "in" the callee, and a bad return area or
 * realloc of the caller's is a trap "storing the result". Only calls that carry strings or lists
 * and no handles are fused (`canFuse`).
 */
import { FlatReader } from '../abi/lift-flat.js';
import { Fuser, hasHandles, hasMemory } from '../abi/fuse.js';
import { annotate, cannotLeave } from './imports.js';
import { READY, BUSY } from './state.js';
import { leave } from './exports.js';

/**
 * Whether a call of this signature is worth fusing and can be: it carries a string or a list (calls
 * of scalars alone already cross without allocating) and no own or borrow handle.
 */
export function canFuse(types, sig) {
  const all = sig.params.map((p) => p.type).concat(sig.result === null ? [] : [sig.result]);
  return all.some((t) => hasMemory(types, t)) && !all.some((t) => hasHandles(types, t));
}

/**
 * The core function the caller imports.
 * @param {object} o
 * @param {import('../abi/context.js').AbiContext} o.caller the caller's lowering options
 * @param {import('../abi/context.js').AbiContext} o.callee the callee's lifting options
 * @param {import('../plan.js').FuncSig} o.sig
 * @param {Function} o.core the callee's core function
 * @param {Function|null} o.postReturn
 * @param {import('./state.js').InstanceState} o.state the callee's component instance
 * @param {import('./call-stack.js').CallStack} o.calls
 * @param {string} o.context the callee's name, for messages
 * @param {(e: unknown) => unknown} o.unwrap what the JS-value path makes of the callee's failure
 */
export function lowerFused({ caller, callee, sig, core, postReturn, state, calls, context, unwrap }) {
  const copyParams = paramsCopier(new Fuser(caller, marked(callee)), sig);
  const copyResult = resultCopier(new Fuser(callee, marked(caller)), sig);
  const hasResults = sig.flatResults === null || sig.flatResults.length > 0;
  const call = CALLS[sig.paramsIndirect ? 1 : sig.flatParams.length] ?? spread;
  const failed = (e) => {
    calls.reset();
    return unwrap(state.fail(e, context));
  };
  return function fused(...coreArgs) {
    if (!calls.mayLeave) cannotLeave(context);
    if (state.status !== READY) state.refuse(context);
    state.status = BUSY;
    const depth = calls.enter();
    let args;
    try {
      args = copyParams(coreArgs);
    } catch (e) {
      if (e instanceof OtherSide) throw failed(e.cause);
      calls.abandon(depth);
      state.status = READY;
      throw annotate(e, `lifting the arguments of component import \`${context}\``);
    }
    calls.settle();
    let ret;
    try {
      ret = call(core, args);
    } catch (e) {
      throw failed(e);
    }
    let result;
    try {
      result = copyResult(ret, coreArgs);
    } catch (e) {
      if (e instanceof OtherSide) throw annotate(e.cause, `storing the result of component import \`${context}\``);
      throw failed(e);
    }
    try {
      leave(calls, depth, context, postReturn, hasResults, ret);
    } catch (e) {
      throw failed(e);
    }
    state.status = READY;
    return result;
  };
}

/**
 * `core(...args)` without the spread for the commonest lengths of `args`: a spread call into wasm
 * costs more than the glue around it.
 */
const CALLS = [
  (core) => core(),
  (core, a) => core(a[0]),
  (core, a) => core(a[0], a[1]),
  (core, a) => core(a[0], a[1], a[2]),
  (core, a) => core(a[0], a[1], a[2], a[3]),
];
const spread = (core, a) => core(...a);

/** A failure on the destination's side of a copy (its realloc, its return area), carried past the source's handlers. */
class OtherSide {
  constructor(cause) {
    this.cause = cause;
  }
}

/** `cx` as the destination of copies: what its realloc throws is marked as its side's. */
function marked(cx) {
  const side = Object.create(cx);
  side.realloc = (oldPtr, oldSize, align, newSize) => {
    try {
      return cx.realloc(oldPtr, oldSize, align, newSize);
    } catch (e) {
      throw new OtherSide(e);
    }
  };
  return side;
}

/** The spec's `lift_flat_values` then `lower_flat_values` for the parameters, through memory past 16 flat values. */
function paramsCopier(fuser, sig) {
  const { from, to } = fuser;
  const types = sig.params.map((p) => p.type);
  if (!sig.paramsIndirect) {
    const moves = types.map((t) => fuser.direct(t));
    if (moves.every((m) => m !== null)) {
      // One array for every call: the callee is called with its values, and nothing enters this
      // call again before that (the callee is busy; realloc may not leave).
      const at = [];
      let n = 0;
      for (const t of types) {
        at.push(n);
        n += from.types[t].flat.length;
      }
      const args = new Array(n).fill(0);
      return (coreArgs) => {
        syncSource(from);
        for (let i = 0; i < moves.length; i++) moves[i](coreArgs, at[i], args);
        return args;
      };
    }
    const copies = types.map((t) => fuser.flat(t));
    return (coreArgs) => {
      syncSource(from);
      const r = new FlatReader(coreArgs);
      const out = [];
      for (let i = 0; i < copies.length; i++) copies[i](r, out);
      return out;
    };
  }
  from.needMemory();
  to.needMemory();
  to.needRealloc();
  const { size, align, offsets } = sig.paramsLayout;
  const copies = types.map((t) => fuser.memory(t));
  return (coreArgs) => {
    syncSource(from);
    const src = coreArgs[0] >>> 0;
    from.mem.check(src, size, align);
    const dst = to.alloc(align, size);
    for (let i = 0; i < copies.length; i++) copies[i](src + offsets[i], dst + offsets[i]);
    return [dst];
  };
}

/** The result, from the callee's return value (or the memory it points at) to the caller's. */
function resultCopier(fuser, sig) {
  const { from, to } = fuser;
  if (sig.result === null) return () => undefined;
  if (!sig.resultIndirect) {
    const copy = fuser.flat(sig.result);
    return (ret) => {
      syncSource(from);
      const out = [];
      copy(new FlatReader([ret]), out);
      return out[0];
    };
  }
  from.needMemory();
  to.needMemory();
  const copy = fuser.memory(sig.result);
  const { size, align } = from.types[sig.result];
  return (ret, coreArgs) => {
    syncSource(from);
    const src = ret >>> 0;
    from.mem.check(src, size, align);
    const dst = coreArgs[coreArgs.length - 1] >>> 0;
    try {
      to.mem.check(dst, size, align);
    } catch (e) {
      throw new OtherSide(e);
    }
    copy(src, dst);
  };
}

/**
 * Refreshes the source memory's view: its owner ran since the last copy and may have grown it. The
 * destination's view is refreshed by its realloc; and the caller's memory, the destination of the
 * results, cannot grow while the callee runs (nothing may enter the caller meanwhile).
 */
function syncSource(from) {
  if (from.mem !== null) from.mem.sync();
}
