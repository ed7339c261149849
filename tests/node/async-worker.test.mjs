// Component-model async under `blocking: 'worker'` (Node 20 has no JSPI: this is the path Node users
// get). Each scenario runs the async guests on the main thread ('none') and in the worker, and the
// two must give the same values: what the main thread gives is what the async-*.test.mjs files
// assert. Then what only the worker has: async host calls answered while the worker's other tasks
// go on, a host's future returned at once, backpressure and cancel across the boundary, a trap
// that kills only its instance, a sync call that blocks the worker, and a stackful task that would
// have to wait (for the page, or for another task of the worker itself), refused where it would.
// No wall clock: the tests wait for readiness (what the host saw), never for time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, ErrorContext, TerrariumError } from '../../js/index.js';
import { collector, guestBytes, watBytes } from './support.mjs';

const wat = async (name) => load(watBytes({ file: new URL(`./wat/${name}.wat`, import.meta.url).pathname }));
const asyncCalls = await load(await guestBytes('async-calls'));
const asyncStreams = await load(await guestBytes('async-streams'));
const asyncClient = await load(await guestBytes('async-client-calls'));

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Lets turns pass until `ready()` holds: the worker answers in its own time. */
async function until(ready) {
  while (!ready()) await tick();
}

/** What a call gave: `{ok}`, or `{error}` with what says which (a sync throw or a rejection alike). */
async function outcome(call) {
  try {
    return { ok: await call() };
  } catch (e) {
    return { error: { name: e.name, kind: e.kind, message: e.message } };
  }
}

/** Every chunk of `stream`, read with `for await`. */
async function collect(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

const text = (s) => new TextEncoder().encode(s);
const decode = (chunks) => chunks.map((c) => new TextDecoder().decode(c)).join('');

/** Runs `scenario(blocking)` on the main thread and in the worker: the same values both ways. */
async function sameInWorker(scenario) {
  const main = await scenario('none');
  const worker = await scenario('worker');
  assert.deepStrictEqual(worker, main);
  return main;
}

test('the Rust async guest in the worker: the same values, a host promise pending while other calls finish, a late trap', async () => {
  const result = await sameInWorker(async (blocking) => {
    const sleeps = [];
    const notes = [];
    const stderr = collector();
    const made = await asyncCalls.instantiate(
      {
        'example:async-calls/host': {
          sleep: (ms) => new Promise((resolve) => sleeps.push({ ms, resolve })),
          double: (v) => (v % 2 === 0 ? v * 2 : Promise.resolve(v * 2)),
          note: (msg) => notes.push(msg),
        },
      },
      { blocking, wasi: { stderr } },
    );
    const api = made.exports.api;
    const order = [];
    const slow = api.slowAdd(2, 3).then((v) => order.push(['slow-add', v]));
    order.push(['echo', await api.echo('héllo, wörld')]);
    order.push(['pair', await api.pair('x', new Uint8Array([1, 2, 3]))]);
    order.push(['fan-out', await api.fanOut(50)]);
    order.push(['note-and-count', await api.noteAndCount('four'), [...notes]]);
    order.push(['sync-add', await api.syncAdd(40, 2)]);
    await until(() => sleeps.length === 1);
    order.push(['slept', sleeps[0].ms]);
    sleeps[0].resolve();
    await slow;
    const pending = outcome(() => api.slowAdd(1, 2));
    const failing = outcome(() => api.failLater());
    await until(() => sleeps.length === 3);
    sleeps[2].resolve();
    order.push(['fail-later', await failing]);
    order.push(['pending', await pending]);
    order.push(['after', await outcome(() => api.syncAdd(1, 1))]);
    order.push(['stderr', /fail-later: the guest gave up after awaiting the host/.test(stderr.text())]);
    return { blocking: made.blocking === blocking, order };
  });
  assert.equal(result.order[0][0], 'echo', 'slow-add waited for the host promise while the other calls finished');
  assert.deepEqual(result.order.at(-4)[1].error.kind, 'trap');
});

test('two Rust async guests composed by wac: async calls between them in the worker', async () => {
  await sameInWorker(async (blocking) => {
    const sleeps = [];
    const { exports } = await asyncClient.instantiate(
      { 'example:async-calls/host': { sleep: () => new Promise((resolve) => sleeps.push(resolve)), double: (v) => v * 2, note() {} } },
      { blocking, wasi: { stderr: () => {} } },
    );
    const echoed = exports.run.addAndEcho(2, 3);
    await until(() => sleeps.length === 1);
    sleeps.shift()();
    const fanned = exports.run.fan(10);
    await until(() => sleeps.length === 10);
    for (const wake of sleeps.splice(0).reverse()) wake();
    return { echoed: await echoed, fanned: await fanned, plain: await exports.run.plain(4, 5) };
  });
});

/** An async-streams instance; `reported` holds what `count-until-dropped` reported. */
async function streams(blocking, hostNumbers = (n) => Array.from({ length: n }, (_, i) => i)) {
  const reported = [];
  const made = await asyncStreams.instantiate({ 'example:async-streams/host': { written: (n) => reported.push(n), numbers: hostNumbers } }, { blocking });
  return { api: made.exports.api, reported, made };
}

test('streams and futures in the worker: ReadableStream, async iterables and arrays both ways, futures as promises', async () => {
  await sameInWorker(async (blocking) => {
    const { api } = await streams(blocking);
    async function* generated() {
      yield text('gen');
      yield new Uint8Array(0);
      yield text('erated');
    }
    const source = new ReadableStream({
      start(c) {
        for (const s of ['read', 'able']) c.enqueue(text(s));
        c.close();
      },
    });
    const big = new Uint8Array(1 << 20).map((_, i) => 97 + (i % 26));
    const upperBig = new Uint8Array(await new Response(await api.upper([big])).arrayBuffer());
    async function* points() {
      for (let i = 1; i <= 10; i++) yield { x: i, y: 2 * i };
    }
    async function* slowly(n) {
      for (let i = 1; i <= n; i++) {
        await tick();
        yield i;
      }
    }
    const later = Promise.withResolvers?.() ?? (() => {
      let resolve;
      const promise = new Promise((r) => (resolve = r));
      return { promise, resolve };
    })();
    const doubledLater = api.doubleFuture(later.promise);
    later.resolve(100);
    const counters = await collect(await api.counters(4));
    return {
      arrays: decode(await collect(await api.upper([text('ab'), text('cd')]))),
      readable: decode(await collect(await api.upper(source))),
      generated: decode(await collect(await api.upper(generated()))),
      big: upperBig.length === big.length && upperBig.every((b, i) => b === 65 + (i % 26)),
      byteCount: await api.byteCount([text('one'), text('two')]),
      lengths: await collect(await api.lengths([['ab', 'c'], [], ['héllo']])),
      words: await collect(await api.words(4)),
      none: await collect(await api.words(0)),
      points: await api.sumPoints([{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: -10, y: 0 }]),
      generatedPoints: await api.sumPoints(points()),
      misfit: await api.sumPoints([{ x: 1, y: 2 }, { x: 'no' }, { x: 5, y: 5 }]),
      greeting: await api.greetLater('ann'),
      doubled: [await api.doubleFuture(21), await api.doubleFuture(Promise.resolve(5)), await api.doubleFuture({ then: (r) => r(7) }), await doubledLater],
      hostNumbers: await api.sumHostNumbers(101),
      slowHostNumbers: await (await streams(blocking, slowly)).api.sumHostNumbers(10),
      counters: [counters.every((c) => c instanceof api.Counter), await Promise.all(counters.map((c) => c.value()))],
      total: await api.total(counters),
      moved: (await outcome(() => counters[0].value())).error?.name,
      // In the worker a constructor runs there: `await new Class()`.
      fresh: await api.total(await Promise.all([new api.Counter(7), new api.Counter(8)])),
      misuse: await outcome(() => api.upper(42)),
    };
  });
});

test('a slow page reader stalls the guest in the worker: it wrote exactly what was read, and cancel() ends its writes', async () => {
  await sameInWorker(async (blocking) => {
    const { api, reported } = await streams(blocking);
    const reader = (await api.countUntilDropped()).getReader();
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(...(await reader.read()).value);
    const before = [...reported];
    await reader.cancel();
    await until(() => reported.length > 0);
    // A stream copy is a rendezvous: a guest that wrote ahead of the reader would report more.
    return { seen: seen.every((b, i) => b === (i & 0xff)) && seen.length, before, reported };
  });
});

test('a slow guest reader in the worker stalls the page: the source is asked for a chunk only when the guest wants one', async () => {
  await sameInWorker(async (blocking) => {
    const { api } = await streams(blocking);
    let release;
    const gate = new Promise((r) => (release = r));
    const asked = [];
    async function* source() {
      asked.push('one');
      yield text('one');
      asked.push('two');
      await gate;
      yield text('two');
      asked.push('end');
    }
    const count = api.byteCount(source());
    await until(() => asked.length === 2);
    const whileGated = [...asked];
    release();
    return { whileGated, count: await count, asked };
  });
});

test('a BYOB reader in the page reads a guest stream<u8> from the worker', async () => {
  await sameInWorker(async (blocking) => {
    const { api } = await streams(blocking);
    const reader = (await api.upper([text('hello byob')])).getReader({ mode: 'byob' });
    let out = '';
    for (;;) {
      const { done, value } = await reader.read(new Uint8Array(4));
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    return out;
  });
});

test('error-context values cross to the worker and back as ErrorContext, with their debug message', async () => {
  const component = await wat('async-error-context');
  await sameInWorker(async (blocking) => {
    const { exports } = await component.instantiate({}, { blocking });
    const made = await exports.new('disk full: ünïcode ✓');
    const [echoed] = await exports.echoList([new RangeError('a plain error')]);
    return {
      made: [made instanceof ErrorContext, made instanceof Error, made.name, made.message, made.debugMessage],
      message: [await exports.message(made), await exports.message(new ErrorContext('made in JS'))],
      echoed: [echoed instanceof ErrorContext, echoed.message],
      checked: await outcome(() => exports.check(true, new Error('payload'))),
      inner: await exports.makeInner('from the inner one (utf16)'),
      misuse: (await outcome(() => exports.echo('not an error'))).error.name,
    };
  });
});

test('the built-ins in the worker: subtasks settled out of order, polls, backpressure, context across a YIELD', async () => {
  const component = await wat('async-builtins');
  await sameInWorker(async (blocking) => {
    const waits = {};
    const calls = [];
    const answers = { 1: 10, 8: 80, 10: 100 };
    const { exports } = await component.instantiate(
      {
        'test:async/host': {
          wait(id) {
            calls.push(id);
            return answers[id] ?? new Promise((resolve) => (waits[id] = resolve));
          },
          log() {},
        },
      },
      { blocking },
    );
    const order = [];
    const two = exports.callOne(2).then((v) => order.push(['two', v]));
    const three = exports.callOne(3).then((v) => order.push(['three', v]));
    await until(() => waits[2] !== undefined && waits[3] !== undefined);
    waits[3](30);
    await three;
    waits[2](20);
    await two;
    return {
      order,
      one: await exports.callOne(1),
      syncValue: await exports.callSync(8),
      inline: await exports.waitInline(10),
      context: await Promise.all([exports.contextYield(1), exports.contextYield(2)]),
      add: await exports.add(1, 2),
    };
  });
});

test("subtask.cancel of a host call in flight in the worker cancels the page's promise (its cancel())", async () => {
  const component = await wat('async-builtins');
  await sameInWorker(async (blocking) => {
    const cancelled = [];
    const wait = (id) => {
      const p = new Promise(() => {});
      p.cancel = () => cancelled.push(id);
      return p;
    };
    const { exports } = await component.instantiate({ 'test:async/host': { wait, log() {} } }, { blocking });
    const results = [await exports.cancelOne(7), await exports.cancelAsync(8)];
    await until(() => cancelled.length === 2);
    return { results, cancelled, goesOn: await exports.contextYield(3) };
  });
});

test('an async host function whose result is a future returns the future at once, lowered async or sync, on the main thread and in the worker', async () => {
  const component = await wat('async-host-future');
  const RETURNED = 2;
  const BLOCKED = 0xffff_ffff;
  const FUTURE_READ = 4;
  const COMPLETED = 0;
  const log = await sameInWorker(async (blocking) => {
    const log = [];
    let settle = null;
    // The future's promise settles only once the guest was told its read is BLOCKED: the call
    // must have returned before that, with the future, not waited for its value.
    const imports = {
      later: () => new Promise((resolve) => (settle = resolve)),
      log(v) {
        log.push(v);
        if (v === BLOCKED) settle(42);
      },
    };
    const made = await component.instantiate(imports, { blocking });
    log.push(await made.exports.run());
    made[Symbol.dispose]();
    return log;
  });
  assert.deepEqual(log, [RETURNED, BLOCKED, FUTURE_READ, COMPLETED, 42], 'RETURNED with the future, whose read waited for the host');

  // Lowered sync: the future comes back at once too, though the host never settles it.
  const CANCELLED = 2;
  const sync = await sameInWorker(async (blocking) => {
    const log = [];
    const made = await component.instantiate({ later: () => new Promise(() => {}), log: (v) => log.push(v) }, { blocking });
    log.push(await made.exports.runSync());
    made[Symbol.dispose]();
    return log;
  });
  assert.deepEqual(sync, [BLOCKED, CANCELLED, 0], 'the read of the unsettled future BLOCKED, then cancelled');
});

test('a host promise that rejects kills the instance in the worker with the host error, as on the main thread', async () => {
  const component = await wat('async-builtins');
  await sameInWorker(async (blocking) => {
    let fail;
    const { exports } = await component.instantiate(
      { 'test:async/host': { wait: () => new Promise((_, reject) => (fail = reject)), log() {} } },
      { blocking },
    );
    const call = outcome(() => exports.callOne(14));
    await until(() => fail !== undefined);
    fail(new RangeError('host failed'));
    return { call: await call, after: (await outcome(() => exports.add(1, 1))).error.kind };
  });
});

test("a sync lower of an async host function blocks the worker until the page's promise settles", async () => {
  const component = await wat('async-builtins');
  let wake;
  const { exports } = await component.instantiate(
    { 'test:async/host': { wait: (id) => new Promise((resolve) => (wake = () => resolve(id * 10))), log() {} } },
    { blocking: 'worker' },
  );
  // On the main thread without JSPI this traps (async-builtins.test.mjs); the worker can block.
  const sync = exports.callSync(9);
  await until(() => wake !== undefined);
  wake();
  assert.equal(await sync, 90);
});

test('a trap in the worker kills that instance only: its pending calls reject, another instance goes on', async () => {
  const host = (sleeps) => ({
    'example:async-calls/host': { sleep: () => new Promise((resolve) => sleeps.push(resolve)), double: (v) => v * 2, note() {} },
  });
  const sleeps = [];
  const other = [];
  const dying = await asyncCalls.instantiate(host(sleeps), { blocking: 'worker', wasi: { stderr: () => {} } });
  const living = await asyncCalls.instantiate(host(other), { blocking: 'worker', wasi: { stderr: () => {} } });
  const pending = assert.rejects(dying.exports.api.slowAdd(1, 2), (e) => e.kind === 'trap');
  const failing = assert.rejects(dying.exports.api.failLater(), (e) => e instanceof TerrariumError && e.kind === 'trap' && /fail-later/.test(e.message));
  await until(() => sleeps.length === 2);
  sleeps[1]();
  await failing;
  await pending;
  await assert.rejects(dying.exports.api.echo('x'), (e) => e.kind === 'dead');
  assert.equal(await living.exports.api.echo('still here'), 'still here');
  dying[Symbol.dispose]();
  living[Symbol.dispose]();
});

test('a stream the page holds errors once its worker instance is disposed', async () => {
  const { api, made } = await streams('worker');
  const reader = (await api.countUntilDropped()).getReader();
  assert.equal((await reader.read()).value.length, 1024);
  made[Symbol.dispose]();
  await assert.rejects(reader.read(), (e) => e.kind === 'dead');
});

test('stackful async exports in the worker: a wait in core code blocks the worker until the page answers the host call', async () => {
  const component = await wat('async-stackful');
  const pending = {};
  const wait = (id) => (id === 3 ? 30 : new Promise((resolve) => (pending[id] = resolve)));
  const made = await component.instantiate({ 'test:async/host': { wait } }, { blocking: 'auto' });
  assert.equal(made.blocking, 'worker', "Node has no JSPI: 'auto' runs a stackful component in the worker");
  assert.equal(await made.exports.waitFor(3), 30, 'the host answered at once: nothing to wait for');
  assert.equal(await made.exports.yieldThen(5), 5, 'thread.yield goes on at once');
  const one = made.exports.waitFor(1);
  await until(() => pending[1] !== undefined);
  pending[1](10);
  assert.equal(await one, 10, 'waitable-set.wait blocked the worker until the page settled the promise');
  await assert.rejects(made.exports.noReturn(), (e) => e.kind === 'trap' && /`no-return` returned without calling `task\.return`/.test(e.message));
  made[Symbol.dispose]();
});

test("a wait in core code the page's answers cannot end is refused as 'unsupported' where it happens, never a hang", async () => {
  const stackful = await wat('async-stackful');
  const pending = {};
  const made = await stackful.instantiate({ 'test:async/host': { wait: (id) => new Promise((resolve) => (pending[id] = resolve)) } }, { blocking: 'worker' });
  // A task blocked in its wait cannot serve a call from the page: it gives up waiting.
  const blocked = made.exports.waitFor(1);
  await until(() => pending[1] !== undefined);
  const unsupported = (why) => (e) =>
    e instanceof TerrariumError &&
    e.kind === 'unsupported' &&
    e.message.startsWith('`waitable-set.wait` in `wait-for` would have to wait for waitable set ') &&
    e.message.includes(`; in the worker of \`blocking: 'worker'\` a task can wait in core code only for the page's answers to its host calls, and ${why}:`);
  const refused = assert.rejects(blocked, unsupported('the page called into the instance meanwhile'));
  await assert.rejects(made.exports.waitFor(2), (e) => e.kind === 'dead', 'the instance died with the refused wait');
  await refused;
  made[Symbol.dispose]();

  // A synchronous stream read whose writer is in the instance itself: no answer of the page can end it.
  const channels = await wat('async-streams');
  const g = (await channels.instantiate({}, { blocking: 'worker' })).exports;
  const r = Number((await g.sNew()) & 0xffff_ffffn);
  await assert.rejects(
    g.readSyncInAsync(r),
    (e) =>
      e.kind === 'unsupported' &&
      /^`stream.read` in `read-sync-in-async` would have to wait for stream end 1; .* and no host call of the instance is waiting for the page, so it waits for the worker's own work /.test(e.message),
  );
});

test("a wait in core code for another task of the worker's own composition is refused as 'unsupported', saying why and what to use instead", async () => {
  const component = await wat('async-between-jspi');
  // Why, and the way out, as every such refusal in the worker ends.
  const why =
    ": the task's frames hold the worker's one thread, and only JSPI can set them aside for the worker's other tasks to run; " +
    "wait under JSPI (`blocking: 'jspi'`, in Chromium), or in a callback's event loop (`canon lift async` with a `callback` " +
    'returning WAIT, and `canon lower async` for calls), which gives the thread back while it waits';
  const refused = (start, own) => (e) =>
    e instanceof TerrariumError && e.kind === 'unsupported' && e.message.startsWith(start) && e.message.includes(own) && e.message.endsWith(why);
  const cases = {
    // A stackful task waits in `waitable-set.wait` for its subtask into the other component.
    waitAddLater: refused(
      '`waitable-set.wait` in `wait-add-later` would have to wait for waitable set ',
      "no host call of the instance is waiting for the page, so it waits for the worker's own work (another of its tasks, such as a call into another component of the composition",
    ),
    // A task lifted without `async` calls a callee lifted `async` synchronously, and it YIELDs.
    syncAddLater: refused(
      '`add-later` did not return at once (it waits to enter its component instance, or in its event loop), and its synchronous caller must wait for it; ',
      "and it waits for the worker's own work",
    ),
  };
  for (const [name, check] of Object.entries(cases)) {
    const made = await component.instantiate({}, { blocking: 'worker' });
    await assert.rejects(made.exports[name](1, 2), check, name);
    await assert.rejects(made.exports.callStackful(1, 2), (e) => e.kind === 'dead', `${name}: the instance died with the refused wait`);
    made[Symbol.dispose]();
  }
  // What waits in a callback's event loop instead runs in the worker: the same call, from a callback.
  const made = await component.instantiate({}, { blocking: 'worker' });
  assert.equal(await made.exports.callStackful(4, 5), 9);
  made[Symbol.dispose]();
});
