// Cancelling a call to another component of a composition (`subtask.cancel` in the caller,
// TASK_CANCELLED and `task.cancel` in the callee: js/runtime/async/between.js, lift-async.js,
// tasks.js), through the hand-written pair of tests/node/wat/async-cancel.wat. The sync form of
// `subtask.cancel`, which waits, runs under JSPI in Chromium (playwright-tests/async.spec.mjs); here
// it traps, saying JSPI is needed. Then the borrows lent to an async task (tests/node/wat/async-borrows.wat):
// it may neither return nor cancel while it holds one, on the main thread and in the worker alike.
// No wall clock: the tests assert order and readiness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { watBytes } from './support.mjs';

const component = await load(watBytes({ file: new URL('./wat/async-cancel.wat', import.meta.url).pathname }));

/** An instance, what its caller logged (call statuses, what `subtask.cancel` returned, SUBTASK states) and its callee noted (event codes). */
async function instance() {
  const log = [];
  const notes = [];
  // `wait` holds a callee only where JSPI can suspend it (Chromium); here it answers at once.
  const { exports } = await component.instantiate({ log: (v) => log.push(v), note: (v) => notes.push(v), wait: () => 0 });
  return { api: exports, log, notes };
}

const NONE = 0;
const STARTED = 1;
const RETURNED = 2;
const CANCELLED_BEFORE_RETURNED = 4;
const BLOCKED = 0xffff_ffff;
const TASK_CANCELLED = 6;

const trapMatching = (re) => (e) => e instanceof TerrariumError && e.kind === 'trap' && re.test(e.message);

test('cancelled while it waits to enter (backpressure), the callee never runs: subtask.cancel returns CANCELLED_BEFORE_RETURNED at once', async () => {
  const { api, log, notes } = await instance();
  api.calleeBlock();
  assert.equal(await api.cancelWaitCancel(), 0);
  assert.deepEqual(log, [STARTED, CANCELLED_BEFORE_RETURNED], 'the arguments were taken at the call (STARTED), so not CANCELLED_BEFORE_STARTED');
  assert.deepEqual(notes, [], 'the callee never ran');
  api.calleeUnblock();
  assert.equal(await api.cancelYieldReturn(), 7, 'the callee instance takes calls again');
});

test('cancelled while it waits in its event loop, the callee gets TASK_CANCELLED and calls task.cancel: the caller gets CANCELLED_BEFORE_RETURNED', async () => {
  const { api, log, notes } = await instance();
  assert.equal(await api.cancelWaitCancel(), 0);
  assert.deepEqual(log, [STARTED, BLOCKED, CANCELLED_BEFORE_RETURNED], 'async subtask.cancel did not wait: BLOCKED, then the event');
  assert.deepEqual(notes, [TASK_CANCELLED]);
});

test('cancelled while it yields, the callee is told at its next turn, ignores it and returns: the caller gets RETURNED and the result', async () => {
  const { api, log, notes } = await instance();
  assert.equal(await api.cancelYieldReturn(), 7);
  assert.deepEqual(log, [STARTED, BLOCKED, RETURNED]);
  assert.deepEqual(notes, [TASK_CANCELLED], 'told once, before it returned');
});

test('cancelled after it returned but before its caller was told: subtask.cancel returns RETURNED at once, with the result', async () => {
  const { api, log } = await instance();
  assert.equal(await api.cancelLate(), 3);
  assert.deepEqual(log, [STARTED, RETURNED], 'RETURNED from subtask.cancel itself, no SUBTASK event after');
});

test('the traps of cancellation in the callee: task.cancel twice, after task.return, and task.return after task.cancel', async () => {
  const cases = {
    cancelCancelTwice: /`task\.cancel` was called by `cancel-twice` after it cancelled/,
    cancelReturnThenCancel: /`task\.cancel` was called by `return-then-cancel` after it returned/,
    cancelCancelThenReturn: /`task\.return` was called after `task\.cancel` by `cancel-then-return`/,
  };
  for (const [name, message] of Object.entries(cases)) {
    const { api, log } = await instance();
    await assert.rejects(api[name](), trapMatching(message), name);
    assert.deepEqual(log, [STARTED, BLOCKED], `${name}: the caller was waiting`);
    assert.throws(() => api.calleeBlock(), (e) => e.kind === 'dead', `${name}: the instance is dead`);
  }
});

test('the traps of subtask.cancel in the caller: twice, after the caller was told it returned, and the sync form without JSPI', async () => {
  const cases = {
    cancelAgain: [/`subtask\.cancel`: subtask 1 is being cancelled already/, [STARTED, BLOCKED]],
    cancelReturned: [/`subtask\.cancel`: subtask 2 has already resolved, and its caller was told/, [STARTED, RETURNED]],
    cancelSync: [/`subtask\.cancel` in `cancel-sync` would have to wait for subtask 1 to resolve; waiting in core code needs JSPI/, [STARTED]],
  };
  for (const [name, [message, logged]] of Object.entries(cases)) {
    const { api, log } = await instance();
    await assert.rejects(api[name](), trapMatching(message), name);
    assert.deepEqual(log, logged, name);
  }
});

test('subtask.cancel of a subtask joined to a waitable set: no trap (canon_subtask_cancel asks nothing of the set), and the event it answers is taken from the set', async () => {
  const { api, log } = await instance();
  assert.equal(await api.cancelJoined(), 3);
  assert.deepEqual(log, [STARTED, RETURNED, NONE], 'RETURNED from subtask.cancel, then a poll of the set found no event left');
  const waiting = await instance();
  assert.equal(await waiting.api.cancelJoinedWait(), 0);
  assert.deepEqual(waiting.log, [STARTED, BLOCKED, CANCELLED_BEFORE_RETURNED], 'joined and not resolved: BLOCKED, then the SUBTASK event');
  assert.deepEqual(waiting.notes, [TASK_CANCELLED]);
});

const borrows = await load(watBytes({ file: new URL('./wat/async-borrows.wat', import.meta.url).pathname }));

for (const blocking of ['none', 'worker']) {
  test(`with blocking '${blocking}': a task lent a borrow may neither return nor cancel while it holds it (task.return, task.cancel, a sync lift's return)`, async () => {
    class Thing {}
    const made = async () => {
      const log = [];
      const { exports } = await borrows.instantiate({ 'test:borrows/host': { Thing }, log: (v) => log.push(v) }, { blocking });
      return { api: exports, log };
    };
    const held = (by) => new RegExp(`^trap in \`[a-z-]+\`: ${by} while it still holds 1 borrowed handle \\(a borrow must be dropped before the task resolves\\)$`);
    const cases = {
      holdReturn: [held('`task\\.return` was called by `hold-return`'), []],
      holdSync: [held('`hold-sync` returned'), []],
      cancelHold: [held('`task\\.cancel` was called by `hold-cancel`'), [STARTED, BLOCKED]],
    };
    for (const [name, [message, logged]] of Object.entries(cases)) {
      const { api, log } = await made();
      await assert.rejects(api[name](new Thing()), trapMatching(message), name);
      assert.deepEqual(log, logged, name);
    }
    const { api, log } = await made();
    assert.equal(await api.dropReturn(new Thing()), 7, 'dropped first, it returns');
    assert.equal(await api.cancelDrop(new Thing()), 0, 'dropped first, it cancels');
    assert.deepEqual(log, [STARTED, BLOCKED, CANCELLED_BEFORE_RETURNED]);
  });
}
