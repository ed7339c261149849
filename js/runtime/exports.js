/**
 * Lifted exports: the JS functions the host calls (the spec's `canon_lift`).
 *
 * A call lowers the arguments, calls the core function, lifts the result, calls post-return, and
 * returns. Signatures of one-value parameters and result (scalars, a resource's borrowed `self` in a
 * method of its defining instance, an own result) get arity-specialised closures that allocate
 * nothing and touch no memory, so `add(u32, u32) -> u32` costs little more than the raw core call.
 */
import { ComponentError } from '../errors.js';
import { InvalidValue, toJsError } from '../abi/invalid.js';
import {
  makeParamsLowerer,
  makeResultLifter,
  directLowerers,
  directResultLift,
} from '../abi/function.js';
import { READY, BUSY } from './state.js';

/**
 * @param {object} o
 * @param {import('../abi/context.js').AbiContext} o.cx
 * @param {import('../plan.js').FuncSig} o.sig
 * @param {Function} o.core the core function
 * @param {Function|null} o.postReturn
 * @param {import('./state.js').InstanceState} o.state
 * @param {import('./handles.js').CallStack} o.calls
 * @param {string} o.context `interface#func`, for messages
 */
export function liftExport({ cx, sig, core, postReturn, state, calls, context }) {
  const argError = argumentError(sig, context);

  const lowers = directLowerers(cx, sig);
  const lift = directResultLift(cx, sig);
  if (lowers !== null && lift !== undefined && lowers.length <= 3) {
    const post = postReturn === null ? null : postReturnOf(calls, postReturn, sig.flatResults.length > 0);
    return directExport(lowers, lift, core, post, state, context, argError);
  }

  const steps = callSteps({ cx, sig, postReturn, state, calls, context, argError });
  return function call(...args) {
    const coreArgs = steps.begin(args);
    const depth = calls.depth;
    let ret;
    try {
      ret = core(...coreArgs);
    } catch (e) {
      steps.fail(e);
    }
    return steps.end(depth, ret);
  };
}

/** The error for a refused argument (number `i`, when known), its path starting at the parameter's name. */
export function argumentError(sig, context) {
  const names = sig.params.map((p) => p.name);
  const where = `of \`${context}\``;
  return (e, i) => {
    if (e instanceof InvalidValue && i !== undefined) e.path.unshift(names[i]);
    return toJsError(e, 'argument', where);
  };
}

/**
 * What a lifted call does around the core call, shared by the synchronous and the JSPI wrapper:
 * `begin` enters the instance and lowers the arguments (a refused argument undoes the lowering and
 * leaves the instance usable); `end` lifts the result, runs post-return (during which the guest may
 * not call imports: `may_leave`), checks no borrow is still held and leaves the instance; `fail`
 * kills the instance with whatever escaped guest code.
 */
export function callSteps({ cx, sig, postReturn, state, calls, context, argError }) {
  const lowerParams = makeParamsLowerer(cx, sig);
  const liftResult = makeResultLifter(cx, sig);
  const unwrap = sig.result !== null && cx.types[sig.result].kind === 'result';
  const hasResults = sig.flatResults === null || sig.flatResults.length > 0;
  const fail = (e) => {
    calls.reset();
    throw state.fail(e, context);
  };
  return {
    begin(args) {
      if (state.status !== READY) state.refuse(context);
      state.status = BUSY;
      const depth = calls.enter();
      let coreArgs;
      try {
        coreArgs = lowerParams(args);
      } catch (e) {
        if (e instanceof InvalidValue) {
          calls.abandon(depth);
          state.status = READY;
          throw argError(e);
        }
        fail(e);
      }
      calls.settle();
      return coreArgs;
    },
    end(depth, ret) {
      let value;
      try {
        value = liftResult(ret);
        leave(calls, depth, context, postReturn, hasResults, ret);
      } catch (e) {
        fail(e);
      }
      state.status = READY;
      if (unwrap) {
        if (value.tag === 'err') throw new ComponentError(value.val);
        return value.val;
      }
      return value;
    },
    fail,
  };
}

/**
 * A lifted call's last steps once its results are lifted: post-return, during which the guest may
 * not call imports (`may_leave`), then the check that no borrow is still held.
 */
export function leave(calls, depth, context, postReturn, hasResults, ret) {
  if (postReturn !== null) runPostReturn(calls, postReturn, hasResults, ret);
  calls.exit(depth, context);
}

function runPostReturn(calls, postReturn, hasResults, ret) {
  calls.mayLeave = false;
  if (hasResults) postReturn(ret);
  else postReturn();
  calls.mayLeave = true;
}

/** `leave`'s post-return alone, for a call that holds no borrows: `(ret) => void`. */
function postReturnOf(calls, postReturn, hasResults) {
  return (ret) => runPostReturn(calls, postReturn, hasResults, ret);
}

/**
 * Arity-specialised closures for one-value parameters and result (no memory, no arrays per call),
 * with the post-return `post` when there is one.
 */
function directExport(lowers, lift, core, post, state, context, argError) {
  const id = (x) => x;
  const l = lift ?? id;
  switch (lowers.length) {
    case 0:
      return function call() {
        if (state.status !== READY) state.refuse(context);
        state.status = BUSY;
        let r;
        try {
          const ret = core();
          r = l(ret);
          if (post !== null) post(ret);
        } catch (e) {
          throw state.fail(e, context);
        }
        state.status = READY;
        return lift === null ? undefined : r;
      };
    case 1: {
      const [l0] = lowers;
      return function call(a) {
        if (state.status !== READY) state.refuse(context);
        let x;
        try {
          x = l0(a);
        } catch (e) {
          throw argError(e, 0);
        }
        state.status = BUSY;
        let r;
        try {
          const ret = core(x);
          r = l(ret);
          if (post !== null) post(ret);
        } catch (e) {
          throw state.fail(e, context);
        }
        state.status = READY;
        return lift === null ? undefined : r;
      };
    }
    case 2: {
      const [l0, l1] = lowers;
      return function call(a, b) {
        if (state.status !== READY) state.refuse(context);
        let x, y;
        let i = 0;
        try {
          x = l0(a);
          i = 1;
          y = l1(b);
        } catch (e) {
          throw argError(e, i);
        }
        state.status = BUSY;
        let r;
        try {
          const ret = core(x, y);
          r = l(ret);
          if (post !== null) post(ret);
        } catch (e) {
          throw state.fail(e, context);
        }
        state.status = READY;
        return lift === null ? undefined : r;
      };
    }
    case 3: {
      const [l0, l1, l2] = lowers;
      return function call(a, b, c) {
        if (state.status !== READY) state.refuse(context);
        let x, y, z;
        let i = 0;
        try {
          x = l0(a);
          i = 1;
          y = l1(b);
          i = 2;
          z = l2(c);
        } catch (e) {
          throw argError(e, i);
        }
        state.status = BUSY;
        let r;
        try {
          const ret = core(x, y, z);
          r = l(ret);
          if (post !== null) post(ret);
        } catch (e) {
          throw state.fail(e, context);
        }
        state.status = READY;
        return lift === null ? undefined : r;
      };
    }
    default:
      throw new Error('unreachable: direct fast path arity');
  }
}
