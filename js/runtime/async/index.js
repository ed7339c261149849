/**
 * Component-model async in the runtime: the scheduler of one instance and what the plan's steps
 * and exports make with it, and whether a plan uses any of it (detect.js). `instantiatePlan` is
 * handed this module only where a plan may use async, so other plans load none of it: ahead-of-time
 * output imports it only for a component that uses async, as the transpiler saw.
 *
 * Runs: async exports (lift-async.js: callback-lifted ones, and stackful ones under JSPI), host
 * functions lowered `async` or of `async` type (lower-async.js) and the task, subtask and
 * waitable-set built-ins (builtins.js).
 */
import { TerrariumError } from '../../errors.js';
import { Scheduler, AsyncInstance } from './scheduler.js';
import { Task } from './tasks.js';
import { liftAsync } from './lift-async.js';
import { lowerAsync, lowerAsyncSync } from './lower-async.js';
import { makeBuiltin } from './builtins.js';
import { copyMayWait } from './channel-builtins.js';
import { channelValues } from './channel-values.js';

export { usesAsync, needsJspi } from './detect.js';

/** The built-ins whose core function may wait, imported through `WebAssembly.Suspending` under JSPI. */
const SUSPENDING = new Set(['waitable-set.wait', 'thread.yield']);

/**
 * @param {object} env
 * @param {string} env.name the component's name, for messages
 * @param {(i: number) => import('../state.js').InstanceState} env.stateOf
 * @param {import('../call-stack.js').CallStack} env.calls
 * @param {import('../../plan.js').Type[]} env.types
 * @param {(options: import('../../plan.js').Options) => import('../../abi/context.js').AbiContext} env.contextFor
 * @param {(memory: number) => import('../../abi/memory.js').MemoryView} env.viewOf
 * @param {(memory: number|null) => WebAssembly.Memory|null} env.memoryOf
 * @param {boolean} env.jspi
 * @param {(f: Function) => Function} env.promising `WebAssembly.promising` where it applies
 */
export function planAsync({ name, stateOf, calls, types, contextFor, viewOf, memoryOf, jspi, promising }) {
  const sched = new Scheduler(name);
  const instances = [];
  const instOf = (i) => (instances[i] ??= new AsyncInstance(stateOf(i)));
  const suspending = (f) => (jspi ? new WebAssembly.Suspending(f) : f);

  return {
    /** The core function of a `builtin` step; null for one this runtime does not run. */
    builtin(step) {
      const f = makeBuiltin(step, { sched, inst: instOf(step.componentInstance), calls, types, contextFor, viewOf, memoryOf, jspi });
      return f !== null && (SUSPENDING.has(step.name) || copyMayWait(step)) ? suspending(f) : f;
    },

    /** An export of an `async` function (lift-async.js): its JS function, which returns a promise. */
    liftExport({ cx, sig, options, core, callback, postReturn, context }) {
      const wrap = (f) => (jspi && f !== null ? promising(f) : f);
      const inst = instOf(options.componentInstance);
      return liftAsync({ cx, sig, opts: options, core: wrap(core), callback: wrap(callback), postReturn, inst, sched, calls, context });
    },

    /** The core function of a host function of `async` type, or lowered `async`. */
    lowerHost({ cx, sig, options, invoke, context }) {
      if (options.async) return lowerAsync({ cx, sig, invoke, calls, context, inst: instOf(options.componentInstance), sched });
      return suspending(lowerAsyncSync({ cx, sig, invoke: this.resumable(invoke), calls, context, sched, jspi }));
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
        sched.current = new Task({ inst, sig, opts: options, context });
        sched.onStack++;
        try {
          return core(...args);
        } finally {
          sched.onStack--;
          sched.current = outer;
        }
      };
    },

    /** The lift and lower of `stream`/`future` type `t` in component instance `i` (channel-values.js). */
    channel(i, t) {
      return channelValues(sched, instOf(i), types, t);
    },

    /** The instance died (`cause` null: disposed): every pending export call rejects. */
    poison(cause) {
      sched.poison(cause ?? new TerrariumError('dead', `instance \`${name}\` was disposed while an async export call was in progress`));
    },
  };
}
