// The `stream.*` and `future.*` built-ins one by one, through a hand-written component
// (tests/node/wat/async-streams.wat) whose synchronous exports each make one built-in call: copy
// results (count packed above the code), partial and zero-length copies, cancellation, drops, the
// events waitable sets deliver, ends handed to JS and taken from it, and every trap the spec names.
// No wall clock: the tests assert results and order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { watBytes } from './support.mjs';

const component = await load(watBytes({ file: new URL('./wat/async-streams.wat', import.meta.url).pathname }));

const COMPLETED = 0;
const DROPPED = 1;
const CANCELLED = 2;
const BLOCKED = 0xffff_ffff;
const STREAM_READ = 2;
const STREAM_WRITE = 3;
const FUTURE_READ = 4;
const FUTURE_WRITE = 5;
/** A copy's result: `result` in the low 4 bits, the count above. */
const packed = (result, n) => (result | (n << 4)) >>> 0;

async function instance() {
  const { exports } = await component.instantiate({});
  return exports;
}

/** `[readable, writable]` from the i64 `stream.new`/`future.new` return. */
const ends = (v) => [Number(v & 0xffff_ffffn), Number(v >> 32n)];

/** The next event of set `s`: `[code, index, payload]`. */
function poll(g, s) {
  const code = g.poll(s);
  return [code, g.peek32(8192), g.peek32(8196)];
}

/** Joins end `e` to a new set, returned. */
function setOf(g, e) {
  const s = g.setNew();
  g.join(e, s);
  return s;
}

function poke(g, ptr, bytes) {
  bytes.forEach((b, i) => g.poke(ptr + i, b));
}

const peek = (g, ptr, n) => Array.from({ length: n }, (_, i) => g.peek(ptr + i));
const tick = () => new Promise((r) => setTimeout(r, 0));
const trapMatching = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('stream.new gives a readable and a writable end; a write waits for reads, which take it in parts', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  assert.notEqual(r, w);
  poke(g, 100, [10, 11, 12, 13]);
  assert.equal(g.sWrite(w, 100, 4), BLOCKED, 'no reader yet');
  assert.equal(g.sRead(r, 200, 2), packed(COMPLETED, 2), 'a read takes what fits');
  assert.equal(g.sRead(r, 202, 8), packed(COMPLETED, 2), 'the next one the rest');
  assert.deepEqual(peek(g, 200, 4), [10, 11, 12, 13]);
  assert.deepEqual(poll(g, setOf(g, w)), [STREAM_WRITE, w, packed(COMPLETED, 4)], 'the writer learns all 4 went');
  assert.equal(g.sRead(r, 300, 4), BLOCKED, 'the writer is idle again: a read waits');
  poke(g, 100, [7, 8, 9]);
  assert.equal(g.sWrite(w, 100, 3), packed(COMPLETED, 3), 'a write to a waiting read completes at once');
  assert.deepEqual(poll(g, setOf(g, r)), [STREAM_READ, r, packed(COMPLETED, 3)]);
  assert.deepEqual(peek(g, 300, 3), [7, 8, 9]);
});

test('zero-length copies: a read of 0 probes readiness; a write of 0 meeting a read of 0 completes', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  assert.equal(g.sWrite(w, 100, 2), BLOCKED);
  assert.equal(g.sRead(r, 200, 0), packed(COMPLETED, 0), 'values are ready, none taken');
  assert.equal(g.sRead(r, 200, 2), packed(COMPLETED, 2));

  const [r2, w2] = ends(g.sNew());
  assert.equal(g.sRead(r2, 200, 0), BLOCKED, 'a read of 0 waits for values');
  assert.equal(g.sWrite(w2, 100, 0), packed(COMPLETED, 0), 'a write of 0 meets it and completes');
  assert.equal(g.sWrite(w2, 100, 2), BLOCKED, 'a write with values completes the read of 0 and waits');
  assert.deepEqual(poll(g, setOf(g, r2)), [STREAM_READ, r2, packed(COMPLETED, 0)]);
});

test('cancel-write and cancel-read end a waiting copy with CANCELLED and the count so far', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  assert.equal(g.sWrite(w, 100, 4), BLOCKED);
  assert.equal(g.sRead(r, 200, 1), packed(COMPLETED, 1));
  assert.equal(g.sCancelWrite(w), packed(COMPLETED, 1), 'a copy already happened: its event comes first');
  assert.equal(g.sRead(r, 200, 1), BLOCKED, 'the write is no longer there');
  assert.equal(g.sCancelRead(r), packed(CANCELLED, 0));
  assert.equal(g.sWrite(w, 100, 1), BLOCKED, 'both ends are idle again');
  assert.equal(g.sCancelWrite(w), packed(CANCELLED, 0));
});

test('dropping one end: the other sees DROPPED, then may only be dropped', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  assert.equal(g.sWrite(w, 100, 4), BLOCKED);
  assert.equal(g.sRead(r, 200, 1), packed(COMPLETED, 1));
  g.sDropReadable(r);
  assert.deepEqual(poll(g, setOf(g, w)), [STREAM_WRITE, w, packed(DROPPED, 1)], 'the count so far, then DROPPED');
  const [r2, w2] = ends(g.sNew());
  g.sDropWritable(w2);
  assert.equal(g.sRead(r2, 200, 4), packed(DROPPED, 0), 'a read after the writer went');
  g.sDropReadable(r2);
});

test('an element-less stream counts its values', async () => {
  const g = await instance();
  const [r, w] = ends(g.uNew());
  assert.equal(g.uWrite(w, 5), BLOCKED);
  assert.equal(g.uRead(r, 3), packed(COMPLETED, 3));
  assert.equal(g.uRead(r, 3), packed(COMPLETED, 2));
});

test('future: a write waits for the read, which takes the value; either side may cancel or drop', async () => {
  const g = await instance();
  const [r, w] = ends(g.fNew());
  g.poke32(100, 0xdead_beef);
  assert.equal(g.fWrite(w, 100), BLOCKED);
  assert.equal(g.fRead(r, 200), COMPLETED);
  assert.equal(g.peek32(200), 0xdead_beef);
  assert.deepEqual(poll(g, setOf(g, w)), [FUTURE_WRITE, w, COMPLETED]);
  g.fDropWritable(w);
  g.fDropReadable(r);

  const [r2, w2] = ends(g.fNew());
  assert.equal(g.fRead(r2, 200), BLOCKED);
  assert.equal(g.fCancelRead(r2), CANCELLED);
  assert.equal(g.fRead(r2, 200), BLOCKED, 'read again after a cancel');
  g.poke32(100, 7);
  assert.equal(g.fWrite(w2, 100), COMPLETED);
  assert.deepEqual(poll(g, setOf(g, r2)), [FUTURE_READ, r2, COMPLETED]);
  assert.equal(g.peek32(200), 7);

  const [r3, w3] = ends(g.fNew());
  assert.equal(g.fWrite(w3, 100), BLOCKED);
  assert.equal(g.fCancelWrite(w3), CANCELLED);
  g.fDropReadable(r3);
  assert.equal(g.fWrite(w3, 100), DROPPED, 'the reader went: the write ends DROPPED');
  g.fDropWritable(w3);

  const [r4, w4] = ends(g.fuNew());
  assert.equal(g.fuRead(r4), BLOCKED);
  assert.equal(g.fuWrite(w4), COMPLETED, 'an element-less future');
});

test('ends handed to JS: a readable stream end is a ReadableStream, a future end a Promise', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  const stream = g.giveBytes(r);
  assert.ok(stream instanceof ReadableStream);
  const reader = stream.getReader();
  const first = reader.read();
  await tick();
  poke(g, 100, [1, 2, 3]);
  assert.equal(g.sWrite(w, 100, 3), packed(COMPLETED, 3), 'the host read was waiting');
  assert.deepEqual(await first, { done: false, value: new Uint8Array([1, 2, 3]) });
  g.sDropWritable(w);
  assert.deepEqual(await reader.read(), { done: true, value: undefined });

  const [fr, fw] = ends(g.fNew());
  const value = g.giveU32(fr);
  assert.ok(value instanceof Promise);
  const looked = value.then((v) => v);
  g.poke32(100, 42);
  assert.equal(g.fWrite(fw, 100), COMPLETED, 'the host read was waiting, once JS looked at the Promise');
  assert.equal(await looked, 42);
  const [lr, lw] = ends(g.fNew());
  const later = g.giveU32(lr);
  assert.equal(g.fWrite(lw, 100), BLOCKED, 'the host reads a future only once JS looks at it');
  assert.equal(await later, 42);

  const [sr, sw] = ends(g.strNew());
  const strings = g.giveStrings(sr).getReader();
  const got = strings.read();
  await tick();
  assert.equal(g.strWrite(sw), packed(COMPLETED, 2));
  assert.equal((await got).value, 'ab');
  assert.equal((await strings.read()).value, 'cde', 'one value a chunk');

  const [ur, uw] = ends(g.uNew());
  const units = g.giveUnits(ur).getReader();
  const unit = units.read();
  await tick();
  assert.equal(g.uWrite(uw, 2), packed(COMPLETED, 2));
  assert.deepEqual(await unit, { done: false, value: undefined });
});

test('a stream JS passed and the guest hands back unread is read by JS as bytes; a value that is no u8 ends it there', async () => {
  const g = await instance();
  const bytesOf = async (stream) => {
    const out = [];
    for await (const chunk of stream) out.push(...chunk);
    return out;
  };
  assert.deepEqual(await bytesOf(g.giveBytes(g.takeBytes([1, 2, new Uint8Array([3, 4])]))), [1, 2, 3, 4]);
  let cancelled = null;
  const source = new ReadableStream({
    start(c) {
      for (const v of [1, 300, 5]) c.enqueue(v);
    },
    cancel(reason) {
      cancelled = reason;
    },
  });
  assert.deepEqual(await bytesOf(g.giveBytes(g.takeBytes(source))), [1], 'the values before it, then the end');
  assert.ok(cancelled instanceof RangeError && /expected u8 \(0..255\), got 300/.test(cancelled.message), `the source was cancelled with ${cancelled}`);
});

test('ends taken from JS: an array or a promise becomes a readable end the guest reads', async () => {
  const g = await instance();
  const r = g.takeBytes([5, 6, new Uint8Array([7, 8])].values());
  const s = setOf(g, r);
  assert.equal(g.sRead(r, 200, 8), BLOCKED, 'the host gives its values asynchronously');
  await tick();
  assert.deepEqual(poll(g, s), [STREAM_READ, r, packed(COMPLETED, 1)]);
  assert.equal(g.peek(200), 5);
  assert.equal(g.sRead(r, 200, 8), BLOCKED);
  await tick();
  assert.deepEqual(poll(g, s), [STREAM_READ, r, packed(COMPLETED, 1)]);
  assert.equal(g.sRead(r, 201, 8), BLOCKED);
  await tick();
  assert.deepEqual(poll(g, s), [STREAM_READ, r, packed(COMPLETED, 2)], 'a Uint8Array is a chunk of bytes');
  assert.deepEqual(peek(g, 200, 3), [6, 7, 8]);
  assert.equal(g.sRead(r, 200, 8), BLOCKED);
  await tick();
  assert.deepEqual(poll(g, s), [STREAM_READ, r, packed(DROPPED, 0)], 'the source ended');

  let resolve;
  const f = g.takeU32(new Promise((res) => (resolve = res)));
  assert.equal(g.fRead(f, 300), BLOCKED);
  resolve(99);
  await tick();
  assert.deepEqual(poll(g, setOf(g, f)), [FUTURE_READ, f, COMPLETED]);
  assert.equal(g.peek32(300), 99);
  const plain = g.takeU32(5);
  assert.equal(g.fRead(plain, 300), COMPLETED, 'a plain value is there at once');
  assert.equal(g.peek32(300), 5);
  assert.throws(() => g.takeBytes(3), (e) => e instanceof TypeError && /argument `s`.*take-bytes.*expected a ReadableStream/.test(e.message));
  assert.equal(g.peek(200), 6, 'the instance goes on after a TypeError');
});

test('an async task waits for its STREAM_READ event through a waitable set', async () => {
  const g = await instance();
  const [r, w] = ends(g.sNew());
  poke(g, 100, [1, 2]);
  // The task reads, must wait, and returns WAIT; the write (before the scheduler runs) sets its event.
  const p = g.waitRead(r, 4);
  assert.equal(g.sWrite(w, 100, 2), packed(COMPLETED, 2));
  assert.equal(await p, packed(COMPLETED, 2));
  assert.deepEqual(peek(g, 0, 2), [1, 2]);

  // With the writer in the guest and no call under way, nothing could wake it: a deadlock.
  const [r2] = ends(g.sNew());
  await assert.rejects(g.waitRead(r2, 4), trapMatching(/deadlock in `component`.*`wait-read` waits for waitable set/));
});

/** Each trap: the calls that lead to it, and what its message says. */
const traps = {
  'dropping an end with a copy in progress': [(g) => {
    const [r] = ends(g.sNew());
    g.sRead(r, 0, 4);
    g.sDropReadable(r);
  }, /stream end 1 was dropped while a copy through it is in progress/],
  'writing a future twice': [(g) => {
    const [r, w] = ends(g.fNew());
    g.fRead(r, 0);
    g.fWrite(w, 100);
    g.fWrite(w, 100);
  }, /`future.write`: future end 2 can only be dropped/],
  'dropping a future writer before writing': [(g) => {
    const [, w] = ends(g.fNew());
    g.fDropWritable(w);
  }, /future end 2 was dropped before a value was written to it/],
  'reading after the end was dropped': [(g) => {
    const [r] = ends(g.sNew());
    g.sDropReadable(r);
    g.sRead(r, 0, 1);
  }, /a readable stream end 1 is not a live handle/],
  'reading from a writable end': [(g) => {
    const [, w] = ends(g.sNew());
    g.sRead(w, 0, 1);
  }, /`stream.read`: 2 is not a readable stream end/],
  'reading an end of another type': [(g) => {
    const [r] = ends(g.uNew());
    g.sRead(r, 0, 1);
  }, /`stream.read`: a readable stream end 1 carries another type/],
  'reading a stream after DROPPED': [(g) => {
    const [r, w] = ends(g.sNew());
    g.sDropWritable(w);
    g.sRead(r, 0, 1);
    g.sRead(r, 0, 1);
  }, /stream end 1 can only be dropped/],
  'a synchronous read in a synchronous task': [(g) => {
    const [r] = ends(g.sNew());
    g.sReadSync(r, 0, 1);
  }, /`stream.read` was called by the synchronous task `s-read-sync`, which may not wait/],
  'cancelling with no copy in progress': [(g) => {
    const [r] = ends(g.sNew());
    g.sCancelRead(r);
  }, /`stream.cancel-read`: no async copy through stream end 1 is in progress/],
  'a copy to itself of values other than numbers': [(g) => {
    const [r, w] = ends(g.strNew());
    g.strRead(r, 2);
    g.strWrite(w);
  }, /a component instance may copy to itself through a stream or future only numbers/],
  'a buffer out of bounds': [(g) => {
    const [r] = ends(g.sNew());
    g.sRead(r, 65530, 100);
  }, /out-of-bounds memory access: 100 bytes at 65530/],
  'a copy longer than the maximum': [(g) => {
    const [r] = ends(g.uNew());
    g.uRead(r, 2 ** 28);
  }, /longer than 268435455/],
  'handing over an end with a copy in progress': [(g) => {
    const [r] = ends(g.sNew());
    g.sRead(r, 0, 1);
    g.giveBytes(r);
  }, /stream end 1 was passed on while a copy through it is in progress/],
};

test('the traps of the stream and future built-ins: each kills that instance only', async () => {
  const bystander = await instance();
  for (const [name, [run, message]] of Object.entries(traps)) {
    const g = await instance();
    assert.throws(() => run(g), trapMatching(message), name);
    assert.throws(() => g.peek(0), (e) => e.kind === 'dead', `${name}: the instance is dead`);
  }
  const [r, w] = ends(bystander.sNew());
  assert.equal(bystander.sWrite(w, 0, 1), BLOCKED, 'another instance goes on');
  assert.equal(bystander.sRead(r, 0, 1), packed(COMPLETED, 1));
});

test('a synchronous read in an async task must wait, which needs JSPI', async () => {
  const g = await instance();
  const [r] = ends(g.sNew());
  await assert.rejects(g.readSyncInAsync(r), trapMatching(/`stream.read` in `read-sync-in-async` would have to wait for stream end 1; waiting in core code needs JSPI/));
});
