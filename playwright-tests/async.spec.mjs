// Component-model async in Chromium: the Rust guests of tests/guests/async-calls and async-streams
// (streams and futures as ReadableStreams and promises) and the hand-written
// components of tests/node/wat/async-*.wat, with 'none' (the guest never blocks: callback-lifted
// exports need no JSPI) and with 'jspi', where a guest that blocks in core code (a sync call of an
// async host function answered with a promise, `waitable-set.wait` with nothing to take, a stackful
// export, a sync call of another component's function lifted `async`) is suspended; async calls
// between components (cancelled, too, and a sync caller's deadlock found), `error-context` values,
// and streams and futures handed between two guests, composed by wac and linked in the page, copied
// memory to memory. The host's promises are settled by the page's own code (one by a timer, to show
// a late answer is no deadlock): no wall clock is asserted.

import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openHarness } from './support.mjs';

test.beforeEach(({ page }) => openHarness(page));

/** A hand-written component's bytes, from tests/node/wat/NAME.wat (`wasm-tools parse`), as an array the page can take. */
function watComponent(name) {
  const file = fileURLToPath(new URL(`../tests/node/wat/${name}.wat`, import.meta.url));
  const r = spawnSync('wasm-tools', ['parse', file]);
  if (r.status !== 0) throw new Error(`wasm-tools parse: ${r.stderr}`);
  return [...r.stdout];
}

for (const blocking of ['none', 'jspi', 'worker']) {
  test(`the Rust async guest with blocking '${blocking}': a sleep the page wakes, 50 calls fanned out, a late trap`, async ({ page }) => {
    const result = await page.evaluate(async (blocking) => {
      const component = await window.terrarium.load('/components/async-calls.wasm');
      const sleeps = [];
      const { exports } = await component.instantiate(
        {
          'example:async-calls/host': {
            sleep: () => new Promise((resolve) => sleeps.push(resolve)),
            double: (v) => (v % 2 ? Promise.resolve(v * 2) : v * 2),
            note() {},
          },
        },
        { blocking, wasi: { stderr: () => {} } },
      );
      const order = [];
      const slow = exports.api.slowAdd(40, 2).then((v) => order.push(`slow ${v}`));
      order.push(`fan-out ${await exports.api.fanOut(50)}`);
      order.push(`echo ${await exports.api.echo('héllo')}`);
      sleeps[0]();
      await slow;
      const failing = exports.api.failLater();
      // In a worker the guest's call of sleep takes its own turns to reach the page.
      while (sleeps.length < 2) await new Promise((r) => setTimeout(r, 0));
      sleeps[1]();
      const failure = await window.harness.failure(() => failing);
      return { order, failure, syncAdd: await window.harness.failure(() => exports.api.syncAdd(1, 2)) };
    }, blocking);
    expect(result.order).toEqual(['fan-out 2450', 'echo héllo', 'slow 42']);
    expect(result.failure.kind).toBe('trap');
    expect(result.syncAdd.kind).toBe('dead');
  });
}

test("under 'jspi' a guest blocking in core code is suspended, holding its instance, until the page settles the host's promise", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const pending = {};
    const wait = (id) =>
      new Promise((resolve) => {
        pending[id] = resolve;
      });
    const { exports } = await component.instantiate({ 'test:async/host': { wait, log() {} } }, { blocking: 'jspi' });
    const order = [];
    // A sync lower of the async `wait`: the guest is suspended in the call, holding its instance.
    const sync = exports.callSync(1).then((v) => order.push(`call-sync ${v}`));
    // Another callback-lifted call waits to enter meanwhile.
    const inline = exports.waitInline(2).then((v) => order.push(`wait-inline ${v}`));
    await new Promise((r) => setTimeout(r, 0));
    order.push(`waiting for ${Object.keys(pending)}`);
    // A sync export runs meanwhile: the suspended task is not on the stack.
    order.push(`add ${await exports.add(1, 2)}`);
    pending[1](10);
    await sync;
    await new Promise((r) => setTimeout(r, 0));
    // `waitable-set.wait` in core code, the subtask still in flight: suspended there.
    order.push(`waiting for ${Object.keys(pending)}`);
    pending[2](20);
    await inline;
    order.push(`then ${await exports.contextYield(7)}`);
    return order;
  }, watComponent('async-builtins'));
  expect(result).toEqual(['waiting for 1', 'add 3', 'call-sync 10', 'waiting for 1,2', 'wait-inline 20', 'then 7']);
});

test("stackful async exports under 'jspi': each suspended in waitable-set.wait until its host promise settles", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const pending = {};
    const wait = (id) => (id === 3 ? 30 : new Promise((resolve) => (pending[id] = resolve)));
    const { exports } = await component.instantiate({ 'test:async/host': { wait } }, { blocking: 'auto' });
    const order = [];
    const one = exports.waitFor(1).then((v) => order.push(`one ${v}`));
    const two = exports.waitFor(2).then((v) => order.push(`two ${v}`));
    order.push(`three ${await exports.waitFor(3)}`);
    await new Promise((r) => setTimeout(r, 0));
    order.push(`waiting for ${Object.keys(pending)}`);
    pending[2](20);
    await two;
    pending[1](10);
    await one;
    const failure = await window.harness.failure(() => exports.noReturn());
    return { order, failure };
  }, watComponent('async-stackful'));
  expect(result.order).toEqual(['three 30', 'waiting for 1,2', 'two 20', 'one 10']);
  expect(result.failure.kind).toBe('trap');
  expect(result.failure.message).toMatch(/`no-return` returned without calling `task\.return`/);
});

test("an async function lifted without `async`, under 'jspi': suspended in a sync call until the page settles it", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    let wake;
    const wait = () => new Promise((resolve) => (wake = resolve));
    const { exports } = await component.instantiate({ 'test:async/host': { wait, log() {} } }, { blocking: 'jspi' });
    const order = [];
    const lifted = exports.syncLifted(4).then((v) => order.push(`sync-lifted ${v}`));
    await new Promise((r) => setTimeout(r, 0));
    order.push('suspended');
    wake(40);
    await lifted;
    return order;
  }, watComponent('async-builtins'));
  expect(result).toEqual(['suspended', 'sync-lifted 40']);
});

test("thread.yield under 'jspi' suspends a stackful task for a turn: a task started after it finishes first", async ({ page }) => {
  const order = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const { exports } = await component.instantiate({ 'test:async/host': { wait: (id) => id * 10 } }, { blocking: 'jspi' });
    const order = [];
    const yielding = exports.yieldThen(5).then((v) => order.push(`yield-then ${v}`));
    const direct = exports.waitFor(3).then((v) => order.push(`wait-for ${v}`));
    await Promise.all([yielding, direct]);
    return order;
  }, watComponent('async-stackful'));
  expect(order).toEqual(['wait-for 30', 'yield-then 5']);
});

test("under 'worker' a stackful export blocks the worker in its wait until the page answers; a wait that cannot end so is refused as unsupported", async ({ page }) => {
  const result = await page.evaluate(async ([stackfulBytes, builtinsBytes]) => {
    const stackful = await window.terrarium.load(new Uint8Array(stackfulBytes));
    const pending = {};
    const wait = (id) => (id === 3 ? 30 : new Promise((resolve) => (pending[id] = resolve)));
    const s = await stackful.instantiate({ 'test:async/host': { wait } }, { blocking: 'worker' });
    const turn = () => new Promise((r) => setTimeout(r, 0));
    const direct = await s.exports.waitFor(3);
    const yielded = await s.exports.yieldThen(5);
    const one = s.exports.waitFor(1);
    while (pending[1] === undefined) await turn();
    pending[1](10);
    const waited = await one;
    // A call from the page while a task blocks in its wait: the wait gives up.
    const blocked = window.harness.failure(() => s.exports.waitFor(2));
    while (pending[2] === undefined) await turn();
    const meanwhile = await window.harness.failure(() => s.exports.waitFor(3));
    const refused = await blocked;
    const builtins = await window.terrarium.load(new Uint8Array(builtinsBytes));
    let wake;
    const b = await builtins.instantiate({ 'test:async/host': { wait: (id) => new Promise((r) => (wake = () => r(id * 10))), log() {} } }, { blocking: 'worker' });
    const sync = b.exports.callSync(9);
    while (wake === undefined) await turn();
    wake();
    return { direct, yielded, waited, refused, meanwhile: meanwhile.kind, sync: await sync };
  }, [watComponent('async-stackful'), watComponent('async-builtins')]);
  expect(result.direct).toBe(30);
  expect(result.yielded).toBe(5);
  expect(result.waited).toBe(10);
  expect(result.refused.kind).toBe('unsupported');
  expect(result.refused.message).toMatch(/^`waitable-set\.wait` in `wait-for` would have to wait for waitable set \d+; .*the page called into the instance meanwhile/);
  expect(result.meanwhile).toBe('dead');
  expect(result.sync).toBe(90);
});

test("under 'jspi' a sync caller waits for a callee component lifted async (callback and stackful); async callers get subtasks", async ({ page }) => {
  const result = await page.evaluate(async ([jspiBytes, betweenBytes]) => {
    const jspi = await window.terrarium.load(new Uint8Array(jspiBytes));
    const { exports } = await jspi.instantiate({}, { blocking: 'jspi' });
    const syncAddLater = await exports.syncAddLater(2, 3);
    const syncAddStackful = await exports.syncAddStackful(4, 5);
    const callStackful = await exports.callStackful(6, 7);
    // A stackful task waits in \`waitable-set.wait\` for a subtask into the other component (refused in a
    // worker); JSPI resumed it, and the calls right after it are no re-entrance.
    const waitAddLater = await exports.waitAddLater(8, 9);
    const both = await Promise.all([exports.syncAddLater(1, 1), exports.callStackful(2, 2)]);
    // What runs without JSPI runs under it too: a callee that returns its result before it first
    // waits is RETURNED at once (its core function runs at once, through \`WebAssembly.promising\`).
    const between = await window.terrarium.load(new Uint8Array(betweenBytes));
    const log = [];
    const b = await between.instantiate({ log: (v) => log.push(v) }, { blocking: 'jspi' });
    const echo = await b.exports.callEcho('héllo ✓');
    const add = await b.exports.callAddLater(20, 22);
    return { syncAddLater, syncAddStackful, callStackful, waitAddLater, both, echo, add, log };
  }, [watComponent('async-between-jspi'), watComponent('async-between')]);
  expect(result).toEqual({ syncAddLater: 5, syncAddStackful: 9, callStackful: 13, waitAddLater: 17, both: [2, 4], echo: 'héllo ✓', add: 42, log: [2, 1, 2] });
});

for (const blocking of ['jspi', 'worker']) {
  test(`with blocking '${blocking}', an async host function whose result is a future returns the future at once, lowered async or sync`, async ({ page }) => {
    const result = await page.evaluate(
      async ([bytes, blocking]) => {
        const component = await window.terrarium.load(new Uint8Array(bytes));
        const log = [];
        let settle = null;
        const later = () => new Promise((resolve) => (settle = resolve));
        // Settled only once the guest saw its read BLOCKED: the call returned before, with the future.
        const onLog = (v) => {
          log.push(v);
          if (v === 0xffff_ffff) settle(42);
        };
        const made = await component.instantiate({ later, log: onLog }, { blocking });
        const run = await made.exports.run();
        // Lowered sync: never settled, and no wait (a JSPI suspension would never end).
        const sync = [];
        const other = await component.instantiate({ later: () => new Promise(() => {}), log: (v) => sync.push(v) }, { blocking });
        sync.push(await other.exports.runSync());
        return { run, log, sync };
      },
      [watComponent('async-host-future'), blocking],
    );
    // RETURNED, BLOCKED, FUTURE_READ COMPLETED; lowered sync: BLOCKED, CANCELLED, and the task's 0.
    expect(result).toEqual({ run: 42, log: [2, 0xffff_ffff, 4, 0], sync: [0xffff_ffff, 2, 0] });
  });
}

test("under 'jspi', a task lent a borrow may neither return nor cancel while it holds it; dropped first, it may", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    class Thing {}
    const log = [];
    const made = async () => (await component.instantiate({ 'test:borrows/host': { Thing }, log: (v) => log.push(v) }, { blocking: 'jspi' })).exports;
    const holdReturn = await window.harness.failure(async () => (await made()).holdReturn(new Thing()));
    const cancelHold = await window.harness.failure(async () => (await made()).cancelHold(new Thing()));
    log.length = 0;
    // Each on a fresh instance: a call right after another may find its callee still leaving the
    // instance (JSPI resumes it a turn later), and cancelled there, it never runs.
    return {
      holdReturn: holdReturn.message,
      cancelHold: cancelHold.message,
      dropReturn: await (await made()).dropReturn(new Thing()),
      cancelDrop: await (await made()).cancelDrop(new Thing()),
      log,
    };
  }, watComponent('async-borrows'));
  expect(result.holdReturn).toMatch(/`task\.return` was called by `hold-return` while it still holds 1 borrowed handle/);
  expect(result.cancelHold).toMatch(/`task\.cancel` was called by `hold-cancel` while it still holds 1 borrowed handle/);
  expect([result.dropReturn, result.cancelDrop]).toEqual([7, 0]);
  expect(result.log).toEqual([1, 0xffff_ffff, 4]); // STARTED, BLOCKED, CANCELLED_BEFORE_RETURNED
});

test('error-context values in the page: made by the guest, passed from JS as any Error, handed from a nested component', async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const { exports } = await component.instantiate({});
    const made = exports.new('made by the guest');
    return {
      isErrorContext: made instanceof window.terrarium.ErrorContext && made instanceof Error,
      debugMessage: made.debugMessage,
      sameBack: exports.echo(made) === made,
      fromJs: exports.message(new TypeError('from the page')),
      fromInner: exports.makeInner('from the nested one'),
      dropTwice: await window.harness.failure(() => exports.dropTwice(new Error('x'))),
    };
  }, watComponent('async-error-context'));
  const { dropTwice, ...values } = result;
  expect(values).toEqual({ isErrorContext: true, debugMessage: 'made by the guest', sameBack: true, fromJs: 'from the page', fromInner: 'from the nested one' });
  expect(dropTwice.kind).toBe('trap');
});

for (const blocking of ['none', 'jspi', 'worker']) {
  test(`two Rust async guests composed by wac, with blocking '${blocking}': async calls between them`, async ({ page }) => {
    const result = await page.evaluate(async (blocking) => {
      const component = await window.terrarium.load('/components/async-client-calls.wasm');
      const sleeps = [];
      const { exports } = await component.instantiate(
        { 'example:async-calls/host': { sleep: () => new Promise((resolve) => sleeps.push(resolve)), double: (v) => v * 2, note() {} } },
        { blocking, wasi: { stderr: () => {} } },
      );
      const echoed = exports.run.addAndEcho(2, 3);
      for (let turn = 0; turn < 100 && sleeps.length < 1; turn++) await new Promise((r) => setTimeout(r, 0));
      sleeps.shift()();
      const fanned = exports.run.fan(10);
      for (let turn = 0; turn < 100 && sleeps.length < 10; turn++) await new Promise((r) => setTimeout(r, 0));
      const started = sleeps.length;
      for (const wake of sleeps.splice(0).reverse()) wake();
      return { echoed: await echoed, started, fanned: await fanned, plain: await exports.run.plain(4, 5) };
    }, blocking);
    expect(result).toEqual({ echoed: 'sum 5', started: 10, fanned: 90, plain: 9 });
  });
}

for (const blocking of ['none', 'jspi', 'worker']) {
  test(`streams and futures of the Rust guest with blocking '${blocking}': ReadableStream both ways, a slow reader, cancel, futures`, async ({ page }) => {
    const result = await page.evaluate(async (blocking) => {
      const component = await window.terrarium.load('/components/async-streams.wasm');
      const reported = [];
      const { exports } = await component.instantiate({ 'example:async-streams/host': { written: (n) => reported.push(Number(n)), numbers: (n) => [n] } }, { blocking });
      const { api } = exports;
      const tick = () => new Promise((r) => setTimeout(r, 0));
      const source = new ReadableStream({
        start(c) {
          for (const s of ['stream', 's in ', 'chromium']) c.enqueue(new TextEncoder().encode(s));
          c.close();
        },
      });
      let upper = '';
      for await (const chunk of await api.upper(source)) upper += new TextDecoder().decode(chunk);
      const reader = (await api.countUntilDropped()).getReader();
      const seen = [];
      for (let i = 0; i < 2; i++) {
        seen.push(...(await reader.read()).value);
        await tick();
      }
      await reader.cancel();
      while (reported.length === 0) await tick();
      const words = [];
      for await (const w of await api.words(3)) words.push(w);
      return {
        upper,
        // A read takes the guest's 1024-byte writes until its chunk (twice the last) is full: 1024, then 2048.
        inOrder: seen.every((b, i) => b === (i & 0xff)) && seen.length === 3072,
        reported,
        words,
        greeting: await api.greetLater('page'),
        doubled: await api.doubleFuture(Promise.resolve(21)),
        sum: await api.sumPoints([{ x: 1, y: 1 }, { x: 2, y: 3 }]),
      };
    }, blocking);
    expect(result).toEqual({
      upper: 'STREAMS IN CHROMIUM',
      inOrder: true,
      reported: [3072],
      words: ['word-0', 'word-1', 'word-2'],
      greeting: 'hello, page',
      doubled: 42,
      sum: { x: 3, y: 4 },
    });
  });
}

test('a BYOB reader of a stream<u8> in Chromium, and an AbortSignal that cancels the guest side both ways', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const component = await window.terrarium.load('/components/async-streams.wasm');
    const reported = [];
    const { exports } = await component.instantiate({ 'example:async-streams/host': { written: (n) => reported.push(Number(n)), numbers: () => [] } });
    const { api } = exports;
    const tick = () => new Promise((r) => setTimeout(r, 0));
    // The guest's tasks may take several turns to see DROPPED and report: at most 100.
    const reports = async (n) => {
      for (let i = 0; i < 100 && reported.length < n; i++) await tick();
    };
    const byob = (await api.countUntilDropped()).getReader({ mode: 'byob' });
    const sizes = [];
    let inOrder = true;
    let total = 0;
    for (const size of [100, 2000]) {
      const { value } = await byob.read(new Uint8Array(size));
      sizes.push(value.length);
      for (const b of value) inOrder &&= b === (total++ & 0xff);
    }
    await byob.cancel();
    await reports(1);
    const received = new AbortController();
    const sink = new WritableStream({ write: () => received.abort() });
    const piped = await (await api.countUntilDropped()).pipeTo(sink, { signal: received.signal }).then(() => 'closed', (e) => e.name);
    await reports(2);
    const passed = new AbortController();
    let cancelled = null;
    const source = new ReadableStream({ start: (c) => c.enqueue(new Uint8Array(5)), cancel: (reason) => (cancelled = reason.name) });
    const count = api.byteCount(source.pipeThrough(new TransformStream(), { signal: passed.signal }));
    for (let i = 0; i < 5; i++) await tick();
    passed.abort();
    return { sizes, inOrder, firstReport: reported[0], piped, reports: reported.length, count: Number(await count), cancelled };
  });
  // Each view is filled, from one guest write of 1024 bytes or several; the guest wrote exactly what they took.
  expect(result).toEqual({ sizes: [100, 2000], inOrder: true, firstReport: 2100, piped: 'AbortError', reports: 2, count: 5, cancelled: 'AbortError' });
});

test("under 'jspi' a synchronous stream.read in an async task is suspended until the page's stream gives a chunk", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const { exports: g } = await component.instantiate({}, { blocking: 'jspi' });
    let controller;
    const source = new ReadableStream({ start: (c) => void (controller = c) }, { highWaterMark: 0 });
    const r = await g.takeBytes(source);
    const order = [];
    const read = g.readSyncInAsync(r).then((v) => order.push(`read ${v >>> 4} byte(s)`));
    await new Promise((res) => setTimeout(res, 0));
    order.push('suspended');
    controller.enqueue(new Uint8Array([9, 8]));
    await read;
    order.push(`bytes ${await g.peek(0)},${await g.peek(1)}`);
    return order;
  }, watComponent('async-streams'));
  expect(result).toEqual(['suspended', 'read 2 byte(s)', 'bytes 9,8']);
});

test("under 'jspi' a sync subtask.cancel waits until the callee component answers TASK_CANCELLED; the async one returns BLOCKED; a callee busy in a host call is told at its next WAIT", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    let asked;
    const waiting = new Promise((resolve) => (asked = resolve));
    const wait = () => new Promise(asked);
    const run = async (name, before = () => {}) => {
      const log = [];
      const notes = [];
      const { exports } = await component.instantiate({ log: (v) => log.push(v), note: (v) => notes.push(v), wait }, { blocking: 'jspi' });
      before(exports);
      return { result: await exports[name](), log, notes };
    };
    // `busy-wait-cancel` is suspended in the host's `wait` when its caller cancels it: it is told
    // only once its first core call returns WAIT, after the page answers.
    const busy = run('cancelBusyWaitCancel');
    const answer = await waiting;
    answer(0);
    return {
      sync: await run('cancelSync'),
      async: await run('cancelWaitCancel'),
      ignored: await run('cancelYieldReturn'),
      beforeStart: await run('cancelWaitCancel', (exports) => exports.calleeBlock()),
      busy: await busy,
    };
  }, watComponent('async-cancel'));
  // STARTED 1, RETURNED 2, CANCELLED_BEFORE_RETURNED 4, BLOCKED 0xffffffff; TASK_CANCELLED 6.
  expect(result).toEqual({
    sync: { result: 0, log: [1, 4], notes: [6] },
    async: { result: 0, log: [1, 0xffff_ffff, 4], notes: [6] },
    ignored: { result: 7, log: [1, 0xffff_ffff, 2], notes: [6] },
    beforeStart: { result: 0, log: [1, 4], notes: [] },
    busy: { result: 0, log: [1, 0xffff_ffff, 4], notes: [6] },
  });
});

test("under 'jspi' a sync caller waiting for a callee component that never returns is a deadlock; a host promise, however late, is not", async ({ page }) => {
  const result = await page.evaluate(async (bytes) => {
    const component = await window.terrarium.load(new Uint8Array(bytes));
    const order = [];
    // The host's answer comes from a timer, a few macrotask turns after the callee began to wait.
    const wait = () => {
      order.push('host waits');
      return new Promise((resolve) => setTimeout(() => (order.push('timer fired'), resolve(42)), 20));
    };
    const late = await component.instantiate({ wait }, { blocking: 'jspi' });
    order.push(`sync-wait-host ${await late.exports.syncWaitHost()}`);
    const stuck = await component.instantiate({ wait }, { blocking: 'jspi' });
    const deadlock = await window.harness.failure(() => stuck.exports.syncStuck());
    const after = await window.harness.failure(() => stuck.exports.syncWaitHost());
    return { order, deadlock, after };
  }, watComponent('async-deadlock-jspi'));
  expect(result.order).toEqual(['host waits', 'timer fired', 'sync-wait-host 42']);
  expect(result.deadlock.kind).toBe('trap');
  expect(result.deadlock.message).toMatch(/deadlock in `.*`: every task is waiting.*`sync-stuck` waits for `stuck` to return/);
  expect(result.after.kind).toBe('dead');
});
for (const [linked, blocking] of [[false, 'none'], [false, 'jspi'], [true, 'none'], [true, 'jspi']]) {
  test(`streams and futures handed between two Rust guests ${linked ? 'linked in the page' : 'composed by wac'}, blocking '${blocking}': memory to memory, no JS stream or future read`, async ({ page }) => {
    const result = await page.evaluate(async ([linked, blocking]) => {
      const made = window.harness.spyOnReadableStreams(window);
      const { load } = window.terrarium;
      const reported = [];
      const host = { 'example:async-streams/host': { written: (n) => reported.push(Number(n)), numbers: () => [] } };
      const options = { blocking, wasi: { stderr: () => {} } };
      let relay;
      let producer = null;
      if (linked) {
        producer = await (await load('/components/async-streams.wasm')).instantiate(host, options);
        relay = (await (await load('/components/stream-relay.wasm')).instantiate({ 'example:async-streams/api': producer.exports.api }, options)).exports.relay;
      } else {
        relay = (await (await load('/components/stream-relay-streams.wasm')).instantiate(host, options)).exports.relay;
      }
      const text = (s) => new TextEncoder().encode(s);
      const decode = (b) => new TextDecoder().decode(b);
      const until = async (ready) => {
        for (let i = 0; i < 100 && !ready(); i++) await new Promise((r) => setTimeout(r, 0));
      };
      const before = { ...made };
      const [words] = await relay.words(3, 2);
      const tags = await relay.tags(2);
      const [upper, reads, zeroReadsEmpty] = await relay.upper(text('stream in chromium '.repeat(20)), 11, 5);
      const taken = (await relay.take(1500)).length;
      await until(() => reported.length > 0);
      const [readCancelled, afterRead] = await relay.cancelRead(text('abc'));
      const [writeCancelled, left] = await relay.cancelWrite(text('abc'), text('de'));
      const greeting = await relay.greeting('page');
      const jsStreams = linked ? made.pulls - before.pulls : made.streams - before.streams;
      // (`greeting`'s future, an async export's result, JS reads: it flattens the export's promise)
      const futureReads = made.futureReads;
      const futures = [await relay.doubleLater(21), await relay.greetViaFuture('page')];
      const jsFutures = made.futureReads - futureReads;
      let survivor = null;
      if (linked) {
        const reader = (await relay.relayCount()).getReader();
        const first = (await reader.read()).value.length;
        const trap = await window.harness.failure(() => relay.boom());
        await until(() => reported.length > 1);
        survivor = { trap: trap.kind, droppedAt: reported[1] === first, alive: Number(await producer.exports.api.byteCount([text('ok')])) };
      }
      return {
        words, tags, upper: decode(upper) === 'STREAM IN CHROMIUM '.repeat(20), partial: reads >= 76, zeroReadsEmpty,
        taken, reported: reported[0], readCancelled, afterRead: decode(afterRead), writeCancelled, left, greeting,
        futures, jsStreams, jsFutures, survivor,
      };
    }, [linked, blocking]);
    expect(result).toEqual({
      words: ['word-0', 'word-1', 'word-2'],
      tags: [{ name: 'tag-0', n: 0 }, { name: 'tag-1', n: 1 }],
      upper: true,
      partial: true,
      zeroReadsEmpty: true,
      taken: 1500,
      reported: 1500,
      readCancelled: true,
      afterRead: 'ABC',
      writeCancelled: true,
      left: 2,
      greeting: 'hello, page',
      futures: [42, 'hello, page'],
      jsStreams: 0,
      jsFutures: 0,
      survivor: linked ? { trap: 'trap', droppedAt: true, alive: 2 } : null,
    });
  });
}
