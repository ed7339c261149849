// Async calls between two components of one composition (js/runtime/async/between.js), through
// hand-written components: tests/node/wat/async-between.wat (what runs without JSPI) and
// tests/node/wat/async-between-jspi.wat (a sync caller of a callee lifted `async`: refused here,
// where Node has no JSPI, and run in Chromium by playwright-tests/async.spec.mjs); and two Rust
// guests built with wit-bindgen's async support and composed by wac (`async-client-calls`:
// tests/guests/async-client calling tests/guests/async-calls). Cancelling such a call:
// async-cancel.test.mjs.
// No wall clock: the tests assert order and readiness.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes, settled, watBytes } from './support.mjs';

const wat = (name) => watBytes({ file: new URL(`./wat/${name}.wat`, import.meta.url).pathname });
const between = await load(wat('async-between'));

/** An instance, and what its caller component logged: async-call statuses and SUBTASK states. */
async function instance() {
  const log = [];
  const { exports } = await between.instantiate({ log: (v) => log.push(v) });
  return { api: exports, log };
}

const RETURNED = 2;
const STARTED = 1;

test('canon lower async of a callee lifted async that returns at once: RETURNED, the result at the out-pointer', async () => {
  const { api, log } = await instance();
  assert.equal(await api.callAdd(2, 3), 5);
  assert.deepEqual(log, [RETURNED]);
});

test('canon lower async of a callee that yields first: a subtask, whose SUBTASK event says RETURNED', async () => {
  const { api, log } = await instance();
  assert.equal(await api.callAddLater(4, 5), 9);
  assert.deepEqual(log, [STARTED, RETURNED]);
  // Two at once: each caller task gets its own subtask's result.
  const { api: again } = await instance();
  assert.equal(await again.callAdd(1, 1), 2);
});

test('canon lower async of a callee lifted sync (an async function type): RETURNED', async () => {
  const { api, log } = await instance();
  assert.equal(await api.callDouble(21), 42);
  assert.deepEqual(log, [RETURNED]);
});

test('a string crosses from the caller memory into the callee memory and back', async () => {
  const { api, log } = await instance();
  assert.equal(await api.callEcho('héllo, wörld ✓ 𝄞'), 'héllo, wörld ✓ 𝄞');
  assert.equal(await api.callEcho(''), '');
  assert.deepEqual(log, [RETURNED, RETURNED]);
});

test('a sync canon lower of an async function lifted sync, from a task that may block', async () => {
  const { api, log } = await instance();
  assert.equal(await api.callDoubleSync(8), 16);
  assert.deepEqual(log, []);
});

test('a call into a callee instance with backpressure waits to enter until it goes down', async () => {
  const { api, log } = await instance();
  api.calleeBlock();
  const p = api.callAdd(2, 3);
  assert.equal(await settled(p), false, 'the callee task waits to enter');
  assert.deepEqual(log, [STARTED], 'the caller got a subtask');
  api.calleeUnblock();
  assert.equal(await p, 5);
  assert.deepEqual(log, [STARTED, RETURNED]);
});

test('without JSPI, a sync call that would have to wait for backpressure on the callee traps, saying JSPI is needed', async () => {
  const { api } = await instance();
  api.calleeBlock();
  await assert.rejects(
    api.callDoubleSync(8),
    (e) => e instanceof TerrariumError && e.kind === 'trap' && /`double` did not return at once \(it waits to enter its component instance.*needs JSPI/.test(e.message),
  );
});

test('a caller waiting for a callee that waits for ever is a deadlock: the call rejects with kind trap', async () => {
  const { api, log } = await instance();
  await assert.rejects(
    api.callStuck(),
    (e) => e instanceof TerrariumError && e.kind === 'trap' && /deadlock/.test(e.message) && /`call-stuck` waits/.test(e.message) && /`stuck` waits/.test(e.message),
  );
  assert.deepEqual(log, [STARTED]);
});

test('many calls in flight at once each get their own result', async () => {
  const { api } = await instance();
  const results = await Promise.all([api.callAddLater(1, 2), api.callAdd(3, 4), api.callAddLater(5, 6), api.callDouble(7)]);
  assert.deepEqual(results, [3, 7, 11, 14]);
});

test('without JSPI, a sync call of a callee lifted async is refused when the instance is made, naming it', async () => {
  const c = await load(wat('async-between-jspi'));
  await assert.rejects(
    c.instantiate({}),
    (e) =>
      e instanceof TerrariumError &&
      e.kind === 'unsupported' &&
      e.message === "a synchronous call between components of `canon lift async` of `add-later` (component-model async) needs JSPI to suspend the guest: instantiate with `blocking: 'jspi'`",
  );
});

test('entering an instance that is in the call that led there traps (re-entrance); from the host it may enter', async () => {
  const c = await load(wat('async-between-reenter'));
  const { exports } = await c.instantiate({});
  assert.equal(await exports.run(), 7, 'the host calls the child, which calls its parent: no re-entrance');
  await assert.rejects(
    exports.reenter(),
    (e) => e instanceof TerrariumError && e.kind === 'trap' && /cannot enter component instance of `hook`.*`reenter`.*re-entrance/.test(e.message),
  );
  await assert.rejects(exports.run(), (e) => e instanceof TerrariumError && e.kind === 'dead', 'the trap killed the instance');
});

test('two Rust guests composed by wac: async calls between them, the host\'s promises settled by the test', async () => {
  const composed = await load(await guestBytes('async-client-calls'));
  assert.deepEqual(composed.exports.map((e) => e.name), ['example:async-client/run@0.1.0']);
  const sleeps = [];
  const { exports } = await composed.instantiate({
    'example:async-calls/host': {
      sleep: () => new Promise((resolve) => sleeps.push(resolve)),
      double: (v) => (v % 2 ? Promise.resolve(v * 2) : v * 2),
      note() {},
    },
  });
  const { run } = exports;
  // The client's call waits in the callee, which waits for the host's sleep.
  const echoed = run.addAndEcho(2, 3);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(sleeps.length, 1, 'the callee called sleep once');
  sleeps.shift()();
  assert.equal(await echoed, 'sum 5');
  assert.equal(await run.plain(4, 5), 9);
  assert.deepEqual(await run.pairBack('héllo', new Uint8Array([1, 2, 3])), ['héllo', new Uint8Array([1, 2, 3]), 6]);
  // Ten calls in flight at once, each waiting for its own sleep, woken in reverse order.
  const fanned = run.fan(10);
  for (let turn = 0; turn < 100 && sleeps.length < 10; turn++) await new Promise((r) => setTimeout(r, 0));
  assert.equal(sleeps.length, 10, 'every call reached the host');
  for (const wake of sleeps.splice(0).reverse()) wake();
  assert.equal(await fanned, 90);
});
