// Nested components reached through outer aliases, run end to end: the host-core fixtures
// (host-core/tests/fixtures/outer-alias-*.wat, assembled here with wasm-tools) load, instantiate
// and answer calls, with and without the validator. Also the type limits the planner applies
// without the validator, as `load` reports them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, TerrariumError } from '../../js/index.js';

const fixtures = fileURLToPath(new URL('../../host-core/tests/fixtures/', import.meta.url));

/** The binary of a WAT text or of a fixture file, by `wasm-tools parse` (which `npm run setup` installs). */
function assemble({ file, text }) {
  const r = spawnSync('wasm-tools', ['parse', file ?? '-'], { input: text, maxBuffer: 1 << 28 });
  assert.ifError(r.error);
  assert.equal(r.status, 0, r.stderr?.toString());
  return new Uint8Array(r.stdout);
}

async function instantiateFixture(name, validate) {
  const component = await load(assemble({ file: `${fixtures}${name}.wat` }), { validate });
  return (await component.instantiate({})).exports;
}

for (const validate of [true, false]) {
  test(`siblings instantiating siblings through outer aliases (validate: ${validate})`, async () => {
    const exports = await instantiateFixture('outer-alias-siblings', validate);
    assert.equal(exports.get(), 42);
  });

  test(`a nested component instantiating its outer siblings several times (validate: ${validate})`, async () => {
    const { a, b, c, h1, h2 } = await instantiateFixture('outer-alias-repeat', validate);
    // Three instances of `counter`, each with its own count.
    assert.deepEqual([a(), a(), b(), a(), c(), b()], [1, 2, 1, 3, 1, 2]);
    assert.deepEqual([h1(), h2()], [100, 100]);
  });

  test(`outer aliases two levels out, resolved where the component is defined (validate: ${validate})`, async () => {
    const exports = await instantiateFixture('outer-alias-depth', validate);
    assert.equal(exports.add([3, 4]), 7);
    assert.equal(exports.add([0xffff_ffff, 2]), 1);
    assert.equal(exports.seven(), 7);
  });

  test(`lists nested 10,000 deep are refused when loaded (validate: ${validate})`, async () => {
    let text = '(component (type (list u32))';
    for (let i = 1; i < 10_000; i++) text += ` (type (list ${i - 1}))`;
    const bytes = assemble({ text: `${text})` });
    const error = await load(bytes, { validate }).then(
      () => assert.fail('expected a refusal'),
      (e) => e,
    );
    assert.ok(error instanceof TerrariumError, `not a TerrariumError: ${error}`);
    assert.equal(error.kind, 'invalid');
    assert.match(error.message, /type nesting is too deep/);
    assert.ok(error.offset > 0 && error.offset < bytes.length, `offset ${error.offset}`);
  });
}

test('a function of a tuple of 2^17 u32s (by doubling) is called through memory', async () => {
  // t0 = tuple<u32, u32>, t(i) = tuple<t(i-1), t(i-1)>: its flattening is never listed, and the
  // JS side builds one closure per type, not per element.
  let types = '(type $t0 (tuple u32 u32))';
  for (let i = 1; i < 17; i++) types += ` (type $t${i} (tuple $t${i - 1} $t${i - 1}))`;
  const text = `(component
    ${types}
    (core module $m
      (memory (export "memory") 9)
      ;; The last u32 of the tuple the caller stored at the pointer.
      (func (export "last") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 524284))))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const 8)))
    (core instance $i (instantiate $m))
    (alias core export $i "memory" (core memory $memory))
    (alias core export $i "realloc" (core func $realloc))
    (func $last (param "t" $t16) (result u32) (canon lift (core func $i "last") (memory $memory) (realloc $realloc)))
    (export "last" (func $last)))`;
  const component = await load(assemble({ text }), { validate: false });
  const { last } = (await component.instantiate({})).exports;
  const tuple = (depth, next) => (depth < 0 ? next() : [tuple(depth - 1, next), tuple(depth - 1, next)]);
  let n = 0;
  assert.equal(last(tuple(16, () => n++)), 2 ** 17 - 1);
});
