/**
 * The scheduler of one top-level instance (all its component instances): the canonical ABI's
 * `Store`, with each component instance's async state (`ComponentInstance`: backpressure, the
 * task that holds it `exclusive`ly, the tasks waiting to enter, its table of waitables).
 *
 * Guest code runs to completion on the JS thread (or is suspended by JSPI); a task that waits
 * is a JS promise the scheduler settles once its condition holds. After every change that can
 * make a waiting task ready (an event, a task leaving an instance, backpressure going down) the
 * scheduler runs once, in a microtask, and resumes every task whose condition holds, in the order
 * they started waiting (the spec picks at random; this is one of the orders it allows).
 *
 * A task that yields goes on in a microtask while the page has had a macrotask turn in the last
 * `TURN_BUDGET_MS`, and after a macrotask turn (`nextTurn`) otherwise: wit-bindgen's guests YIELD
 * once per stream chunk and per call, where a macrotask costs tens of µs in a page, yet a guest
 * polling in a loop of YIELDs still lets the page, and the host promises it waits for, run.
 *
 * A deadlock is every task waiting with nothing anywhere that could wake one: no task running (or
 * suspended by JSPI in a call to the host), no host promise pending and no turn awaited. A task
 * suspended by JSPI in a sync call of another component's function waits here for that callee
 * (between.js), so a callee that never returns is one. Calls held back by backpressure are not
 * one: a later call from the host may lower it. Then no promise would ever
 * settle, so the instance traps instead, and its pending export calls reject with kind 'trap'.
 */
import { TerrariumError, trap } from '../../errors.js';
import { READY, BUSY, DEAD } from '../state.js';
import { AsyncTable } from './waitables.js';

/**
 * Runs `fn` after a macrotask turn: `setImmediate` in Node; in a page a MessageChannel message,
 * since a page's `setTimeout(0)` waits 4 ms once nested, and wit-bindgen's guests YIELD once per
 * stream chunk.
 */
export const nextTurn =
  typeof setImmediate === 'function'
    ? setImmediate
    : (() => {
        const channel = new MessageChannel();
        const queue = [];
        channel.port1.onmessage = () => queue.shift()();
        return (fn) => {
          queue.push(fn);
          channel.port2.postMessage(null);
        };
      })();

/** How long yields may go on in microtasks before the page gets a macrotask turn. */
const TURN_BUDGET_MS = 2;

/** When the current run of microtask yields began; -1 once the page has had a macrotask turn since. */
let sliceStart = -1;

/** Runs `fn` after a yield: in a microtask within the budget, else after a macrotask turn. */
function afterYield(fn) {
  const now = performance.now();
  if (sliceStart < 0) {
    sliceStart = now;
    nextTurn(() => (sliceStart = -1));
  }
  if (now - sliceStart < TURN_BUDGET_MS) queueMicrotask(fn);
  else nextTurn(fn);
}

/**
 * The worker of `blocking: 'worker'` (js/worker/guest.js), as the runtime sees it.
 * @typedef {object} WorkerSide
 * @property {(callee: import('../../plan.js').HostCallee, sig: import('../../plan.js').FuncSig) => (args: any[]) => any} invokeAsync
 *   how a host function lowered `async` is called: the page answers at once, or a promise it answers later
 * @property {() => string|null} block blocks until the page has answered at least one host call
 *   (null), or says why no answer can come (the page called into the instance meanwhile, or no
 *   host call is pending: then `OWN_WORK`)
 */

/**
 * Why a wait in core code in the worker that no answer of the page can end cannot end at all: what
 * it waits for is the worker's own to do, and the thread that would do it is blocked.
 */
export const OWN_WORK =
  "it waits for the worker's own work (another of its tasks, such as a call into another component of the composition, " +
  'or a stream or future end another task or the page reads or writes by message), which cannot go on while it blocks';

export class AsyncInstance {
  /** @param {import('../state.js').InstanceState} state */
  constructor(state) {
    this.state = state;
    this.table = new AsyncTable();
    this.backpressure = 0;
    /** @type {import('./tasks.js').Task | null} the callback-lifted task whose code runs now */
    this.exclusive = null;
    this.numWaitingToEnter = 0;
  }
}

/**
 * @typedef {object} Waiter
 * @property {import('./tasks.js').Task} task
 * @property {boolean} entering whether it waits to enter its instance (backpressure)
 * @property {string} what what it waits for, for the deadlock message
 * @property {() => boolean} ready
 * @property {() => any} resume run when ready, before any other task can run; its value is the wait's
 * @property {(value: any) => void} settle
 */

export class Scheduler {
  /**
   * @param {string} name the component's name, for messages
   * @param {WorkerSide|null} worker the worker of `blocking: 'worker'` the guest runs in, if it does
   */
  constructor(name, worker) {
    this.name = name;
    this.worker = worker;
    /** @type {Waiter[]} */
    this.waiters = [];
    /** tasks that are neither waiting here nor finished */
    this.running = 0;
    /** what outside guest code will wake a task: host promises not settled yet, turns awaited */
    this.outside = 0;
    /** @type {import('./tasks.js').Task | null} the task whose guest code is on the stack */
    this.current = null;
    /** calls into guest code on the JS stack now (a task JSPI suspended is not) */
    this.onStack = 0;
    /** @type {Set<(e: unknown) => void>} how to reject each export call not settled yet */
    this.pending = new Set();
    this.scheduled = false;
  }

  /**
   * The running task `task` waits until `ready()`; the promise settles with `resume()`'s value,
   * which runs as soon as `ready()` holds.
   */
  block(task, what, ready, resume, entering = false) {
    if (task.counted) this.running--;
    return new Promise((settle) => {
      this.waiters.push({ task, what, ready, resume, settle, entering });
      this.wake();
    });
  }

  /**
   * Core code of `task` waits in a built-in until `ready()` (suspended by JSPI meanwhile, off the
   * stack): a promise of `resume()`'s value, with the task back on the stack.
   */
  suspend(task, what, ready, resume) {
    const value = this.block(task, what, ready, resume);
    this.leave(task);
    return value.then((v) => {
      this.enter(task);
      return v;
    });
  }

  /**
   * Guest code of `task` is on the stack now (called, or resumed by JSPI): its instance is busy, and
   * a call into it is re-entrance.
   */
  enter(task) {
    this.current = task;
    if (task.onStack) return;
    task.onStack = true;
    this.onStack++;
    if (task.inst.state.status !== DEAD) task.inst.state.status = BUSY;
  }

  /**
   * It left the stack (returned, or suspended by JSPI): other calls may enter its instance (a
   * callback-lifted task still holds it `exclusive`ly while suspended, so only sync ones do).
   */
  leave(task) {
    if (this.current === task) this.current = null;
    if (!task.onStack) return;
    task.onStack = false;
    this.onStack--;
    if (task.inst.state.status !== DEAD) task.inst.state.status = READY;
    const onLeave = task.onLeave;
    if (onLeave !== null) {
      task.onLeave = null;
      onLeave();
    }
  }

  /** Like `block`, once the yield's turn has come (`afterYield`). */
  blockForTurn(task, what, ready, resume) {
    let turned = false;
    this.outside++;
    afterYield(() => {
      this.outside--;
      turned = true;
      this.wake();
    });
    return this.block(task, what, () => turned && ready(), resume);
  }

  /**
   * Something changed: resume what is ready, once the current guest code has returned (with no
   * task waiting there is nothing to resume, and `block` wakes again).
   */
  wake() {
    if (this.scheduled || this.waiters.length === 0) return;
    this.scheduled = true;
    queueMicrotask(() => this.pump());
  }

  pump() {
    this.scheduled = false;
    for (let i = 0; i < this.waiters.length; ) {
      if (!this.waiters[i].ready()) {
        i++;
        continue;
      }
      this.resumeAt(i);
      i = 0;
    }
    const stuck = this.waiters.length > 0 && this.running === 0 && this.outside === 0;
    if (stuck && !this.waiters.some((w) => w.entering)) this.deadlock();
  }

  /** Resumes the waiter at `i`, ready: its `resume()` runs now, its promise settles with the value. */
  resumeAt(i) {
    const [w] = this.waiters.splice(i, 1);
    if (w.task.counted) this.running++;
    w.settle(w.resume());
  }

  /**
   * Resumes `task` now if it waits and is ready: a cancellation requested of a task waiting to
   * enter its instance resolves it before `subtask.cancel` returns, as the spec's does.
   */
  resumeIfReady(task) {
    const i = this.waiters.findIndex((w) => w.task === task);
    if (i >= 0 && this.waiters[i].ready()) this.resumeAt(i);
  }

  /**
   * Guest code waits in core code until `ready()`, where no JSPI can suspend it. In the worker of
   * `blocking: 'worker'` it blocks the thread for the page's answers to this instance's host calls,
   * which take effect at once (lower-async.js's WHEN_SETTLED); the worker's other tasks cannot
   * run meanwhile, so a wait that needs them, or a call from the page, is refused (`cannotWait`).
   * `what` says what it waits for.
   */
  waitInCore(ready, what) {
    while (!ready()) {
      if (this.worker === null) this.cannotWait(what);
      const why = this.worker.block();
      if (why !== null) this.cannotWait(what, why);
    }
  }

  /**
   * Throws why guest code cannot wait in core code here (no JSPI to suspend it): `what` says what
   * it would have waited for, and in the worker `why` why the page's answers cannot end it
   * (`unsupported`). Elsewhere (`blocking: 'none'`) a trap.
   *
   * The worker cannot run its other tasks under one that waits in core code: that task's frames
   * are on the worker's only stack, below anything else the thread would run, and the others go
   * on from promise reactions, which run only once the thread is back in its event loop. Only
   * JSPI can set a guest's frames aside; a callback-lifted task waits by returning to its loop.
   */
  cannotWait(what, why = OWN_WORK) {
    if (this.worker !== null) {
      throw new TerrariumError(
        'unsupported',
        `${what}; in the worker of \`blocking: 'worker'\` a task can wait in core code only for the page's answers to its host ` +
          `calls, and ${why}: the task's frames hold the worker's one thread, and only JSPI can set them aside for the worker's ` +
          "other tasks to run; wait under JSPI (`blocking: 'jspi'`, in Chromium), or in a callback's event loop (`canon lift " +
          'async` with a `callback` returning WAIT, and `canon lower async` for calls), which gives the thread back while it waits',
      );
    }
    trap(`${what}; waiting in core code needs JSPI (\`blocking: 'jspi'\`), and this instance has \`blocking: 'none'\``);
  }

  deadlock() {
    const waits = this.waiters.map((w) => `\`${w.task.context}\` waits for ${w.what}`).join(', ');
    const err = new TerrariumError(
      'trap',
      `deadlock in \`${this.name}\`: every task is waiting and nothing is pending that could wake one (${waits})`,
      { context: this.waiters[0].task.context },
    );
    this.waiters[0].task.inst.state.kill(err);
  }

  /**
   * The instance died (a trap, a deadlock, disposal): no task will run again, and every export
   * call not settled yet rejects with `cause`.
   */
  poison(cause) {
    this.waiters.length = 0;
    const rejects = [...this.pending];
    this.pending.clear();
    for (const reject of rejects) reject(cause);
  }
}
