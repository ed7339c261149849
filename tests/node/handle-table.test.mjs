// The spec's handle table (CanonicalABI `ComponentInstance.table`, `Table.add/get/remove`) as the
// guest sees it, with tests/guests/wat/handle-table.wat: one table per component instance shared by
// all its resource types, owns and borrows; index 0 never used; freed indices reused last-freed
// first; an index used with the wrong resource type traps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const component = await load(await guestBytes('handle-table'));

async function instance() {
  const disposed = [];
  class Blob {
    constructor(name) {
      this.name = name;
    }
    [dispose]() {
      disposed.push(this.name);
    }
  }
  const { exports } = await component.instantiate({ 'example:table/host': { Blob } });
  return { api: exports, Blob, disposed };
}

const isTrap = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('two resource types share one table: indices count up across types from 1', async () => {
  const { api } = await instance();
  assert.equal(api.new1(10), 1);
  assert.equal(api.new2(20), 2);
  assert.equal(api.new1(30), 3);
  assert.equal(api.new2(40), 4);
  assert.deepEqual([api.rep1(1), api.rep2(2), api.rep1(3), api.rep2(4)], [10, 20, 30, 40]);
});

test('a freed index is reused before the table grows, the last freed first, by any type', async () => {
  const { api } = await instance();
  for (const rep of [1, 2, 3]) api.new1(rep);
  api.drop1(2);
  assert.equal(api.new2(20), 2, 'an r2 takes the index an r1 freed');
  assert.equal(api.rep2(2), 20);
  api.drop1(1);
  api.drop1(3);
  assert.equal(api.new2(30), 3);
  assert.equal(api.new1(10), 1);
  assert.equal(api.new1(40), 4, 'nothing free: the table grows');
  assert.deepEqual([api.rep1(1), api.rep2(2), api.rep2(3), api.rep1(4)], [10, 20, 30, 40]);
});

test('borrows and owns of an imported resource take indices from the same table', async () => {
  const { api, Blob, disposed } = await instance();
  assert.equal(api.new1(1), 1);
  assert.equal(api.borrowBlob(new Blob('lent')), 2, 'a borrow gets the next index');
  assert.equal(api.new2(2), 2, 'the dropped borrow freed it');
  assert.equal(api.ownBlob(new Blob('kept')), 3);
  assert.equal(api.new1(3), 4);
  api.dropBlob(3);
  assert.deepEqual(disposed, ['kept'], 'dropping the own disposed the host object');
  assert.equal(api.new2(4), 3);
  assert.deepEqual([api.rep1(1), api.rep2(2), api.rep2(3), api.rep1(4)], [1, 2, 4, 3]);
});

test('an index used as another resource type traps, and kills the instance', async () => {
  const cases = [
    ['rep of an r1 as an r2', (api) => api.rep2(api.new1(7)), /handle index 1 has the wrong type: it holds a `r1`, not a `r2`/],
    ['drop of an r2 as an r1', (api) => api.drop1(api.new2(7)), /handle index 1 has the wrong type: it holds a `r2`, not a `r1`/],
    ['drop of an r1 as a blob', (api) => api.dropBlob(api.new1(7)), /handle index 1 has the wrong type: it holds a `r1`, not a `blob`/],
    [
      'drop of a blob as an r1',
      (api, Blob) => api.drop1(api.ownBlob(new Blob('b'))),
      /handle index 1 has the wrong type: it holds a `blob`, not a `r1`/,
    ],
  ];
  for (const [what, misuse, pattern] of cases) {
    const { api, Blob } = await instance();
    assert.throws(() => misuse(api, Blob), isTrap(pattern), what);
    assert.throws(() => api.new1(1), (e) => e.kind === 'dead', `${what}: the instance is dead`);
  }
});

test('index 0, a freed index and one past the end are unknown', async () => {
  for (const [what, misuse, pattern] of [
    ['0', (api) => api.rep1(0), /unknown handle index 0 /],
    ['freed', (api) => (api.drop1(api.new1(5)), api.rep1(1)), /unknown handle index 1 /],
    ['past the end', (api) => (api.new2(5), api.drop2(2)), /unknown handle index 2 /],
    ['the top u32', (api) => api.drop1(0xffffffff), /unknown handle index 4294967295 /],
  ]) {
    const { api } = await instance();
    assert.throws(() => misuse(api), isTrap(pattern), what);
  }
});
