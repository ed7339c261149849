/**
 * Component-model async in the runtime: the scheduler of one instance and what the plan's steps
 * and exports make with it, and whether a plan uses any of it (detect.js). `instantiatePlan` is
 * handed this module only where a plan may use async, so other plans load none of it: ahead-of-time
 * output imports it only for a component that uses async, as the transpiler saw.
 *
 * Runs: async exports (lift-async.js: callback-lifted ones, and stackful ones under JSPI), host
 * functions lowered `async` or of `async` type (lower-async.js), async calls between the components
 * of a composition (between.js), the task, subtask and waitable-set built-ins (builtins.js),
 * streams and futures (channel-*.js) and `error-context` (error-context.js).
 */
import { TerrariumError } from '../../errors.js';
import { Scheduler, AsyncInstance } from './scheduler.js';
import { Task } from './tasks.js';
import { liftAsync, startAsync } from './lift-async.js';
import { lowerBetween } from './between.js';
import { lowerAsync, lowerAsyncSync, returnsFuture } from './lower-async.js';
import { makeBuiltin, mayWait } from './builtins.js';
import { channelValues } from './channel-values.js';
import { errorContextHandles } from './error-context.js';

import { usesAsync, needsJspi } from './detect.js';

export { usesAsync, needsJspi };

/**
 * The async runtime of one instance of `plan` (`planAsync`), or null for a plan that uses no
 * async; a plan with stackful async exports is refused where the guest cannot be suspended (no
 * JSPI, no worker). The scheduler hears of the death of the instance's `group`.
 * @param {any} plan
 * @param {Parameters<typeof planAsync>[0]} env
 * @param {{onKill?: (cause: unknown) => void}} group the states of the instance (state.js)
 */
export function attachAsync(plan, env, group) {
  const stackful = env.jspi || env.worker !== null ? null : needsJspi(plan);
  if (stackful !== null) {
    throw new TerrariumError('unsupported', `${stackful} (component-model async) needs JSPI to suspend the guest: instantiate with \`blocking: 'jspi'\``);
  }
  if (!usesAsync(plan)) return null;
  const rt = planAsync(env);
  group.onKill = (cause) => rt.poison(cause);
  return rt;
}

/**
 * @param {object} env
 * @param {string} env.name the component's name, for messages
 * @param {(i: number) => import('../state.js').InstanceState} env.stateOf
 * @param {import('../call-stack.js').CallStack} env.calls
 * @param {import('../../plan.js').Type[]} env.types
 * @param {{import: any}[]} env.resources the plan's resources (`import` null for a component's own)
 * @param {(options: import('../../plan.js').Options, between?: boolean) => import('../../abi/context.js').AbiContext} env.contextFor
 *   (`between`: as a call between components has them)
 * @param {(memory: number) => import('../../abi/memory.js').MemoryView} env.viewOf
 * @param {(memory: number|null) => WebAssembly.Memory|null} env.memoryOf
 * @param {boolean} env.jspi
 * @param {import('./scheduler.js').WorkerSide|null} env.worker the worker of `blocking: 'worker'`
 *   the guest runs in, if it does (no JSPI there: a task waiting in core code blocks the thread)
 * @param {(f: Function) => Function} env.promising `WebAssembly.promising` where it applies
 */
export function planAsync({ name, stateOf, calls, types, resources, contextFor, viewOf, memoryOf, jspi, worker, promising }) {
  const sched = new Scheduler(name, worker);
  const instances = [];
  const instOf = (i) => (instances[i] ??= new AsyncInstance(stateOf(i)));
  /**
   * `f` imported through `WebAssembly.Suspending` under JSPI. V8 suspends the guest even when `f`
   * returns a plain value, so the calling task leaves the stack then too, and is the current task
   * again when the guest resumes: in the job just before the resumption (both are reactions to one
   * settled promise, queued one after the other), so no other task's code runs in between.
   */
  const suspending = (f) => {
    if (!jspi) return f;
    return new WebAssembly.Suspending((...args) => {
      const task = sched.current;
      const v = f(...args);
      if (v instanceof Promise || task === null) return v;
      sched.leave(task);
      const settled = Promise.resolve(v);
      settled.then(() => sched.enter(task));
      return settled;
    });
  };

  return {
    /** How component instance `i` lifts and lowers `error-context` values (its handles). */
    errorContextsOf(i) {
      return errorContextHandles(instOf(i).table);
    },

    /** The core function of a `builtin` step; null for one this runtime does not run. */
    builtin(step) {
      const f = makeBuiltin(step, { sched, inst: instOf(step.componentInstance), calls, types, contextFor, viewOf, memoryOf, jspi });
      return f !== null && mayWait(step) ? suspending(f) : f;
    },

    /** An export of an `async` function (lift-async.js): its JS function, which returns a promise. */
    liftExport({ cx, sig, options, core, callback, postReturn, context }) {
      const wrap = (f) => (jspi && f !== null ? promising(f) : f);
      const inst = instOf(options.componentInstance);
      return liftAsync({ cx, sig, opts: options, core: wrap(core), callback: wrap(callback), postReturn, inst, sched, calls, context });
    },

    /**
     * The core function of a `lower` step whose callee another component lifted, where either side
     * is async (between.js): `core`, `callback` and `postReturn` are the callee's.
     */
    lowerBetween({ step, cx, calleeCx, core, callback, postReturn, context, inner }) {
      const wrap = (f) => (jspi && f !== null ? promising(f) : f);
      const { sig, options } = step.callee;
      const calleeInst = instOf(options.componentInstance);
      const start = startAsync({ cx: calleeCx, sig, opts: options, core: wrap(core), callback: wrap(callback), postReturn, inst: calleeInst, sched, calls, context });
      const callerInst = instOf(step.options.componentInstance);
      return lowerBetween({ step, cx, start, callerInst, calleeInst, sched, calls, context, jspi, resumable: (f) => this.resumable(f), inner });
    },

    /** The core function of a host function of `async` type, or lowered `async`. */
    lowerHost({ cx, sig, options, invoke, context }) {
      if (options.async) return lowerAsync({ cx, sig, invoke, calls, context, inst: instOf(options.componentInstance), sched });
      // A host's future is the call's result, not something to wait for: its task stays on the stack.
      const waits = !returnsFuture(cx.types, sig);
      return suspending(lowerAsyncSync({ cx, sig, invoke: waits ? this.resumable(invoke) : invoke, calls, context, sched, jspi }));
    },

    /**
     * A host function imported through `WebAssembly.Suspending` (under JSPI): while the promise it
     * returns is pending, the calling task is off the stack; resumed, it is the current task again.
     */
    resumable(invoke) {
      return (args) => {
        const task = sched.current;
        const v = invoke(args);
        if (!(v instanceof Promise) || task === null) return v;
        sched.leave(task);
        return v.finally(() => sched.enter(task));
      };
    },

    /**
     * `core` (a sync lift's core function) called as a synchronous task of its component instance,
     * so that the built-ins it calls know their task.
     */
    syncTask({ sig, options, core, context }) {
      const inst = instOf(options.componentInstance);
      return (...args) => {
        const outer = sched.current;
        sched.current = new Task({ inst, sig, opts: options, context, supertask: outer });
        sched.onStack++;
        try {
          return core(...args);
        } finally {
          sched.onStack--;
          sched.current = outer;
        }
      };
    },

    /**
     * The lift and lower of `stream`/`future` type `t` in component instance `i` (channel-values.js),
     * `between` components of the composition or with the host.
     */
    channel(i, t, between) {
      return channelValues(sched, instOf(i), types, resources, t, between);
    },

    /** The instance died (`cause` null: disposed): every pending export call rejects. */
    poison(cause) {
      sched.poison(cause ?? new TerrariumError('dead', `instance \`${name}\` was disposed while an async export call was in progress`));
    },
  };
}
