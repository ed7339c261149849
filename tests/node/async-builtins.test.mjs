// Component-model async in the runtime, built-in by built-in, through a hand-written component
// (tests/node/wat/async-builtins.wat): callback-lifted exports, async-lowered host calls that return
// values or promises the test settles itself, the waitable-set and subtask built-ins, backpressure,
// and every trap the spec names for them. No wall clock: the tests assert order and readiness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { settled, watBytes } from './support.mjs';

const component = await load(watBytes({ file: new URL('./wat/async-builtins.wat', import.meta.url).pathname }));

/** A promise and its settling functions. */
function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * An instance whose host `wait(id)` returns `answers[id]` (a value, or a promise), and whose `log`
 * runs `onLog`. `calls` lists the ids `wait` was called with, in order.
 */
async function instance(answers = {}, { onLog = () => {}, options } = {}) {
  const calls = [];
  const { exports } = await component.instantiate(
    {
      'test:async/host': {
        wait(id) {
          calls.push(id);
          return answers[id];
        },
        log: (v) => onLog(v),
      },
    },
    options,
  );
  return { api: exports, calls };
}

const trapMatching = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('an async export returns a promise; context.set/get keep a value across a YIELD; thread.yield returns 0', async () => {
  const { api } = await instance();
  const p = api.contextYield(41);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 41);
  // Two tasks at once, each with its own context slot.
  assert.deepEqual(await Promise.all([api.contextYield(1), api.contextYield(2)]), [1, 2]);
});

test('canon lower async: a host value returns RETURNED at once, a promise makes a subtask the guest waits for', async () => {
  const later = deferred();
  const { api, calls } = await instance({ 1: 10, 2: later.promise });
  assert.equal(await api.callOne(1), 10, 'returned at once, stored at the out-pointer');
  const p = api.callOne(2);
  assert.deepEqual(calls, [1, 2], 'the host was called while the export call was made');
  assert.equal(await settled(p), false, 'the task waits for the subtask');
  later.resolve(20);
  assert.equal(await p, 20, 'the SUBTASK event came, the result was stored, task.return ran');
});

test('subtasks resolved in another order than they started each reach their own task', async () => {
  const a = deferred();
  const b = deferred();
  const { api } = await instance({ 3: a.promise, 4: b.promise });
  const order = [];
  const pa = api.callOne(3).then((v) => order.push(['a', v]));
  const pb = api.callOne(4).then((v) => order.push(['b', v]));
  b.resolve(40);
  await pb;
  a.resolve(30);
  await pa;
  assert.deepEqual(order, [['b', 40], ['a', 30]]);
});

test('waitable-set.poll in a loop of YIELDs sees NONE until the host settles, then the SUBTASK event', async () => {
  const later = deferred();
  const { api } = await instance({ 5: later.promise, 6: 66 });
  assert.equal(await api.pollOne(6), 66);
  const p = api.pollOne(5);
  assert.equal(await settled(p), false);
  assert.equal(await settled(p), false, 'still polling: each YIELD lets the page run');
  later.resolve(55);
  assert.equal(await p, 55);
});

test('subtask.cancel (sync and async) of a host call in flight: CANCELLED_BEFORE_RETURNED, its late result not stored', async () => {
  for (const cancel of ['cancelOne', 'cancelAsync']) {
    const later = deferred();
    const { api } = await instance({ 7: later.promise });
    assert.equal(await api[cancel](7), 4, `${cancel}: waitable.join to 0 left the set, which could be dropped`);
    later.resolve(70);
    assert.equal(await api.contextYield(3), 3, 'the instance goes on');
  }
});

test('a sync lower of an async host function: a value goes through; a promise needs JSPI', async () => {
  const { api } = await instance({ 8: 80, 9: Promise.resolve(90) });
  assert.equal(await api.callSync(8), 80);
  await assert.rejects(api.callSync(9), trapMatching(/`test:async\/host#wait` returned a promise.*needs JSPI/));
});

test('waitable-set.wait in core code: an event already there is taken; waiting for one needs JSPI', async () => {
  const later = deferred();
  const { api } = await instance({ 10: 100, 11: later.promise });
  assert.equal(await api.waitInline(10), 100, 'wait returned at once (the call had returned)');
  await assert.rejects(api.waitInline(11), trapMatching(/`waitable-set\.wait` in `wait-inline` would have to wait.*needs JSPI/));
});

test('backpressure: a call waits to enter until backpressure.dec; a sync export runs meanwhile', async () => {
  const { api } = await instance();
  await api.block();
  const p = api.contextYield(5);
  assert.equal(await settled(p), false, 'waiting to enter');
  assert.equal(api.add(1, 2), 3, 'a sync export is not held back');
  api.unblock();
  assert.equal(await p, 5);
});

test('a sync host import called from an async export; re-entering the instance from it traps', async () => {
  const seen = [];
  const { api } = await instance({}, { onLog: (v) => seen.push(v) });
  assert.equal(await api.logThenReturn(7), 7);
  assert.deepEqual(seen, [7]);
  for (const reenter of [(api) => api.add(1, 1), (api) => api.contextYield(1)]) {
    const again = await instance({}, { onLog: () => reenter(again.api) });
    await assert.rejects(again.api.logThenReturn(1), trapMatching(/reentrant call/));
  }
});

const traps = {
  returnWrongType: [[], /`task\.return` of no result was called by `return-wrong-type`, whose result is a `u32`/],
  exitEarly: [[], /`exit-early` returned EXIT without calling `task\.return`/],
  badCode: [[], /the callback of `bad-code` returned 5, whose code 5 is none of EXIT, YIELD, WAIT, POLL/],
  waitBadSet: [[], /waitable set 99 is not a live handle/],
  deadlock: [[], /deadlock in `component`: every task is waiting and nothing is pending that could wake one \(`deadlock` waits for waitable set 1\)/],
  dropUnreturned: [[12], /subtask 1 was dropped before its caller was told it resolved/],
  dropJoinedSet: [[12], /waitable set 2 was dropped while 1 waitable is still joined to it/],
  cancelTask: [[], /`task\.cancel` was called by `cancel-task`, which no caller asked to cancel/],
  cancelAfterEvent: [[15], /`subtask\.cancel`: subtask 1 has already resolved, and its caller was told/],
  joinASet: [[], /`waitable\.join`: 1 is not a waitable/],
};

test('the traps of async exports: each rejects the call with kind trap, and the instance is dead', async () => {
  for (const [name, [args, message]] of Object.entries(traps)) {
    const { api } = await instance({ 12: new Promise(() => {}), 15: Promise.resolve(150) });
    await assert.rejects(api[name](...args), trapMatching(message), name);
    assert.throws(() => api.add(1, 1), (e) => e.kind === 'dead', `${name}: the instance is dead`);
  }
});

test('a trap after `task.return`: the call has its result, and the instance dies', async () => {
  const { api } = await instance();
  assert.equal(await api.returnTwice(), undefined);
  assert.throws(() => api.add(1, 1), (e) => e.kind === 'dead' && /`task\.return` was called twice by `return-twice`/.test(e.message));
});

test('the traps of sync exports calling async built-ins', async () => {
  const cases = {
    syncWait: [[], /`waitable-set\.wait` was called by the synchronous task `sync-wait`, which may not wait/],
    syncReturn: [[], /`task\.return` was called by `sync-return`, which is not lifted async/],
    syncCallSync: [[8], /the synchronous task `sync-call-sync` called the async function `test:async\/host#wait` synchronously/],
    decBelowZero: [[], /`backpressure\.dec` went below 0/],
    incPastMax: [[], /`backpressure\.inc` went past 65535/],
    seven: [[], /`waitable-set\.new` was called while the guest's realloc or post-return was running/],
  };
  for (const [name, [args, message]] of Object.entries(cases)) {
    const { api } = await instance({ 8: 80 });
    assert.throws(() => api[name](...args), trapMatching(message), name);
  }
});

test('a trap rejects every pending call of that instance only', async () => {
  const never = new Promise(() => {});
  const one = await instance({ 13: never });
  const other = await instance({ 13: never });
  const pending = one.api.callOne(13);
  const elsewhere = other.api.callOne(13);
  await assert.rejects(one.api.exitEarly(), trapMatching(/exit-early/));
  await assert.rejects(pending, trapMatching(/exit-early/), 'the waiting call rejects with the trap');
  assert.equal(await settled(elsewhere), false, 'the other instance still waits');
  assert.equal(await other.api.contextYield(9), 9);
});

test('a host promise that rejects kills the instance with the host error', async () => {
  const later = deferred();
  const { api } = await instance({ 14: later.promise });
  const p = api.callOne(14);
  const boom = new Error('host failed');
  later.reject(boom);
  await assert.rejects(p, (e) => e === boom);
  assert.throws(() => api.add(1, 1), (e) => e.kind === 'dead');
});

test('an argument of the wrong type rejects with a TypeError, and the instance goes on', async () => {
  const { api } = await instance();
  await assert.rejects(api.contextYield('x'), TypeError);
  assert.equal(await api.contextYield(2), 2);
});

test('disposing an instance rejects its pending async calls with kind dead', async () => {
  const made = await component.instantiate({ 'test:async/host': { wait: () => new Promise(() => {}), log() {} } });
  const pending = made.exports.callOne(1);
  made[Symbol.dispose]();
  await assert.rejects(pending, (e) => e instanceof TerrariumError && e.kind === 'dead' && /disposed/.test(e.message));
});

test("blocking: 'worker' runs an async component (async-worker.test.mjs); 'auto' picks none for one that never waits", async () => {
  const host = { 'test:async/host': { wait: (id) => id, log() {} } };
  const worker = await component.instantiate(host, { blocking: 'worker' });
  assert.equal(await worker.exports.callOne(3), 3);
  worker[Symbol.dispose]();
  const made = await component.instantiate(host, { blocking: 'auto' });
  assert.equal(made.blocking, 'none', 'nothing in it can wait in core code');
  assert.equal(await made.exports.callOne(3), 3);
});

test('a sync function type lifted `async` (invalid, planned by the trusted build) may not WAIT before it returns', async () => {
  const bytes = watBytes({
    text: `(component
      (core func $set-new (canon waitable-set.new))
      (core module $m (import "" "set-new" (func $set-new (result i32)))
        (func (export "f") (result i32) (i32.or (i32.const 2) (i32.shl (call $set-new) (i32.const 4))))
        (func (export "cb") (param i32 i32 i32) (result i32) unreachable))
      (core instance $m (instantiate $m (with "" (instance (export "set-new" (func $set-new))))))
      (func (export "f") (canon lift (core func $m "f") async (callback (core func $m "cb")))))`,
  });
  const { exports } = await (await load(bytes, { validate: false })).instantiate({});
  await assert.rejects(exports.f(), trapMatching(/`f` is not an async function and may not wait before it returns/));
});

test('an async function lifted without `async`: its result returned by the core function, after a wait if JSPI can', async () => {
  const { api } = await instance({ 16: 160, 17: Promise.resolve(170) });
  const p = api.syncLifted(16);
  assert.ok(p instanceof Promise);
  assert.equal(await p, 160);
  await assert.rejects(api.syncLifted(17), trapMatching(/`test:async\/host#wait` returned a promise.*needs JSPI/));
  const again = await instance({ 16: 160 });
  assert.equal(await again.api.syncLiftedBadPost(16), 160, 'the result is the caller\'s before post-return runs');
  assert.throws(() => again.api.add(1, 1), (e) => e.kind === 'dead' && /post-return/.test(e.message));
});

test("an async method of the component's own resource: `self` is the bare rep, so the task returns without a borrow to drop", async () => {
  const own = await load(watBytes({ file: new URL('./wat/async-resource.wat', import.meta.url).pathname }));
  const { exports } = await own.instantiate({});
  const counter = new exports.Counter(41);
  const p = counter.get();
  assert.ok(p instanceof Promise);
  assert.equal(await p, 42, 'its rep, 41, plus 1');
});

test('dropping a waitable set a task waits on traps; that task, waiting, is no deadlock while a host call is pending', async () => {
  const { api } = await instance({ 20: new Promise(() => {}) });
  const pending = api.callOne(20);
  const waiting = api.waitEmpty(21);
  assert.equal(await settled(waiting), false, 'a host promise is pending: not a deadlock');
  await assert.rejects(api.dropSetOf(21), trapMatching(/waitable set 3 was dropped while a task waits on it/));
  await assert.rejects(waiting, trapMatching(/drop-set-of/));
  await assert.rejects(pending, trapMatching(/drop-set-of/));
});
