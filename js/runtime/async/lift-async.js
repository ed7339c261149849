/**
 * Exports of `async` functions: the spec's `canon_lift` of an async function type. With the
 * `async` option and a `callback`, the event loop of a stackless task (below). With `async` and no
 * `callback`, a stackful task, which runs only under JSPI: its core function is called through
 * `WebAssembly.promising`, may wait in `waitable-set.wait` or a sync call of an async function
 * (suspended meanwhile), calls `task.return`, and returns nothing; it enters its instance past
 * backpressure only, not exclusively. Without `async`, the core function returns the result as a
 * sync lift's does (then post-return runs), and may wait as a stackful one may (JSPI).
 *
 * The host's call returns a promise. The task enters its component instance (waiting while the
 * instance has backpressure or another callback-lifted task runs there), lowers its arguments and
 * calls the core function, whose i32 result is a packed code: the low 4 bits say EXIT, YIELD, WAIT
 * or POLL, the rest a waitable set's index. Until EXIT, the task gives up the instance, waits for an
 * event (none for YIELD; the set's next one for WAIT; the set's next one or none for POLL) and
 * passes it to the callback, `(event, p1, p2) -> packed`. The promise settles when the guest calls
 * `task.return` (the result lifted as a sync export's is; an `err` of a `result` rejects with
 * `ComponentError`), or rejects if the instance traps first. EXIT before `task.return` traps.
 *
 * Cancellation (a caller component's `subtask.cancel`, between.js) reaches a callback-lifted task
 * only through this loop, as the spec has it: a TASK_CANCELLED event, before any other, when the
 * callback next returns WAIT, YIELD or POLL (at once if it waits there now); the guest then calls
 * `task.cancel`, or still `task.return`. A task waiting to enter its instance is cancelled without
 * running; a stackful or sync-lifted one is never told, and runs to its end.
 *
 * The task is the borrow scope of the borrows its arguments lend it (call-stack.js's `adopt`): it
 * may drop them any time before it resolves, and `task.return`, `task.cancel` or a sync lift's
 * return trap while it holds one (tasks.js).
 */
import { ComponentError, trap } from '../../errors.js';
import { InvalidValue, toJsError } from '../../abi/invalid.js';
import { makeParamsLowerer, makeResultLifter } from '../../abi/function.js';
import { BUSY, DEAD } from '../state.js';
import { Task, EVENT_NONE, EVENT_TASK_CANCELLED } from './tasks.js';
import { WaitableSet } from './waitables.js';

const EXIT = 0;
const YIELD = 1;
const WAIT = 2;
const POLL = 3;
const NO_EVENT = Object.freeze([EVENT_NONE, 0, 0]);
const TASK_CANCELLED = Object.freeze([EVENT_TASK_CANCELLED, 0, 0]);

/**
 * @param {object} o
 * @param {import('../../abi/context.js').AbiContext} o.cx
 * @param {import('../../plan.js').FuncSig} o.sig
 * @param {import('../../plan.js').Options} o.opts
 * @param {Function} o.core the lifted core function (through `WebAssembly.promising` under JSPI)
 * @param {Function|null} o.callback the callback core function (likewise), or null
 * @param {Function|null} o.postReturn without the `async` option, the post-return function
 * @param {import('./scheduler.js').AsyncInstance} o.inst
 * @param {import('./scheduler.js').Scheduler} o.sched
 * @param {import('../call-stack.js').CallStack} o.calls
 * @param {string} o.context
 * @returns {(...args: any[]) => Promise<any>}
 */
export function liftAsync(o) {
  return lifted(o).call;
}

/**
 * The same function as a callee of another component (between.js): `start(args, supertask,
 * onResolve, onFail, onCancel)` starts a task on the JS values `args` for the caller's task
 * `supertask`. `onResolve(value)` gets the result as the task returns it (a `result` stays
 * tagged), at once when the task returned before it first waited; `onFail(e)` runs if the
 * instance dies first; `onCancel()` if the task resolves cancelled instead (`task.cancel`, or a
 * cancellation while it waits to enter). Returns the task.
 * @param {Parameters<typeof liftAsync>[0]} o
 */
export function startAsync(o) {
  return lifted(o).start;
}

function lifted({ cx, sig, opts, core, callback, postReturn, inst, sched, calls, context }) {
  const lowerParams = makeParamsLowerer(cx, sig);
  const liftResult = opts.async ? null : makeResultLifter(cx, sig);
  const hasResults = sig.flatResults === null || sig.flatResults.length > 0;
  const unwrap = sig.result !== null && cx.types[sig.result].kind === 'result';
  const state = inst.state;
  /** The spec's `needs_exclusive`: a callback-lifted or sync-lifted task runs alone in its instance. */
  const exclusive = !opts.async || callback !== null;
  const hasBackpressure = () => inst.backpressure > 0 || (exclusive && inst.exclusive !== null);
  const release = (task) => {
    if (inst.exclusive === task) inst.exclusive = null;
  };

  /**
   * Runs guest code `fn(...args)` as `task`: its result, or under JSPI a promise of it. Whatever
   * escapes the guest kills the instance there and then, before any other JS runs, and rejects
   * every pending call.
   */
  const enterGuest = (task, fn, args) => {
    sched.enter(task);
    let r;
    try {
      r = fn(...args);
    } catch (e) {
      throw fail(e);
    }
    sched.leave(task);
    if (!(r instanceof Promise)) return r;
    return r.then(
      (value) => {
        sched.leave(task);
        return value;
      },
      (e) => Promise.reject(fail(e)),
    );
  };
  const fail = (e) => {
    calls.reset();
    sched.current = null;
    inst.exclusive = null;
    return state.fail(e, context);
  };

  /** The spec's `Task.exit`: a task must have returned its result by then. */
  const exit = (task, how) => {
    if (!task.resolved) trap(`\`${context}\` ${how} without calling \`task.return\``);
    sched.running--;
    sched.wake();
  };

  const waitFor = (si) => {
    const set = inst.table.get(si, 'waitable set');
    if (!(set instanceof WaitableSet)) trap(`\`${context}\` waits on ${si}, which is not a waitable set`);
    return set;
  };

  async function run(task, args, settled) {
    if (hasBackpressure() || inst.numWaitingToEnter > 0) {
      inst.numWaitingToEnter++;
      // Cancelled while it waits to enter, the task resolves without running (the spec's `Task.enter`).
      const entered = await sched.block(task, 'the instance to take a call', () => task.cancelPending() || !hasBackpressure(), () => {
        inst.numWaitingToEnter--;
        if (task.deliverPendingCancel()) {
          task.cancel();
          return false;
        }
        if (exclusive) inst.exclusive = task;
        return true;
      }, true);
      if (!entered) {
        sched.running--;
        sched.wake();
        return;
      }
    } else if (exclusive) {
      inst.exclusive = task;
    }
    const depth = calls.enter();
    let flat;
    try {
      flat = lowerParams(args);
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e;
      calls.abandon(depth);
      release(task);
      sched.running--;
      sched.wake();
      settled(toJsError(e, 'argument', `of \`${context}\``));
      return;
    }
    calls.adopt(depth, task);
    calls.settle();
    calls.exit(depth, context);
    let packed = enterGuest(task, core, flat);
    if (packed instanceof Promise) packed = await packed;
    if (!opts.async) {
      task.return_(liftResult(packed), `\`${context}\` returned`);
      if (postReturn !== null) {
        calls.mayLeave = false;
        enterGuest(task, postReturn, hasResults ? [packed] : []);
        calls.mayLeave = true;
      }
      release(task);
    }
    if (callback === null) {
      exit(task, 'returned');
      return;
    }
    for (;;) {
      const code = packed & 0xf;
      const si = packed >>> 4;
      if (code > POLL) trap(`the callback of \`${context}\` returned ${packed >>> 0}, whose code ${code} is none of EXIT, YIELD, WAIT, POLL`);
      inst.exclusive = null;
      if (code === EXIT) {
        exit(task, 'returned EXIT');
        return;
      }
      let event;
      if (code === WAIT) {
        if (!task.mayBlock()) trap(`\`${context}\` is not an async function and may not wait before it returns`);
        const set = waitFor(si);
        set.numWaiting++;
        // The event loop is where a cancellation is delivered: TASK_CANCELLED comes before any other event.
        event = await sched.block(task, `waitable set ${si}`, () => inst.exclusive === null && (task.cancelPending() || set.hasPendingEvent()), () => {
          inst.exclusive = task;
          set.numWaiting--;
          return task.deliverPendingCancel() ? TASK_CANCELLED : set.takePendingEvent();
        });
      } else {
        const set = code === POLL ? waitFor(si) : null;
        const next = (cancellable) => {
          inst.exclusive = task;
          if (cancellable && task.deliverPendingCancel()) return TASK_CANCELLED;
          return set !== null && set.hasPendingEvent() ? set.takePendingEvent() : NO_EVENT;
        };
        // A task that may not block yet goes on at once, and is not told of a cancellation (the
        // spec's `yield_until` of such a task).
        event = task.mayBlock() ? await sched.blockForTurn(task, 'its turn', () => inst.exclusive === null, () => next(true)) : next(false);
      }
      packed = enterGuest(task, callback, event);
      if (packed instanceof Promise) packed = await packed;
    }
  }

  const start = (args, supertask, onResolve, onFail, onCancel) => {
    const task = new Task({ inst, sig, opts, context, supertask, onResolve, onCancel, counted: true });
    sched.running++;
    // A failure kills the instance (once): every pending call, this one included, rejects.
    run(task, args, onFail).catch((e) => onFail(state.status === DEAD ? e : fail(e)));
    return task;
  };

  function call(...args) {
    // Busy with guest code on the stack is re-entrance, a trap that unwinds that guest code at once.
    // (A task JSPI suspended is off the stack, and its instance not busy: the call may enter, or
    // wait for the exclusive task as any call does.)
    if (state.status === BUSY && sched.onStack > 0) state.refuse(context);
    return new Promise((resolve, reject) => {
      if (state.status === DEAD) state.refuse(context);
      const settled = (e) => {
        sched.pending.delete(settled);
        reject(e);
      };
      sched.pending.add(settled);
      const returned = (value) => {
        sched.pending.delete(settled);
        if (unwrap && value.tag === 'err') reject(new ComponentError(value.val));
        else resolve(unwrap ? value.val : value);
      };
      let task = null;
      task = start(args, null, (value) => {
        // A task JSPI resumed is still on the stack as it returns its result, and leaves it only
        // once its promise settles: the host hears of the result after that, or its next call
        // would be taken for re-entrance. (One that never suspended leaves before any microtask.)
        if (task !== null && task.onStack) task.onLeave = () => returned(value);
        else returned(value);
      }, settled);
    });
  }
  return { call, start };
}
