// The Rust guest built by wit-bindgen's async support (tests/guests/async-calls): callback-lifted
// exports, async host imports (subtasks) answered with values and with promises, many at once, a
// sync import from async code, and a trap after an await. The host's promises are settled by the
// test itself: no timers, no wall clock.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes, collector } from './support.mjs';

const component = await load(await guestBytes('async-calls'));

/**
 * An instance whose `sleep(ms)` returns a promise the test settles (`sleeps`, in call order) and
 * whose `double(v)` answers at once for even `v` and with a promise for odd `v`.
 */
async function instance() {
  const sleeps = [];
  const notes = [];
  const doubled = [];
  const stderr = collector();
  const { exports } = await component.instantiate({
    'example:async-calls/host': {
      sleep: (ms) =>
        new Promise((resolve) => {
          sleeps.push({ ms, resolve });
        }),
      double(v) {
        doubled.push(v);
        return v % 2 === 0 ? v * 2 : Promise.resolve(v * 2);
      },
      note: (msg) => notes.push(msg),
    },
  }, { wasi: { stderr } });
  return { api: exports.api, sleeps, notes, doubled, stderr };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('slow-add waits for the host sleep it started, and returns once the test wakes it', async () => {
  const { api, sleeps } = await instance();
  let done = false;
  const p = api.slowAdd(2, 3).then((v) => {
    done = true;
    return v;
  });
  await tick();
  assert.deepEqual(sleeps.map((s) => s.ms), [5], 'the guest called sleep(5)');
  assert.equal(done, false, 'and waits for it');
  sleeps[0].resolve();
  assert.equal(await p, 5);
});

test('echo and pair return through task.return, strings and lists included', async () => {
  const { api } = await instance();
  assert.equal(await api.echo('héllo, wörld'), 'héllo, wörld');
  assert.deepEqual(await api.pair('x', new Uint8Array([1, 2, 3])), ['x', new Uint8Array([1, 2, 3]), 6]);
});

test('fan-out: 50 concurrent host calls, values and promises mixed, summed', async () => {
  const { api, doubled } = await instance();
  assert.equal(await api.fanOut(50), 2450n);
  assert.deepEqual([...doubled].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
});

test('note-and-count calls a sync import from async code; sync-add is an ordinary export beside them', async () => {
  const { api, notes } = await instance();
  assert.equal(await api.noteAndCount('four'), 4);
  assert.deepEqual(notes, ['four']);
  assert.equal(api.syncAdd(40, 2), 42);
});

test('calls in flight at once: one waits on a sleep while others finish', async () => {
  const { api, sleeps } = await instance();
  const order = [];
  const slow = api.slowAdd(1, 1).then((v) => order.push(['slow', v]));
  const quick = Promise.all([api.echo('a'), api.fanOut(4)]).then((v) => order.push(['quick', v]));
  await quick;
  assert.deepEqual(order, [['quick', ['a', 12n]]]);
  await tick();
  sleeps[0].resolve();
  await slow;
  assert.deepEqual(order.at(-1), ['slow', 2]);
});

test('fail-later traps after an await: its call rejects with kind trap, pending calls too, and the instance is dead', async () => {
  const { api, sleeps, stderr } = await instance();
  const pending = api.slowAdd(1, 2);
  const failing = api.failLater();
  await tick();
  assert.equal(sleeps.length, 2);
  sleeps[1].resolve();
  await assert.rejects(failing, (e) => e instanceof TerrariumError && e.kind === 'trap' && /fail-later/.test(e.message));
  await assert.rejects(pending, (e) => e.kind === 'trap', 'the other pending call rejects too');
  assert.throws(() => api.syncAdd(1, 1), (e) => e.kind === 'dead');
  assert.match(stderr.text(), /fail-later: the guest gave up after awaiting the host/);
});

test('types() writes Promise<T> for async exports and T | Promise<T> for async host functions; wit() prints them async', async () => {
  const types = await component.types({ name: 'async-calls.wasm' });
  for (const line of [
    '  slowAdd(a: number, b: number): Promise<number>;',
    '  pair(a: string, b: Uint8Array): Promise<[string, Uint8Array, number]>;',
    '  syncAdd(a: number, b: number): number;',
    '  failLater(): Promise<void>;',
    '  /** `fan-out: async func(n: u32) -> u64` */',
    '  note(msg: string): void;',
    '  sleep(ms: number): void | Promise<void>;',
    '  double(v: number): number | Promise<number>;',
  ]) {
    assert.ok(types.split('\n').includes(line), line);
  }
  const wit = await component.wit();
  assert.match(wit, /slow-add: async func\(a: u32, b: u32\) -> u32;/);
  assert.match(wit, /sleep: async func\(ms: u32\);/);
  assert.match(wit, /sync-add: func\(a: u32, b: u32\) -> u32;/);
});
