// The Rust guest built by wit-bindgen's async streams and futures (tests/guests/async-streams):
// `stream<u8>` in and out, `stream<string>`, `stream<record>`, `future<string>` out and `future<u32>`
// in, as JS values (ReadableStream, async iterables, arrays, promises, thenables, plain values);
// backpressure both ways and cancellation, asserted by order and counts, never by time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const component = await load(await guestBytes('async-streams'));

/**
 * An instance; `reported` holds what the guest's `count-until-dropped` reported, once it did;
 * the host's `numbers(n)` answers with `numbers(n)` from `hostNumbers`.
 */
async function instance(hostNumbers = (n) => Array.from({ length: n }, (_, i) => i)) {
  const reported = [];
  const { exports } = await component.instantiate({
    'example:async-streams/host': { written: (n) => reported.push(n), numbers: hostNumbers },
  });
  return { api: exports.api, reported };
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/** Lets turns pass until `ready()` holds (the guest's tasks may take several), at most 100. */
async function until(ready) {
  for (let i = 0; i < 100 && !ready(); i++) await tick();
}
const text = (s) => new TextEncoder().encode(s);
const decode = (chunks) => chunks.map((c) => new TextDecoder().decode(c)).join('');

/** Every chunk of `stream`, read with `for await`. */
async function collect(stream) {
  const out = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

test('stream<u8> in and out: upper-cases an array of chunks, a ReadableStream and an async generator', async () => {
  const { api } = await instance();

  const out = await api.upper([text('hello, '), text('world')]);
  assert.ok(out instanceof ReadableStream);
  const chunks = await collect(out);
  assert.ok(chunks.every((c) => c instanceof Uint8Array), 'Uint8Array chunks');
  assert.equal(decode(chunks), 'HELLO, WORLD');

  const source = new ReadableStream({
    start(c) {
      c.enqueue(text('abc'));
      c.enqueue(text('déf'));
      c.close();
    },
  });
  assert.equal(decode(await collect(await api.upper(source))), 'ABCDéF');

  async function* gen() {
    for (let i = 0; i < 100; i++) yield text(`${i},`);
  }
  const expected = Array.from({ length: 100 }, (_, i) => `${i},`).join('');
  assert.equal(decode(await collect(await api.upper(gen()))), expected, 'every byte, in order');
});

test('stream<u8> of 1 MiB through the guest and back arrives whole, the guest\'s 64 KiB writes gathered into larger chunks', async () => {
  const { api } = await instance();
  const big = new Uint8Array(1 << 20).map((_, i) => 97 + (i % 26));
  const chunks = await collect(await api.upper([big]));
  const got = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    got.set(c, at);
    at += c.length;
  }
  assert.equal(got.length, big.length);
  assert.ok(got.every((b, i) => b === big[i] - 32));
  // A chunk holds whole writes: the first read's one write, then up to twice the chunk before it.
  const writes = chunks.map((c) => c.length / 65536);
  assert.ok(writes.every((w, i) => Number.isInteger(w) && w >= 1 && w <= (i === 0 ? 1 : 2 * writes[i - 1])), `chunks of ${writes} writes`);
  assert.ok(chunks.length < 16, `${chunks.length} chunks for the guest's 16 writes`);
  assert.equal(await api.byteCount([big, big.subarray(0, 10)]), BigInt(big.length + 10));
});

test('a slow JS reader stalls the guest: it has written only what was read, and cancel() ends its writes with DROPPED', async () => {
  const { api, reported } = await instance();
  const reader = (await api.countUntilDropped()).getReader();
  const seen = [];
  const sizes = [];
  for (let i = 0; i < 3; i++) {
    const { value } = await reader.read();
    seen.push(...value);
    sizes.push(value.length);
    // Turns pass between reads; the guest may not write ahead meanwhile.
    await tick();
    await tick();
  }
  // The guest writes 1024 at a time; a read takes a write, and more while its chunk has room (twice the last).
  assert.deepEqual(sizes, [1024, 2048, 4096]);
  assert.deepEqual(seen, Array.from({ length: seen.length }, (_, i) => i & 0xff), 'in order, nothing lost');
  assert.deepEqual(reported, [], 'the guest still writes');
  await reader.cancel();
  await tick();
  assert.deepEqual(reported, [BigInt(seen.length)], 'its next write ended DROPPED, with exactly what was read written');
});

test('cancel() while a read waits ends the read done and the guest\'s writes DROPPED; what the read had taken is dropped', async () => {
  const { api, reported } = await instance();
  const reader = (await api.countUntilDropped()).getReader();
  const first = await reader.read();
  const waiting = reader.read();
  await reader.cancel();
  assert.deepEqual(await waiting, { done: true, value: undefined });
  await until(() => reported.length > 0);
  assert.equal(reported.length, 1, 'the guest saw its write end DROPPED, and reported');
  assert.ok(reported[0] >= BigInt(first.value.length), 'having written at least what was read');
});

test('a read that has room left ends once the guest stops writing: what it took arrives before more is written', async () => {
  const { api } = await instance();
  const gate = deferred();
  async function* source() {
    yield text('abc');
    yield text('de');
    await gate.promise;
    yield text('f');
  }
  const reader = (await api.upper(source())).getReader();
  assert.equal(decode([(await reader.read()).value]), 'ABC', 'the first read: one write, its chunk as long');
  // The second read has room for 6 bytes; the guest writes 2, then waits for the gate.
  assert.equal(decode([(await reader.read()).value]), 'DE');
  gate.resolve();
  assert.equal(decode([(await reader.read()).value]), 'F');
  assert.equal((await reader.read()).done, true);
});

test('a slow guest reader stalls JS: the source is asked for a chunk only when the guest wants one', async () => {
  const { api } = await instance();
  const gate = deferred();
  let asked = 0;
  async function* source() {
    asked++;
    yield text('one');
    asked++;
    await gate.promise;
    yield text('two');
    asked++;
  }
  const count = api.byteCount(source());
  for (let i = 0; i < 5; i++) await tick();
  assert.equal(asked, 2, 'the host asked for the second chunk, and for no third while the second is pending');
  gate.resolve();
  assert.equal(await count, 6n);
  assert.equal(asked, 3);
});

test('a BYOB reader of a stream<u8> gets the bytes in its own views, each filled from one guest write or several', async () => {
  const { api, reported } = await instance();
  const reader = (await api.countUntilDropped()).getReader({ mode: 'byob' });
  const seen = [];
  for (const size of [100, 2000, 1, 4096]) {
    const { value, done } = await reader.read(new Uint8Array(size));
    assert.equal(done, false);
    // The guest writes 1024 at a time; a view takes what is left of one write and as much of the
    // next ones as fits (the 100-byte view part of the first, the 2000-byte one its other 924 and more).
    assert.equal(value.length, size, `a read of ${size} is filled`);
    seen.push(...value);
  }
  assert.ok(seen.every((b, i) => b === (i & 0xff)), 'in order, nothing lost');
  await reader.cancel();
  await until(() => reported.length > 0);
  assert.deepEqual(reported, [BigInt(seen.length)], 'the guest wrote exactly what the views took');
  const upper = (await api.upper([text('byob'), text(' reads')])).getReader({ mode: 'byob' });
  let got = '';
  for (;;) {
    const { value, done } = await upper.read(new Uint8Array(64));
    if (done) break;
    got += decode([value]);
  }
  assert.equal(got, 'BYOB READS');
});

test('zero-length chunks JS passes carry nothing; the guest reads on past them', async () => {
  const { api } = await instance();
  const empty = new Uint8Array(0);
  assert.equal(decode(await collect(await api.upper([empty, text('ab'), empty, empty, text('cd'), empty]))), 'ABCD');
  assert.equal(await api.byteCount([empty]), 0n);
});

test('an AbortSignal cancels the guest side: of a stream JS receives through pipeTo, of one JS passes through pipeThrough', async () => {
  const { api, reported } = await instance();
  const received = new AbortController();
  let got = 0;
  const sink = new WritableStream({
    write(chunk) {
      got += chunk.length;
      if (got >= 3 * 1024) received.abort();
    },
  });
  const piped = await (await api.countUntilDropped()).pipeTo(sink, { signal: received.signal }).then(() => 'closed', (e) => e.name);
  assert.equal(piped, 'AbortError');
  await until(() => reported.length > 0);
  assert.equal(reported.length, 1, 'the guest saw its write end DROPPED, and reported');
  assert.ok(reported[0] >= BigInt(got), 'having written at least what the sink took');

  const passed = new AbortController();
  let cancelled = null;
  const source = new ReadableStream({
    start(c) {
      c.enqueue(text('abc'));
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  const count = api.byteCount(source.pipeThrough(new TransformStream(), { signal: passed.signal }));
  for (let i = 0; i < 5; i++) await tick();
  passed.abort();
  assert.equal(await count, 3n, 'the guest read what came before the abort, then its stream ended');
  assert.equal(cancelled?.name, 'AbortError', "the page's own source was cancelled with the abort's reason");
});

test('stream<string>, stream<record>, stream<list<string>> in and stream<u32> out', async () => {
  const { api } = await instance();
  assert.deepEqual(await collect(await api.lengths([['ab', 'c'], [], ['héllo']])), [3, 0, 6], 'numbers, one a chunk');
  assert.deepEqual(await collect(await api.words(4)), ['word-0', 'word-1', 'word-2', 'word-3']);
  assert.deepEqual(await collect(await api.words(0)), []);
  assert.deepEqual(await api.sumPoints([{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: -10, y: 0 }]), { x: -6, y: 6 });
  async function* points() {
    for (let i = 1; i <= 10; i++) yield { x: i, y: 2 * i };
  }
  assert.deepEqual(await api.sumPoints(points()), { x: 55, y: 110 });
  assert.deepEqual(await api.sumPoints([]), { x: 0, y: 0 });
});

test('future<string> out is a Promise; future<u32> in is a plain value, a Promise or a thenable', async () => {
  const { api } = await instance();
  // The export's own promise resolves to the future's, which JS flattens: one await gives the value.
  const greeting = api.greetLater('ann');
  assert.ok(greeting instanceof Promise);
  assert.equal(await greeting, 'hello, ann');
  assert.equal(await api.doubleFuture(21), 42);
  assert.equal(await api.doubleFuture(Promise.resolve(5)), 10);
  assert.equal(await api.doubleFuture({ then: (resolve) => resolve(7) }), 14);

  const later = deferred();
  const p = api.doubleFuture(later.promise);
  let done = false;
  p.then(() => (done = true));
  await tick();
  assert.equal(done, false, 'the guest waits for the value');
  later.resolve(100);
  assert.equal(await p, 200);
});

test('a host function returns a stream<u32> to the guest: an array or an async generator', async () => {
  const { api } = await instance();
  assert.equal(await api.sumHostNumbers(101), 5050n);
  async function* slowly(n) {
    for (let i = 1; i <= n; i++) {
      await tick();
      yield i;
    }
  }
  const other = await instance(slowly);
  assert.equal(await other.api.sumHostNumbers(10), 55n);
});

test('own resources move through a stream: out of the guest to JS objects, and back in', async () => {
  const { api } = await instance();
  const counters = await collect(await api.counters(4));
  assert.ok(counters.every((c) => c instanceof api.Counter), 'instances of the exported class');
  assert.deepEqual(counters.map((c) => c.value()), [1, 2, 3, 4]);
  assert.equal(await api.total(counters), 10, 'handed back, each moved into the guest');
  assert.throws(() => counters[0].value(), 'moved: JS no longer holds them');
  assert.equal(await api.total([new api.Counter(7), new api.Counter(8)]), 15);
});

test('a stream JS holds errors when its instance dies: a read waiting then, and any read after', async () => {
  const made = await component.instantiate({ 'example:async-streams/host': { written() {}, numbers: () => [] } });
  const reader = (await made.exports.api.countUntilDropped()).getReader();
  assert.equal((await reader.read()).value.length, 1024);
  const slow = (await made.exports.api.upper(new ReadableStream({}))).getReader();
  const waiting = slow.read();
  await tick();
  made[Symbol.dispose]();
  await assert.rejects(waiting, (e) => e.kind === 'dead', 'the read waiting for the guest');
  await assert.rejects(reader.read(), (e) => e.kind === 'dead' && /read after the instance died/.test(e.message));
});

test('JS misuse is a TypeError naming the function and argument; the instance stays usable', async () => {
  const { api } = await instance();
  await assert.rejects(api.upper(42), (e) => e instanceof TypeError && /argument `input`.*upper.*expected a ReadableStream, an async iterable or an array, got 42/.test(e.message));
  await assert.rejects(api.sumPoints('xy'), TypeError);
  // A stream element that does not fit ends the stream there: the guest sums what came before.
  assert.deepEqual(await api.sumPoints([{ x: 1, y: 2 }, { x: 'no' }, { x: 5, y: 5 }]), { x: 1, y: 2 });
  assert.equal(await api.doubleFuture(4), 8, 'still usable');
});

test('types() writes ReadableStream<T> and Promise<T>, wider where JS passes them; wit() prints stream<T> and future<T>', async () => {
  const types = (await component.types({ name: 'async-streams.wasm' })).split('\n');
  for (const line of [
    '  upper(input: ReadableStream<number | Uint8Array> | AsyncIterable<number | Uint8Array> | Iterable<number | Uint8Array>): Promise<ReadableStream<Uint8Array>>;',
    '  greetLater(name: string): Promise<string>;',
    '  doubleFuture(v: number | PromiseLike<number>): Promise<number>;',
    '  words(n: number): Promise<ReadableStream<string>>;',
    '  /** `sum-points: async func(points: stream<point>) -> point` */',
  ]) {
    assert.ok(types.includes(line), line);
  }
  const wit = await component.wit();
  assert.match(wit, /upper: async func\(input: stream<u8>\) -> stream<u8>;/);
  assert.match(wit, /greet-later: async func\(name: string\) -> future<string>;/);
  assert.match(wit, /double-future: async func\(v: future<u32>\) -> u32;/);
});
