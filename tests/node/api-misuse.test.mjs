// What a caller can get wrong, answered with a clear, typed error naming the mistake: oversized
// input, a BigInt for a u32, null imports, bad WASI options, a host import that throws a bare
// value; and bytes changed after `load` changing nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, run, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const quietHost = { 'example:bench/host': { log() {} } };

test('a 3 GiB input is refused as unsupported before it is copied or planned', async () => {
  // Zero pages: the allocation costs nothing until touched, and the check touches none of it.
  const huge = new Uint8Array(3 * 2 ** 30);
  for (const source of [huge, huge.buffer, new DataView(huge.buffer)]) {
    await assert.rejects(load(source), (e) => {
      assert.ok(e instanceof TerrariumError);
      assert.equal(e.kind, 'unsupported');
      assert.equal(e.message, 'the component is 3221225472 bytes, more than the 1073741824 (1 GiB) a WebAssembly engine compiles');
      return true;
    });
  }
  // The engine is still there for the next load.
  const instance = await (await load(await guestBytes('bench'))).instantiate(quietHost);
  assert.equal(instance.exports.api.add(2, 3), 5);
});

test('a BigInt, a string or an object with valueOf where a u32 is expected is a TypeError naming the argument', async () => {
  const instance = await (await load(await guestBytes('bench'))).instantiate(quietHost);
  const { add, sumBytes } = instance.exports.api;
  for (const [bad, shown] of [[1n, '1n'], ['1', '"1"'], [{ valueOf: () => 1 }, 'an object'], [Symbol('x'), 'Symbol(x)']]) {
    assert.throws(() => add(bad, 2), { name: 'TypeError', message: `invalid argument \`a\` of \`example:bench/api#add\`: expected u32, got ${shown}` });
  }
  assert.throws(() => add(1, 2n), { name: 'TypeError', message: 'invalid argument `b` of `example:bench/api#add`: expected u32, got 2n' });
  // In a list too: a BigInt element of a plain array for list<u8>, and a BigInt64Array.
  assert.throws(() => sumBytes([1, 2n]), {
    name: 'TypeError',
    message: 'invalid argument `data[1]` of `example:bench/api#sum-bytes`: expected u8 (0..255), got 2n',
  });
  assert.throws(() => sumBytes(new BigInt64Array(2)), TypeError);
  // The instance was never entered: it still works.
  assert.equal(add(40, 2), 42);
});

test('instantiate refuses null imports, non-object options and misspelt WASI options with a TypeError', async () => {
  const component = await load(await guestBytes('bench'));
  await assert.rejects(component.instantiate(null), { name: 'TypeError', message: 'instantiate: `imports` must be an object keyed by interface name, got null' });
  await assert.rejects(component.instantiate([]), { name: 'TypeError', message: /`imports` must be an object keyed by interface name, got an array of length 0/ });
  await assert.rejects(component.instantiate(quietHost, null), { name: 'TypeError', message: 'instantiate: `options` must be an object, got null' });
  await assert.rejects(component.instantiate(quietHost, { wasi: 42 }), {
    name: 'TypeError',
    message: 'instantiate: `options.wasi` must be an object of WASI options, got 42',
  });
  await assert.rejects(component.instantiate(quietHost, { wasi: { stdOut: () => {} } }), {
    name: 'TypeError',
    message: /^instantiate: `options.wasi` has no option `stdOut` \(it has `args`, `env`/,
  });
  // undefined is "nothing given", as for any optional argument.
  assert.equal((await component.instantiate(quietHost, undefined)).exports.api.add(1, 1), 2);
});

test('run refuses options that are not an object, or a misspelt WASI option, before loading', async () => {
  const bytes = await guestBytes('hello');
  await assert.rejects(run(bytes, 42), { name: 'TypeError', message: 'run: `options` must be an object, got 42' });
  await assert.rejects(run(bytes, { argv: ['x'] }), { name: 'TypeError', message: /^run: `options` has no option `argv`/ });
});

test('a host import that throws undefined kills the instance with a trap that says so', async () => {
  for (const thrown of [undefined, null, 'boom']) {
    const instance = await (await load(await guestBytes('bench'))).instantiate({
      'example:bench/host': {
        log() {
          throw thrown;
        },
      },
    });
    const shown = thrown === 'boom' ? '"boom"' : String(thrown);
    assert.throws(() => instance.exports.api.callHost('x'), (e) => {
      assert.ok(e instanceof TerrariumError, `thrown ${shown}`);
      assert.equal(e.kind, 'trap');
      assert.equal(e.message, `trap in \`example:bench/api#call-host\`: a host import threw ${shown}, not an Error`);
      assert.equal(e.cause, thrown);
      return true;
    });
    assert.throws(() => instance.exports.api.add(1, 2), (e) => {
      assert.equal(e.kind, 'dead');
      assert.match(e.message, /an earlier call failed: trap in `example:bench\/api#call-host`: a host import threw/);
      assert.doesNotMatch(e.message, /disposed/);
      return true;
    });
  }
});

test('changing the bytes after load changes nothing the component reads later', async () => {
  const bytes = await guestBytes('bench');
  const component = await load(bytes);
  const wit = await component.wit();
  bytes.fill(0);
  assert.equal(await component.wit(), wit);
  assert.equal(component.byteLength, bytes.byteLength);
  const instance = await component.instantiate(quietHost);
  assert.equal(instance.exports.api.add(2, 3), 5);
  // The same for an ArrayBuffer and a view into a bigger buffer.
  const fresh = await guestBytes('bench');
  const big = new Uint8Array(fresh.length + 16);
  big.set(fresh, 8);
  const view = new DataView(big.buffer, 8, fresh.length);
  const fromView = await load(view);
  big.fill(0xff);
  assert.equal(await fromView.wit(), wit);
});
