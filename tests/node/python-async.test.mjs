// A componentize-py guest using component-model async (tests/toolchains/python-async, built by
// scripts/build-toolchains.mjs): its exports are Python coroutines on componentize-py's asyncio
// loop, lifted with a callback, and its host import is lowered async, so each call of it is a
// subtask. The host's promises are settled by the test itself, in an order it picks: no timers, no
// wall clock. No JSPI: nothing here blocks in core code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes, settled } from './support.mjs';

// CPython's modules use extended-const, which Node 20 compiles only behind a flag (see toolchains.test.mjs).
v8.setFlagsFromString('--experimental-wasm-extended-const');

const component = await load(await guestBytes('toolchain-python-async'));

/** An instance whose `fetch-greeting(name)` answers with a promise the test settles (`asked`, in call order). */
async function instance() {
  const asked = [];
  const { exports } = await component.instantiate({
    'example:python-async/host': {
      fetchGreeting: (name) => new Promise((resolve, reject) => asked.push({ name, resolve, reject })),
    },
  });
  return { api: exports.api, asked };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('greet awaits the host import, which answers with a promise: the export settles only after it', async () => {
  const { api, asked } = await instance();
  const greeting = api.greet('py');
  assert.ok(greeting instanceof Promise);
  await tick();
  assert.deepEqual(asked.map((a) => a.name), ['py'], 'the guest called fetch-greeting("py")');
  assert.equal(await settled(greeting), false, 'and waits for its answer');
  asked[0].resolve('hello, py');
  assert.equal(await greeting, 'hello, py!');
});

test('greet with a host that answers at once, with a plain value', async () => {
  const { exports } = await component.instantiate({
    'example:python-async/host': { fetchGreeting: (name) => `hi ${name}` },
  });
  assert.equal(await exports.api.greet('ünïcode 🐍'), 'hi ünïcode 🐍!');
});

test('greet-all has every host call in flight at once; answered in reverse, the results keep their order', async () => {
  const { api, asked } = await instance();
  const all = api.greetAll(['a', 'b', 'c', 'd']);
  await tick();
  assert.deepEqual(asked.map((a) => a.name), ['a', 'b', 'c', 'd'], 'four subtasks started before any returned');
  for (const a of [...asked].reverse()) {
    a.resolve(`hi ${a.name}`);
    await tick();
  }
  assert.deepEqual(await all, ['hi a', 'hi b', 'hi c', 'hi d']);
  assert.deepEqual(await api.greetAll([]), []);
});

test('two greet calls in flight at once, each finishing when its own host answer comes', async () => {
  const { api, asked } = await instance();
  const order = [];
  const first = api.greet('first').then((v) => order.push(v));
  const second = api.greet('second').then((v) => order.push(v));
  await tick();
  assert.equal(asked.length, 2);
  asked[1].resolve('2nd');
  await second;
  assert.deepEqual(order, ['2nd!']);
  asked[0].resolve('1st');
  await first;
  assert.deepEqual(order, ['2nd!', '1st!']);
});

test('count-bytes reads a stream<u8> to its end: an array of chunks, an async generator, a ReadableStream', async () => {
  const { api } = await instance();
  const big = new Uint8Array(100_000).map((_, i) => i);
  assert.equal(await api.countBytes([new Uint8Array([1, 2, 3]), big]), 100_003n);
  async function* slowly() {
    for (let i = 0; i < 5; i++) {
      await tick();
      yield new Uint8Array(i + 1);
    }
  }
  assert.equal(await api.countBytes(slowly()), 15n);
  const stream = new ReadableStream({
    start(c) {
      c.enqueue(new TextEncoder().encode('héllo'));
      c.close();
    },
  });
  assert.equal(await api.countBytes(stream), 6n);
  assert.equal(await api.countBytes([]), 0n);
});

test('doubled-later returns a future<u32> that a task the guest spawned writes: one await gives its value', async () => {
  const { api } = await instance();
  assert.equal(await api.doubledLater(21), 42);
  assert.equal(await api.doubledLater(0x7fffffff), 0xfffffffe);
});

test('a host promise that rejects with an Error kills the instance: the call rejects, later calls reject with kind dead', async () => {
  const { api, asked } = await instance();
  const greeting = api.greet('x');
  await tick();
  asked[0].reject(new Error('the host gave up'));
  await assert.rejects(greeting, /the host gave up/);
  await assert.rejects(api.greet('y'), (e) => e instanceof TerrariumError && e.kind === 'dead');
});

test('types() and wit() show the async functions, the stream and the future', async () => {
  const types = (await component.types({ name: 'toolchain-python-async.wasm' })).split('\n');
  for (const line of [
    '  greet(name: string): Promise<string>;',
    '  doubledLater(value: number): Promise<number>;',
    '  fetchGreeting(name: string): string | Promise<string>;',
  ]) {
    assert.ok(types.includes(line), line);
  }
  const wit = await component.wit();
  assert.match(wit, /count-bytes: async func\(data: stream<u8>\) -> u64;/);
  assert.match(wit, /doubled-later: async func\(value: u32\) -> future<u32>;/);
  assert.match(wit, /fetch-greeting: async func\(name: string\) -> string;/);
});

test("under blocking: 'worker' the guest runs in a worker and gives the same results, the host's promises answered from this thread", async () => {
  const calls = [];
  const host = {
    fetchGreeting: (name) => {
      calls.push(name);
      return Promise.resolve(`hi ${name}`);
    },
  };
  const results = {};
  for (const blocking of ['none', 'worker']) {
    const instance = await component.instantiate({ 'example:python-async/host': host }, { blocking });
    assert.equal(instance.blocking, blocking);
    const { api } = instance.exports;
    results[blocking] = [
      await api.greet('w'),
      await api.greetAll(['a', 'b', 'c']),
      await api.countBytes([new Uint8Array(70_000), new Uint8Array([1])]),
      await api.doubledLater(21),
    ];
    instance[Symbol.dispose]();
  }
  assert.deepEqual(results.worker, results.none);
  assert.deepEqual(results.none, ['hi w!', ['hi a', 'hi b', 'hi c'], 70_001n, 42]);
  assert.deepEqual(calls, ['w', 'a', 'b', 'c', 'w', 'a', 'b', 'c']);
});
