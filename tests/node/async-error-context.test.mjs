// `error-context` values and built-ins through a hand-written component
// (tests/node/wat/async-error-context.wat): `error-context.new`, `.debug-message` and `.drop`, the
// handles lifting and lowering make (in a `result` and a `list` too), what JS passes and gets, one
// handed from a nested component to its parent, the declarations `component.types()` writes, and
// every trap the spec names for the built-ins.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, ErrorContext, ComponentError, TerrariumError } from '../../js/index.js';
import { watBytes } from './support.mjs';

const component = await load(watBytes({ file: new URL('./wat/async-error-context.wat', import.meta.url).pathname }));

const trapMatching = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('error-context.new makes an ErrorContext: an Error carrying its debug message', async () => {
  const { exports } = await component.instantiate({});
  const e = exports.new('disk full: ünïcode ✓');
  assert.ok(e instanceof ErrorContext);
  assert.ok(e instanceof Error);
  assert.equal(e.debugMessage, 'disk full: ünïcode ✓');
  assert.equal(e.message, 'disk full: ünïcode ✓');
  assert.equal(e.name, 'ErrorContext');
});

test('error-context.debug-message writes the message back as a string; JS may pass any Error', async () => {
  const { exports } = await component.instantiate({});
  assert.equal(exports.message(exports.new('made by the guest')), 'made by the guest');
  assert.equal(exports.message(new ErrorContext('made in JS')), 'made in JS');
  assert.equal(exports.message(new RangeError('a plain error')), 'a plain error');
});

test('an error context lowered and lifted back is the same value; inside a list and a result too', async () => {
  const { exports } = await component.instantiate({});
  const a = exports.new('a');
  const b = new ErrorContext('b');
  assert.equal(exports.echo(a), a);
  assert.equal(exports.echo(b), b);
  const [x, y, z] = exports.echoList([a, b, a]);
  assert.equal(x, a);
  assert.equal(y, b);
  assert.equal(z, a);
  assert.equal(exports.check(false, a), undefined);
  assert.throws(() => exports.check(true, b), (e) => e instanceof ComponentError && e.payload === b);
});

test('JS passing something other than an Error gets a TypeError naming the argument', async () => {
  const { exports } = await component.instantiate({});
  assert.throws(() => exports.echo('not an error'), (e) => e instanceof TypeError && /error-context/.test(e.message) && /echo/.test(e.message));
  assert.throws(() => exports.echoList([new Error('ok'), 7]), (e) => e instanceof TypeError && /\[1\]/.test(e.message));
  assert.equal(exports.message(new Error('still usable')), 'still usable', 'the instance stays usable');
});

test('an error context made in a nested component crosses to its parent, which reads it with its own handle', async () => {
  const { exports } = await component.instantiate({});
  assert.equal(exports.makeInner('from the inner one (utf16)'), 'from the inner one (utf16)');
});

for (const [name, call, pattern] of [
  ['dropping a handle twice', (api) => api.dropTwice(new Error('x')), /error-context.drop.*is not a live handle/],
  ['reading the message of a dropped handle', (api) => api.messageAfterDrop(new Error('x')), /error-context.debug-message.*is not a live handle/],
  ['dropping a waitable set as an error context', (api) => api.dropWaitableSet(), /error-context.drop.*is not an error-context handle/],
  ['returning a dropped handle', (api) => api.returnDropped(new Error('x')), /error-context \d+ is not a live handle/],
]) {
  test(`${name} traps, and the instance is dead after`, async () => {
    const { exports } = await component.instantiate({});
    assert.throws(() => call(exports), trapMatching(pattern));
    assert.throws(() => exports.new('again'), (e) => e instanceof TerrariumError && e.kind === 'dead');
  });
}

test('component.types() declares ErrorContext where the WIT type is error-context', async () => {
  const d = await component.types();
  assert.match(d, /export interface ErrorContext extends Error \{\n {2}readonly debugMessage\?: string;\n\}/);
  assert.match(d, /new\(msg: string\): ErrorContext;/);
  assert.match(d, /echoList\(es: Array<ErrorContext>\): Array<ErrorContext>;/);
});
