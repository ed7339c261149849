/**
 * The canonical built-ins of component-model async that this runtime runs, as core functions
 * (CanonicalABI.md, "Canonical definitions" 🔀): one `builtin` step of the plan in, the function
 * the guest imports out. Each acts on the task whose code calls it and on the tables of the
 * step's component instance, and traps where the spec traps.
 */
import { trap } from '../../errors.js';
import { makeParamsLifter } from '../../abi/function.js';
import { EVENT_NONE, Subtask } from './tasks.js';
import { Waitable, WaitableSet } from './waitables.js';
import { makeChannelBuiltin, copyMayWait, BLOCKED } from './channel-builtins.js';
import { errorContextBuiltin } from './error-context.js';
import { sameType } from './same-type.js';

/** Whether the built-in `step` may wait: imported through `WebAssembly.Suspending` under JSPI. */
export function mayWait(step) {
  if (step.name === 'waitable-set.wait' || step.name === 'thread.yield') return true;
  if (step.name === 'subtask.cancel') return !step.async;
  return copyMayWait(step);
}

/**
 * @param {import('../../plan.js').BuiltinStep} step
 * @param {object} env
 * @param {import('./scheduler.js').Scheduler} env.sched
 * @param {import('./scheduler.js').AsyncInstance} env.inst the step's component instance
 * @param {import('../call-stack.js').CallStack} env.calls
 * @param {import('../../plan.js').Type[]} env.types
 * @param {(options: import('../../plan.js').Options, between?: boolean) => import('../../abi/context.js').AbiContext} env.contextFor
 *   (`between`: as a call between components has them)
 * @param {(memory: number) => import('../../abi/memory.js').MemoryView} env.viewOf
 * @param {(memory: number|null) => WebAssembly.Memory|null} env.memoryOf
 * @param {boolean} env.jspi
 * @returns {Function | null} null for a built-in this runtime does not run
 */
export function makeBuiltin(step, { sched, inst, calls, types, contextFor, viewOf, memoryOf, jspi }) {
  const name = step.name;
  /** The calling task; traps while the guest's realloc or post-return runs (the spec's `may_leave`). */
  const caller = () => {
    if (!calls.mayLeave) trap(`\`${name}\` was called while the guest's realloc or post-return was running`);
    return current();
  };
  const current = () => {
    const task = sched.current;
    if (task === null || task.inst !== inst) trap(`\`${name}\` was called outside a task of its component instance`);
    return task;
  };
  const getSet = (si) => {
    const set = inst.table.get(si, 'waitable set');
    if (!(set instanceof WaitableSet)) trap(`\`${name}\`: ${si} is not a waitable set`);
    return set;
  };
  const storeEvent = (memory) => {
    const view = viewOf(memory);
    return ([code, p1, p2], ptr) => {
      view.sync();
      view.check(ptr >>> 0, 8, 4);
      view.dv.setUint32(ptr >>> 0, p1, true);
      view.dv.setUint32((ptr >>> 0) + 4, p2, true);
      return code;
    };
  };

  switch (name) {
    case 'context.get':
      return () => current().storage;
    case 'context.set':
      return (v) => {
        current().storage = v;
      };
    case 'backpressure.inc':
      return () => {
        current();
        if (++inst.backpressure === 2 ** 16) trap('`backpressure.inc` went past 65535');
      };
    case 'backpressure.dec':
      return () => {
        current();
        if (--inst.backpressure < 0) trap('`backpressure.dec` went below 0');
        sched.wake();
      };
    case 'task.return':
      return taskReturn(step, caller, types, contextFor, memoryOf);
    case 'task.cancel':
      return () => {
        const task = caller();
        if (!task.opts.async) trap(`\`task.cancel\` was called by \`${task.context}\`, which is not lifted async`);
        task.cancel();
      };
    case 'thread.yield':
      // Under JSPI a task that may block is suspended for a macrotask turn, as a YIELD from a
      // callback waits; otherwise it goes on at once, which the spec allows too. Never cancelled.
      return () => {
        const task = caller();
        if (!jspi || !task.mayBlock()) return 0;
        sched.leave(task);
        return sched
          .blockForTurn(task, 'its turn', () => true, () => 0)
          .then((cancelled) => {
            sched.enter(task);
            return cancelled;
          });
      };
    case 'waitable-set.new':
      return () => {
        caller();
        return inst.table.add(new WaitableSet());
      };
    case 'waitable-set.drop':
      return (si) => {
        caller();
        const set = inst.table.remove(si, 'waitable set');
        if (!(set instanceof WaitableSet)) trap(`\`waitable-set.drop\`: ${si} is not a waitable set`);
        set.drop(si);
      };
    case 'waitable.join':
      return (wi, si) => {
        caller();
        const w = inst.table.get(wi, 'waitable');
        if (!(w instanceof Waitable)) trap(`\`waitable.join\`: ${wi} is not a waitable`);
        w.join(si === 0 ? null : getSet(si));
      };
    case 'waitable-set.poll': {
      const store = storeEvent(step.memory);
      return (si, ptr) => {
        caller();
        const set = getSet(si);
        return store(set.hasPendingEvent() ? set.takePendingEvent() : [EVENT_NONE, 0, 0], ptr);
      };
    }
    case 'waitable-set.wait': {
      const store = storeEvent(step.memory);
      return (si, ptr) => {
        const task = caller();
        if (!task.mayBlock()) trap(`\`waitable-set.wait\` was called by the synchronous task \`${task.context}\`, which may not wait`);
        const set = getSet(si);
        if (!jspi) {
          sched.waitInCore(() => set.hasPendingEvent(), `\`waitable-set.wait\` in \`${task.context}\` would have to wait for waitable set ${si}`);
          return store(set.takePendingEvent(), ptr);
        }
        if (set.hasPendingEvent()) return store(set.takePendingEvent(), ptr);
        set.numWaiting++;
        const event = sched.suspend(task, `waitable set ${si}`, () => set.hasPendingEvent(), () => {
          set.numWaiting--;
          return set.takePendingEvent();
        });
        return event.then((e) => store(e, ptr));
      };
    }
    case 'subtask.drop':
      return (i) => {
        caller();
        const s = inst.table.remove(i, 'subtask');
        if (!(s instanceof Subtask)) trap(`\`subtask.drop\`: ${i} is not a subtask`);
        if (!s.resolveDelivered()) trap(`subtask ${i} was dropped before its caller was told it resolved`);
        s.join(null);
      };
    case 'subtask.cancel':
      // A host callee's cancellation ends at once; a callee task's when it cancels or returns,
      // which an `async` cancel does not wait for (BLOCKED: a SUBTASK event tells of it later).
      return (i) => {
        const task = caller();
        if (!task.mayBlock() && !step.async) trap(`\`subtask.cancel\` was called by the synchronous task \`${task.context}\`, which may not wait`);
        const s = inst.table.get(i, 'subtask');
        if (!(s instanceof Subtask)) trap(`\`subtask.cancel\`: ${i} is not a subtask`);
        if (s.resolveDelivered()) trap(`\`subtask.cancel\`: subtask ${i} has already resolved, and its caller was told`);
        if (s.cancellationRequested) trap(`\`subtask.cancel\`: subtask ${i} is being cancelled already`);
        if (!s.resolved()) {
          s.cancellationRequested = true;
          s.onCancel();
        }
        if (s.resolved()) return s.takePendingEvent()[2];
        if (step.async) return BLOCKED;
        if (!jspi) {
          sched.waitInCore(() => s.resolved(), `\`subtask.cancel\` in \`${task.context}\` would have to wait for subtask ${i} to resolve`);
          return s.takePendingEvent()[2];
        }
        return sched.suspend(task, `subtask ${i} to resolve`, () => s.resolved(), () => s.takePendingEvent()[2]);
      };
    default:
      if (name.startsWith('stream.') || name.startsWith('future.')) return makeChannelBuiltin(step, { sched, inst, caller, types, contextFor, jspi });
      return errorContextBuiltin(step, caller, inst.table, contextFor);
  }
}

/**
 * `task.return`: lifts the result, as a sync lowered function's parameters, with the built-in's
 * own options, which must be those of the task's lift (the spec's `LiftOptions.equal`); its type
 * must be the task's result type. A task another component called (it has a supertask) lifts it as
 * a call between components does, for that component to lower.
 */
function taskReturn(step, caller, types, contextFor, memoryOf) {
  const forHost = makeParamsLifter(contextFor(step.options), step.sig);
  let forComponent = null;
  const memory = memoryOf(step.options.memory);
  return (...flat) => {
    const task = caller();
    if (!task.opts.async) trap(`\`task.return\` was called by \`${task.context}\`, which is not lifted async`);
    if (!sameType(types, step.result, task.sig.result)) {
      trap(`\`task.return\` of ${typeName(types, step.result)} was called by \`${task.context}\`, whose result is ${typeName(types, task.sig.result)}`);
    }
    // A `task.return` without a memory (its result needs none) may serve a lift that has one, as
    // wit-component emits them and Wasmtime runs them.
    if ((memory !== null && memoryOf(task.opts.memory) !== memory) || task.opts.stringEncoding !== step.options.stringEncoding) {
      trap(`\`task.return\` was called by \`${task.context}\` with other memory or string-encoding options than the function was lifted with`);
    }
    const lift = task.supertask === null ? forHost : (forComponent ??= makeParamsLifter(contextFor(step.options, true), step.sig));
    const args = lift(flat);
    task.return_(step.result === null ? undefined : args[0]);
  };
}

const typeName = (types, t) => (t === null ? 'no result' : `a \`${types[t].kind}\``);
