// Loading the same bytes again reuses the plan and the compiled core modules: nothing is compiled
// a second time. Other bytes, or the same bytes with the other validation setting, are new.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const host = { 'example:bench/host': { log() {} } };

/** Runs `body` counting the core modules WebAssembly compiles meanwhile. */
async function countingCompiles(body) {
  const compile = WebAssembly.compile;
  let count = 0;
  WebAssembly.compile = (...args) => {
    count++;
    return compile.apply(WebAssembly, args);
  };
  try {
    const result = await body();
    return { result, count };
  } finally {
    WebAssembly.compile = compile;
  }
}

test('the same bytes loaded again are not compiled again, and the component works the same', async () => {
  // A component of its own: one custom section byte differs from bench.wasm, so no earlier test
  // in this process has loaded these exact bytes.
  const bench = await guestBytes('bench');
  const bytes = new Uint8Array(bench.length + 11);
  bytes.set(bench);
  bytes.set([0, 9, 4, 0x74, 0x65, 0x73, 0x74, 1, 2, 3, 4], bench.length); // custom section "test"
  const first = await countingCompiles(() => load(bytes));
  assert.ok(first.count > 0, 'the first load compiles');
  const again = await countingCompiles(() => load(bytes.slice()));
  assert.equal(again.count, 0, 'the second load compiles nothing');
  for (const component of [first.result, again.result]) {
    const instance = await component.instantiate(host);
    assert.equal(instance.exports.api.add(2, 3), 5);
  }
  assert.equal(await again.result.wit(), await first.result.wit());

  // Without validation it is another entry; changed bytes are another component.
  assert.ok((await countingCompiles(() => load(bytes, { validate: false }))).count > 0);
  const changed = bytes.slice();
  changed[changed.length - 1] ^= 0xff;
  assert.ok((await countingCompiles(() => load(changed))).count > 0);
  // A refusal is never cached: the same bad bytes are refused again.
  const bad = bytes.slice(0, 20);
  for (let i = 0; i < 2; i++) await assert.rejects(load(bad), { name: 'TerrariumError', kind: 'malformed' });
});
