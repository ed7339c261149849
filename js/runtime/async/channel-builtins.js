/**
 * The `stream.*` and `future.*` built-ins (CanonicalABI.md, "canon {stream,future}.new" to
 * "canon {stream,future}.drop-{readable,writable}"), as core functions: one `builtin` step in, the
 * function the guest imports out. The spec's `stream_copy`, `future_copy`, `cancel_copy` and
 * `drop`, trap for trap.
 *
 * A copy or cancellation that cannot finish at once returns BLOCKED when the built-in is `async`
 * (the end's event comes later, through a waitable set); a synchronous one waits, suspended by
 * JSPI as `waitable-set.wait` is, and traps where the instance cannot suspend.
 */
import { trap } from '../../errors.js';
import { GuestBuffer } from './buffers.js';
import { sameType } from './same-type.js';
import {
  SharedStream, SharedFuture, ReadableStreamEnd, WritableStreamEnd, ReadableFutureEnd, WritableFutureEnd,
  COMPLETED, DROPPED, IDLE, SYNC_COPYING, ASYNC_COPYING, CANCELLING_COPY, DONE,
  EVENT_STREAM_READ, EVENT_STREAM_WRITE, EVENT_FUTURE_READ, EVENT_FUTURE_WRITE,
} from './channels.js';

/** What an `async` built-in returns for an operation it does not wait for. */
export const BLOCKED = 0xffff_ffff;

/** Whether the built-in `step` may wait (a synchronous copy or cancellation): imported as `Suspending` under JSPI. */
export function copyMayWait(step) {
  const op = step.name.slice(step.name.indexOf('.') + 1);
  if (op === 'read' || op === 'write') return !step.options.async;
  if (op === 'cancel-read' || op === 'cancel-write') return !step.async;
  return false;
}

/**
 * @param {import('../../plan.js').BuiltinStep} step a `stream.*` or `future.*` built-in
 * @param {object} env
 * @param {import('./scheduler.js').Scheduler} env.sched
 * @param {import('./scheduler.js').AsyncInstance} env.inst
 * @param {() => import('./tasks.js').Task} env.caller the calling task (traps where the spec's `may_leave` does)
 * @param {import('../../plan.js').Type[]} env.types
 * @param {(options: import('../../plan.js').Options, between?: boolean) => import('../../abi/context.js').AbiContext} env.contextFor
 *   (`between`: as a call between components has them)
 * @param {boolean} env.jspi
 * @returns {Function}
 */
export function makeChannelBuiltin(step, { sched, inst, caller, types, contextFor, jspi }) {
  const name = step.name;
  const isStream = name.startsWith('stream.');
  const kind = isStream ? 'stream' : 'future';
  const element = types[step.type].element;
  const wake = () => sched.wake();
  /** The readable or the writable end of this built-in's kind: its class, how messages name it, its event code. */
  const side = (reading) => ({
    EndT: isStream ? (reading ? ReadableStreamEnd : WritableStreamEnd) : reading ? ReadableFutureEnd : WritableFutureEnd,
    what: `a ${reading ? 'readable' : 'writable'} ${kind} end`,
    code: isStream ? (reading ? EVENT_STREAM_READ : EVENT_STREAM_WRITE) : reading ? EVENT_FUTURE_READ : EVENT_FUTURE_WRITE,
  });
  /** The end at `i`, which must be an `EndT` of this built-in's type. */
  const endAt = (i, EndT, what, remove = false) => {
    const e = remove ? inst.table.remove(i, what) : inst.table.get(i, what);
    if (!(e instanceof EndT)) trap(`\`${name}\`: ${i} is not ${what}`);
    if (!sameType(types, e.shared.t, element)) {
      trap(`\`${name}\`: ${what} ${i} carries another type than the built-in's`);
    }
    return e;
  };
  /** Waits, as the synchronous task `task`, until `e` has its event (suspended by JSPI), then takes it. */
  const waitFor = (task, e, i) => {
    if (!jspi) {
      sched.waitInCore(() => e.hasPendingEvent(), `\`${name}\` in \`${task.context}\` would have to wait for ${kind} end ${i}`);
      return e.takePendingEvent()[2];
    }
    const event = sched.block(task, `${kind} end ${i}`, () => e.hasPendingEvent(), () => e.takePendingEvent());
    sched.leave(task);
    return event.then((ev) => {
      sched.enter(task);
      return ev[2];
    });
  };

  switch (name.slice(kind.length + 1)) {
    case 'new': {
      const [Shared, Readable, Writable] = isStream
        ? [SharedStream, ReadableStreamEnd, WritableStreamEnd]
        : [SharedFuture, ReadableFutureEnd, WritableFutureEnd];
      return () => {
        caller();
        const shared = new Shared(types, element);
        const ri = inst.table.add(new Readable(shared, wake));
        const wi = inst.table.add(new Writable(shared, wake));
        return BigInt(ri) | (BigInt(wi) << 32n);
      };
    }
    case 'read':
    case 'write': {
      const { EndT, what, code } = side(name.endsWith('.read'));
      const isAsync = step.options.async;
      const cx = contextFor(step.options);
      const between = contextFor(step.options, true);
      return (i, ptr, n) => {
        const task = caller();
        if (!task.mayBlock() && !isAsync) trap(`\`${name}\` was called by the synchronous task \`${task.context}\`, which may not wait`);
        const e = endAt(i, EndT, what);
        if (e.state === DONE) trap(`\`${name}\`: ${kind} end ${i} can only be dropped: its other end is gone${isStream ? '' : ' or its value was copied'}`);
        if (e.state !== IDLE) trap(`\`${name}\`: a copy through ${kind} end ${i} is already in progress`);
        const buffer = new GuestBuffer(cx, element, ptr >>> 0, isStream ? n >>> 0 : 1, between, sched);
        if (isStream) {
          const event = (result, reclaim) => () => {
            reclaim();
            e.state = result === DROPPED ? DONE : IDLE;
            return [code, i, (result | (buffer.progress << 4)) >>> 0];
          };
          e.copy(inst, buffer, (reclaim) => e.setPendingEvent(event(COMPLETED, reclaim)), (result) => e.setPendingEvent(event(result, () => {})));
        } else {
          const event = (result) => () => {
            e.state = result === DROPPED || result === COMPLETED ? DONE : IDLE;
            return [code, i, result];
          };
          e.copy(inst, buffer, (result) => e.setPendingEvent(event(result)));
        }
        if (e.hasPendingEvent()) return e.takePendingEvent()[2];
        if (isAsync) {
          e.state = ASYNC_COPYING;
          return BLOCKED;
        }
        e.state = SYNC_COPYING;
        return waitFor(task, e, i);
      };
    }
    case 'cancel-read':
    case 'cancel-write': {
      const { EndT, what } = side(name.endsWith('-read'));
      const isAsync = step.async;
      return (i) => {
        const task = caller();
        if (!task.mayBlock() && !isAsync) trap(`\`${name}\` was called by the synchronous task \`${task.context}\`, which may not wait`);
        const e = endAt(i, EndT, what);
        if (e.state !== ASYNC_COPYING) trap(`\`${name}\`: no async copy through ${kind} end ${i} is in progress`);
        e.state = CANCELLING_COPY;
        if (!e.hasPendingEvent()) {
          e.shared.cancel();
          if (!e.hasPendingEvent()) return isAsync ? BLOCKED : waitFor(task, e, i);
        }
        return e.takePendingEvent()[2];
      };
    }
    case 'drop-readable':
    case 'drop-writable': {
      const { EndT, what } = side(name.endsWith('-readable'));
      return (i) => {
        caller();
        endAt(i, EndT, what, true).drop(`${kind} end ${i}`);
      };
    }
    default:
      return null;
  }
}
