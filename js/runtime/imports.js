/**
 * Lowered imports: the core functions the guest calls to reach the host (the spec's `canon_lower`).
 *
 * The callee is resolved once, at link time (`resolveCallee`), so a missing host function is a
 * 'link' error before any core module runs, and a call does no property lookup except for methods,
 * which are looked up on `self` (host objects may be of subclasses).
 */
import { TerrariumError, GuestTrap, trap } from '../errors.js';
import { InvalidValue, toJsError } from '../abi/invalid.js';
import {
  makeParamsLifter,
  makeResultLowerer,
  scalarLifters,
  scalarResult,
} from '../abi/function.js';

/** The host's value for import `wanted` in `imports`: an instance under its name with or without version, a function under its jsName or name. */
export const hostImport = (imports, wanted) =>
  wanted.kind === 'instance' ? imports[wanted.name] ?? imports[wanted.versionless] : imports[wanted.jsName] ?? imports[wanted.name];

/**
 * Finds the host function for a `lower` step's callee and returns how to invoke it:
 * `(args: any[]) => any`. Throws TerrariumError kind 'link' naming the import and member.
 * @param {import('../plan.js').Plan} plan
 * @param {import('../plan.js').HostCallee} callee
 * @param {(i: number) => any} host the resolved host value of `plan.imports[i]`
 * @param {typeof import('./resources.js').resolveMember|null} resolveMember how to find a resource's
 *   constructor, static function or method (resources.js), for a plan with resources
 */
export function resolveCallee(plan, callee, host, resolveMember) {
  const imp = plan.imports[callee.import];
  const value = host(callee.import);
  const where = `import \`${imp.name}\``;
  if (imp.kind === 'func') {
    if (typeof value !== 'function') throw linkError(`${where}: expected a function, got ${typeof value}`, imp);
    return (args) => Reflect.apply(value, undefined, args);
  }
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) {
    throw linkError(`${where} is missing`, imp);
  }
  if (callee.kind === 'freestanding') {
    const fn = value[callee.jsName];
    if (typeof fn !== 'function') {
      throw linkError(`${where} has no function \`${callee.jsName}\` (\`${callee.name}\`)`, imp);
    }
    return (args) => Reflect.apply(fn, value, args);
  }
  if (resolveMember === null) {
    throw new TerrariumError('invalid', `a callee of kind \`${callee.kind}\` needs the resource runtime, and this runtime was given none`);
  }
  return resolveMember(plan, callee, imp, value, where);
}

/** How messages name a lowered host function: `name` for a function import, `name#member` in an instance. */
export function importContext(plan, callee) {
  const imp = plan.imports[callee.import];
  return imp.kind === 'func' ? imp.name : `${imp.name}#${callee.name}`;
}

/** The 'link' error for import `imp`. */
export function linkError(message, imp) {
  return new TerrariumError('link', message, { context: imp.name });
}

/**
 * Builds the core function for a `lower` step whose callee returns its result (a callee that may
 * return a promise under JSPI is lowered by jspi.js's `lowerWaiting`).
 * @param {object} o
 * @param {import('../abi/context.js').AbiContext} o.cx
 * @param {import('../plan.js').FuncSig} o.sig
 * @param {(args: any[]) => any} o.invoke from resolveCallee
 * @param {import('./handles.js').CallStack} o.calls
 * @param {string} o.context `import#func`, for messages
 * @param {string} [o.what] what the callee is, for messages
 */
export function lowerImport({ cx, sig, invoke, calls, context, what = 'host import' }) {
  const isResult = returnsResult(cx, sig);
  // jco's convention for `result` returns: a return value is ok, a thrown value is err.
  const call = isResult
    ? (args) => {
        let val;
        try {
          val = invoke(args);
        } catch (e) {
          return { tag: 'err', val: errPayload(e) };
        }
        return { tag: 'ok', val };
      }
    : invoke;

  const lifts = scalarLifters(cx, sig);
  const res = scalarResult(cx, sig);
  if (lifts !== null && res !== undefined && !isResult) {
    const n = lifts.length;
    const lower = res === null ? null : res.lower;
    const where = resultWhere(what, context);
    return function lowered(...a) {
      if (!calls.mayLeave) cannotLeave(context);
      for (let i = 0; i < n; i++) a[i] = lifts[i](a[i]);
      const v = call(a);
      if (lower === null) return undefined;
      try {
        return lower(v);
      } catch (e) {
        throw toJsError(e, 'result', where);
      }
    };
  }

  const steps = importSteps({ cx, sig, calls, context, what });
  return function lowered(...coreArgs) {
    if (!calls.mayLeave) cannotLeave(context);
    // Own handles the guest lends (as borrows) stay pinned until the callee returns.
    const mark = calls.lends.length;
    return steps.finish(call(steps.lift(coreArgs)), coreArgs, mark);
  };
}

/** Whether a function returns a `result`, which a host function returns or throws (jco's convention). */
export const returnsResult = (cx, sig) => sig.result !== null && cx.types[sig.result].kind === 'result';

const resultWhere = (what, context) => `from ${what} \`${context}\``;

/**
 * What a lowered call does around the host's: `lift` the guest's core arguments to JS values;
 * `finish` ends the lends made since `mark` and lowers the host's value to the core result.
 */
export function importSteps({ cx, sig, calls, context, what }) {
  const liftParams = makeParamsLifter(cx, sig);
  const lowerResult = makeResultLowerer(cx, sig);
  const where = resultWhere(what, context);
  return {
    lift(coreArgs) {
      try {
        return liftParams(coreArgs);
      } catch (e) {
        throw annotate(e, `lifting the arguments of ${what} \`${context}\``);
      }
    },
    finish(v, coreArgs, mark) {
      if (calls.lends.length !== mark) calls.release(mark);
      try {
        return lowerResult(v, coreArgs);
      } catch (e) {
        throw e instanceof InvalidValue ? toJsError(e, 'result', where) : annotate(e, `storing the result of ${what} \`${context}\``);
      }
    },
  };
}

/** Says which import a glue-detected trap happened in (the export wrapper names the export). */
export function annotate(e, doing) {
  if (e instanceof GuestTrap) e.message = `${e.message} (${doing})`;
  return e;
}

/**
 * The err payload of a thrown value: `e.payload` if it has one (ComponentError), the value itself if
 * it is not an Error (the WASI polyfill throws e.g. `{tag: 'closed'}`); a plain Error is a host bug or
 * an exit, and propagates.
 */
export function errPayload(e) {
  if (e !== null && typeof e === 'object' && Object.hasOwn(e, 'payload')) return e.payload;
  if (e instanceof Error) throw e;
  return e;
}

/** The spec's `may_leave` trap: the guest called out while its realloc or post-return ran for the glue. */
export function cannotLeave(context) {
  trap(`\`${context}\` was called while the guest's realloc or post-return was running, which may not call imports`);
}
