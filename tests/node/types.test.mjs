// Every canonical-ABI value type through the `types` guest, with jco's JS conventions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, ComponentError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const component = await load(await guestBytes('types'));
const quiet = { wasi: { stdout: () => {}, stderr: () => {} } };
const host = {
  getSeed: () => 0xfeedfacecafebeefn,
  'example:types/host-values': {
    makePoint: (x, y) => ({ x, y, label: `made by host ${x},${y}` }),
    failWith: (code) => {
      if (code !== 0) throw new ComponentError(`failed with ${code}`);
      return code;
    },
  },
};
const { exports } = await component.instantiate(host, quiet);
const rt = exports.roundtrip;

function echoes(fn, values, same = assert.deepEqual) {
  for (const value of values) same(fn(value), value, `${fn.name}(${String(value)})`);
}

test('world-level export and the full interface name', () => {
  assert.equal(exports.version(), '0.1.0');
  assert.equal(exports['example:types/roundtrip@0.1.0'].echoU8, rt.echoU8);
});

test('integers at their extremes, 64-bit as BigInt', () => {
  echoes(rt.echoBool, [true, false]);
  echoes(rt.echoS8, [-128, -1, 0, 127]);
  echoes(rt.echoU8, [0, 1, 255]);
  echoes(rt.echoS16, [-32768, 32767]);
  echoes(rt.echoU16, [0, 65535]);
  echoes(rt.echoS32, [-(2 ** 31), 2 ** 31 - 1, 0]);
  echoes(rt.echoU32, [0, 2 ** 32 - 1]);
  echoes(rt.echoS64, [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]);
  echoes(rt.echoU64, [0n, 2n ** 64n - 1n, 2n ** 53n + 1n]);
});

test('floats: NaN, -0, infinities, f32 rounding', () => {
  echoes(rt.echoF64, [0, -0, 1.5, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE], (a, b) => assert.ok(Object.is(a, b), `${a} vs ${b}`));
  assert.ok(Number.isNaN(rt.echoF64(NaN)));
  assert.ok(Number.isNaN(rt.echoF32(NaN)));
  assert.ok(Object.is(rt.echoF32(-0), -0));
  assert.equal(rt.echoF32(0.1), Math.fround(0.1));
  assert.equal(rt.echoF32(3.5), 3.5);
});

test('chars and strings, non-BMP included', () => {
  echoes(rt.echoChar, ['a', 'é', '𝄞', '\0', '\u{10ffff}']);
  echoes(rt.echoString, ['', 'plain', 'ünïcödé', '🎉🎉', 'nul\0inside']);
});

test('lists as typed arrays, lists of strings and nested lists', () => {
  assert.deepEqual(rt.echoBytes(new Uint8Array([0, 1, 255])), new Uint8Array([0, 1, 255]));
  assert.deepEqual(rt.echoBytes(new Uint8Array()), new Uint8Array());
  assert.deepEqual(rt.echoListU32(new Uint32Array([1, 2 ** 32 - 1])), new Uint32Array([1, 2 ** 32 - 1]));
  assert.deepEqual(rt.echoListU32([7, 8]), new Uint32Array([7, 8]));
  assert.deepEqual(rt.echoListF64(new Float64Array([1.5, -0, Infinity])), new Float64Array([1.5, -0, Infinity]));
  echoes(rt.echoListString, [[], ['a', '', '🎉']]);
  assert.deepEqual(rt.echoListListU16([[1, 2], [], [65535]]), [new Uint16Array([1, 2]), new Uint16Array(), new Uint16Array([65535])]);
});

test('records, tuples and lists of records', () => {
  const point = { x: -1, y: 2 ** 31 - 1, label: 'p' };
  assert.deepEqual(rt.echoPoint(point), point);
  assert.deepEqual(rt.echoPoints([point, { x: 0, y: 0, label: '' }]), [point, { x: 0, y: 0, label: '' }]);
  assert.deepEqual(rt.echoPoints([]), []);
  const mixed = {
    a: 255, b: 2n ** 64n - 1n, c: 65535, d: 1.25, e: -128, f: -2.5, g: true, h: '𝄞',
    i: 'text', j: -(2n ** 63n), k: 4000000000, l: -32768, m: new Uint8Array([9, 8]), n: 7, o: -0.5,
  };
  assert.deepEqual(rt.echoMixed(mixed), mixed);
  assert.deepEqual(rt.echoMixed({ ...mixed, n: undefined }), { ...mixed, n: undefined });
  assert.deepEqual(rt.echoTuple4([1, 2n ** 64n - 1n, 'four', 0.5]), [1, 2n ** 64n - 1n, 'four', 0.5]);
  assert.deepEqual(rt.echoTuple3([0, '', -1n]), [0, '', -1n]);
});

test('more than 16 flat parameters travel through memory', () => {
  const sum = rt.sumMany(1, -2, 3, -4, 5, -6, 7n, -8n, 0.5, 0.25, 11, -12, 13, -14, 15, -16, 17n, 0.125);
  assert.equal(sum, 1 - 2 + 3 - 4 + 5 - 6 + 7 - 8 + 0.5 + 0.25 + 11 - 12 + 13 - 14 + 15 - 16 + 17 + 0.125);
});

test('variants, enums, options and nested options', () => {
  echoes(rt.echoShape, [
    { tag: 'circle', val: 1.5 },
    { tag: 'rectangle', val: { x: 1, y: 2, label: 'r' } },
    { tag: 'none' },
  ]);
  echoes(rt.echoColor, ['red', 'green', 'blue-ish']);
  echoes(rt.echoOptionU32, [undefined, 0, 42]);
  assert.equal(rt.echoOptionU32(null), undefined, 'null lowers as none');
  echoes(rt.echoOptionOptionString, [undefined, { tag: 'none' }, { tag: 'some', val: 'inner' }]);
  echoes(rt.echoOptionPoint, [undefined, { x: 3, y: 4, label: 'o' }]);
  echoes(rt.echoPayload, [
    { tag: 'small', val: 255 },
    { tag: 'big', val: 2n ** 64n - 1n },
    { tag: 'float', val: -1.5 },
    { tag: 'text', val: 'payload' },
    { tag: 'empty' },
  ]);
});

test('results: ok returns the value, err throws ComponentError with the payload', () => {
  assert.equal(rt.echoResult({ tag: 'ok', val: 5 }), 5);
  assert.throws(() => rt.echoResult({ tag: 'err', val: 'bad' }), (e) => e instanceof ComponentError && e.payload === 'bad');
  assert.equal(rt.echoUnitResult({ tag: 'ok' }), undefined);
  assert.throws(() => rt.echoUnitResult({ tag: 'err' }), (e) => e instanceof ComponentError && e.payload === undefined);
  assert.equal(rt.echoResultEnum({ tag: 'ok', val: 'fine' }), 'fine');
  assert.throws(() => rt.echoResultEnum({ tag: 'err', val: 'denied' }), (e) => e.payload === 'denied');
});

test('flags as objects of booleans, up to 20 members', () => {
  echoes(rt.echoPermissions, [
    { read: false, write: false, exec: false },
    { read: true, write: false, exec: true },
  ]);
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i % 3 === 0]));
  assert.deepEqual(rt.echoManyFlags(many), many);
});

test('imports: a world-level function, records and results from the host', () => {
  assert.equal(rt.callGetSeed(), 0xfeedfacecafebeefn);
  assert.deepEqual(rt.callMakePoint(-5, 6), { x: -5, y: 6, label: 'made by host -5,6' });
  assert.equal(rt.callFailWith(0), 0);
  assert.throws(() => rt.callFailWith(7), (e) => e instanceof ComponentError && e.payload === 'failed with 7');
});

/** Invalid arguments: the spec leaves the JS error type open; jco's conventions use either. */
const refused = (e) => (e instanceof TypeError || e instanceof RangeError) && /roundtrip#echo/.test(e.message);

test('invalid values are refused before reaching the guest, naming the function', () => {
  assert.throws(() => rt.echoU8(256), /echo-u8|echoU8/);
  assert.throws(() => rt.echoU8(-1), refused);
  assert.throws(() => rt.echoS32(2 ** 31), refused);
  assert.throws(() => rt.echoU32(1.5), refused);
  assert.equal(rt.echoU64(5), 5n, 'an integral number is accepted for a 64-bit integer');
  assert.throws(() => rt.echoU64('5'), refused);
  assert.throws(() => rt.echoU64(-1n), refused);
  assert.throws(() => rt.echoChar('ab'), refused);
  assert.throws(() => rt.echoChar(''), refused);
  assert.throws(() => rt.echoString(5), refused);
  assert.throws(() => rt.echoColor('purple'), refused);
  assert.throws(() => rt.echoShape({ tag: 'hexagon' }), refused);
  assert.throws(() => rt.echoPoint({ x: 1, label: 'no y' }), refused);
  assert.equal(rt.echoU8(200), 200, 'the instance still works after refusals');
});
