// What crosses between the page and a guest's worker (js/worker/codec.js): plain values by value,
// errors by name, promises and streams as stand-ins that ask for their values (relay.js), every
// other object by reference (a proxy whose methods call back), with the
// references counted so an object leaves its table only when every reference sent has come back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Peer } from '../../js/worker/codec.js';
import { ComponentError, TerrariumError } from '../../js/errors.js';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** Two peers wired to each other synchronously: `a` holds the objects, `b` the proxies. */
function pair() {
  const released = [];
  const a = new Peer({ call() {}, release() {} });
  const b = new Peer({
    call: (proxy, method, args) => {
      const target = a.decode(b.encode(proxy)); // the proxy goes home: the object itself
      return target[method](...args);
    },
    release: (id, disposed, count) => {
      released.push({ id, disposed, count });
      const obj = a.forget(id, count);
      if (disposed) obj?.[dispose]?.();
    },
  });
  const send = (value) => b.decode(a.encode(value));
  return { a, b, send, released };
}

test('plain values cross by value, exactly', () => {
  const { send } = pair();
  const values = [
    undefined, null, true, false, 0, -0, 1.5, NaN, Infinity, 2n ** 64n - 1n, -(2n ** 63n), '', 'héllo 😀',
    new Uint8Array([1, 2, 3]), new Int16Array([-1, 2]), new Float64Array([0.5]), new BigUint64Array([2n ** 64n - 1n]),
    [1, [2, 'x']], { tag: 'ok', val: { seconds: 1n, nanoseconds: 5 } }, { tag: 'none' },
    new Map([['a', 1], ['b', new Map([[2n, [3]]])]]), new Map(),
  ];
  for (const v of values) assert.deepStrictEqual(send(v), v);
  assert.deepStrictEqual(new Uint8Array(send(new Uint8Array([4, 5]).buffer)), new Uint8Array([4, 5]));
  assert.throws(() => send(() => 1), /a function cannot cross/);
});

test('errors cross by name and arrive as their class', () => {
  const { send } = pair();
  const trap = send(new TerrariumError('exit', 'it exited', { exitCode: 3, context: 'x#y' }));
  assert.ok(trap instanceof TerrariumError);
  assert.deepEqual([trap.kind, trap.message, trap.exitCode, trap.context], ['exit', 'it exited', 3, 'x#y']);
  const component = send(new ComponentError({ tag: 'denied' }));
  assert.ok(component instanceof ComponentError);
  assert.deepEqual(component.payload, { tag: 'denied' });
  const type = send(new TypeError('bad'));
  assert.ok(type instanceof TypeError);
  assert.equal(type.message, 'bad');
  // A WASI io-error is a resource: it crosses by reference, like any object.
  class IoError extends Error {
    toDebugString() {
      return this.message;
    }
  }
  const io = send(new IoError('broken'));
  assert.ok(!(io instanceof Error));
  assert.equal(io.toDebugString(), 'broken');
});

test('objects cross by reference: one proxy per object, methods call back, coming home gives the object', () => {
  const { a, b, send } = pair();
  class Counter {
    n = 0;
    add(k) {
      this.n += k;
      return this.n;
    }
  }
  const c = new Counter();
  const p = send(c);
  assert.equal(p.constructor.name, 'Counter');
  assert.equal(p.add(2), 2);
  assert.equal(p.add(3), 5);
  assert.equal(c.n, 5);
  assert.equal(send(c), p, 'the same object, the same proxy');
  assert.equal(a.decode(b.encode(p)), c);
});

test('an object leaves the table only when every reference sent has been released', () => {
  const { a, send, released } = pair();
  const disposed = [];
  class Res {
    [dispose]() {
      disposed.push('res');
    }
  }
  const r = new Res();
  const p1 = send(r);
  const p2 = send(r);
  assert.equal(p1, p2);
  assert.equal(a.table.size, 1);
  // Disposing the proxy gives back both references, and disposes the object.
  p1[dispose]();
  assert.deepEqual(released, [{ id: 1, disposed: true, count: 2 }]);
  assert.deepEqual(disposed, ['res']);
  assert.equal(a.table.size, 0);
  p1[dispose]();
  assert.equal(released.length, 1, 'a second dispose does nothing');
  // A reference in flight while an older one is released keeps the object.
  const q = new Res();
  send(q);
  const id = a.idOf(q);
  a.encode(q); // sent, not yet received
  a.forget(id, 1); // the first proxy is released
  assert.equal(a.object(id), q);
  a.forget(id, 1);
  assert.throws(() => a.object(id), /no object/);
});

/** Two peers whose stand-ins ask each other (relay.js), asynchronously: `a` holds promises and streams, `b` stand-ins. */
function relayPair() {
  const peers = {};
  const ask = (from, to) => async (msg) => from.decode(to.encode(await to.relay.serve(msg)));
  peers.a = new Peer({ call() {}, release() {}, request: (msg) => ask(peers.a, peers.b)(msg) });
  peers.b = new Peer({ call() {}, release() {}, request: (msg) => ask(peers.b, peers.a)(msg) });
  return (value) => peers.b.decode(peers.a.encode(value));
}

test('promises and thenables cross as promises of their values; a rejection arrives as its class', async () => {
  const send = relayPair();
  const [p, q] = send([Promise.resolve({ x: 1n }), { then: (resolve) => resolve('thenable') }]);
  assert.ok(p instanceof Promise && q instanceof Promise);
  assert.deepStrictEqual(await p, { x: 1n });
  assert.equal(await q, 'thenable');
  await assert.rejects(send(Promise.reject(new TypeError('no'))), (e) => e instanceof TypeError && e.message === 'no');
});

test('streams cross as ReadableStreams that ask for one chunk a read, and whose cancel() reaches the source', async () => {
  const send = relayPair();
  const pulls = [];
  let cancelled = null;
  const source = new ReadableStream(
    {
      pull(c) {
        pulls.push(pulls.length);
        c.enqueue(pulls.length);
      },
      cancel(reason) {
        cancelled = reason.message;
      },
    },
    { highWaterMark: 0 },
  );
  const reader = send(source).getReader();
  assert.equal(pulls.length, 0, 'nothing is asked for before a read');
  assert.deepEqual([(await reader.read()).value, (await reader.read()).value], [1, 2]);
  assert.equal(pulls.length, 2, 'one chunk a read');
  await reader.cancel(new Error('enough'));
  assert.equal(cancelled, 'enough');

  async function* generated() {
    yield new Uint8Array([1, 2]);
    yield new Uint8Array([3]);
  }
  const chunks = [];
  for await (const chunk of send(generated())) chunks.push(...chunk);
  assert.deepEqual(chunks, [1, 2, 3]);

  // A byte stream's stand-in is a byte stream: a BYOB reader takes a chunk in parts.
  const bytes = new ReadableStream({ type: 'bytes', start: (c) => (c.enqueue(new Uint8Array([4, 5, 6])), c.close()) });
  const byob = send(bytes).getReader({ mode: 'byob' });
  assert.deepEqual([...(await byob.read(new Uint8Array(2))).value], [4, 5]);
  assert.deepEqual([...(await byob.read(new Uint8Array(2))).value], [6]);
  assert.equal((await byob.read(new Uint8Array(2))).done, true);
});
