// `map<K, V>` and fixed-length lists `list<T, N>`, end to end: host-core's fixtures `maps.wat` and
// `fixed-lists.wat` (built into dist/components/fixtures/) called from JS, with values going into
// the guest, back out, and through a host import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/index.js';
import { guestBytes } from './support.mjs';

async function instantiate(name, imports) {
  return (await load(await guestBytes(`fixtures/${name}`))).instantiate(imports);
}

test('fixed-length lists: flat, in memory, of strings, and through a host import', async () => {
  const seen = [];
  const { exports } = await instantiate('fixed-lists', {
    scale(v) {
      seen.push(v);
      return [v[0] * 2, v[1] * 10];
    },
  });
  assert.equal(exports.sum([1, 2, 3]), 6);
  assert.equal(exports.sum(new Uint32Array([4, 5, 6])), 15);
  assert.deepEqual(exports.reverse(new Uint32Array([7, 8, 0xffffffff])), new Uint32Array([0xffffffff, 8, 7]));
  const bytes = Uint8Array.from({ length: 20 }, (_, i) => 200 + i * 2);
  assert.deepEqual(exports.echoBytes(bytes), bytes);
  assert.deepEqual(exports.swap(['first', 'zweite 😀']), ['zweite 😀', 'first']);
  assert.deepEqual(exports.viaHost([1.5, -2]), new Float64Array([3, -20]));
  assert.deepEqual(seen, [new Float64Array([1.5, -2])]);
});

test('fixed-length lists: a value of another length is a RangeError naming the function and path', async () => {
  const { exports } = await instantiate('fixed-lists', { scale: (v) => v });
  assert.throws(() => exports.sum([1, 2]), (e) => e instanceof RangeError && /`v`/.test(e.message) && /sum/.test(e.message) && /length 3/.test(e.message));
  assert.throws(() => exports.sum(new Uint32Array(4)), RangeError);
  assert.throws(() => exports.echoBytes(new Uint8Array(19)), (e) => e instanceof RangeError && /echo-bytes/.test(e.message));
  assert.throws(() => exports.swap(['one']), RangeError);
  assert.throws(() => exports.swap('ab'), TypeError);
  assert.throws(() => exports.swap(['a', 2]), (e) => e instanceof TypeError && /`v\[1\]`/.test(e.message));
  assert.throws(() => exports.sum([1, 2, 2 ** 32]), (e) => e instanceof RangeError && /`v\[2\]`/.test(e.message));
  // A host import returning the wrong length is refused too, as a trap of the calling export.
  const bad = await instantiate('fixed-lists', { scale: () => [1, 2, 3] });
  assert.throws(() => bad.exports.viaHost([1, 2]), /scale/);
  assert.equal(exports.sum([1, 1, 1]), 3, 'the instance is still alive');
});

test('maps: a JS Map in, out as it came, and through a host import', async () => {
  const seen = [];
  const { exports } = await instantiate('maps', {
    lookup(m) {
      seen.push(m);
      return new Map([...m].map(([k, v]) => [k + 1, v.toUpperCase()]));
    },
  });
  const scores = new Map([['ada', 36], ['grace', 85], ['zoë 😀', 1]]);
  assert.equal(exports.total(scores), 122);
  assert.equal(exports.total(new Map()), 0);
  const echoed = exports.echo(scores);
  assert.ok(echoed instanceof Map);
  assert.deepEqual([...echoed], [...scores], 'entries keep their order');
  const labels = exports.viaHost(new Map([[1, 'one'], [2, 'two']]));
  assert.deepEqual([...labels], [[2, 'ONE'], [3, 'TWO']]);
  assert.deepEqual(seen, [new Map([[1, 'one'], [2, 'two']])]);
});

test('maps: what is not a Map, or holds a bad key or value, is refused with its path', async () => {
  const { exports } = await instantiate('maps', { lookup: (m) => m });
  assert.throws(() => exports.total({ ada: 1 }), (e) => e instanceof TypeError && /expected a Map/.test(e.message));
  assert.throws(() => exports.total([['ada', 1]]), TypeError);
  assert.throws(() => exports.total(new Map([['ada', -1]])), (e) => e instanceof RangeError && /`m\[0\]\[1\]`/.test(e.message));
  assert.throws(() => exports.total(new Map([[1, 1]])), (e) => e instanceof TypeError && /`m\[0\]\[0\]`/.test(e.message));
});

test('declarations: a map is a Map, a fixed-length list a typed array or an array, with the WIT in the doc', async () => {
  const maps = await (await load(await guestBytes('fixtures/maps'))).types();
  assert.ok(maps.includes('  /** `echo: func(m: map<string, u32>) -> map<string, u32>` */\n  echo(m: Map<string, number>): Map<string, number>;'), maps);
  assert.ok(maps.includes('  lookup(m: Map<number, string>): Map<number, string>;'), maps);
  const lists = await (await load(await guestBytes('fixtures/fixed-lists'))).types();
  assert.ok(lists.includes('  /** `reverse: func(v: list<u32, 3>) -> list<u32, 3>` */\n  reverse(v: Uint32Array): Uint32Array;'), lists);
  assert.ok(lists.includes('  swap(v: Array<string>): Array<string>;'), lists);
});
