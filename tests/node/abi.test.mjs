// Canonical-ABI lifting and lowering (js/abi/) over a real WebAssembly.Memory with a JS bump realloc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AbiContext } from '../../js/abi/context.js';
import { FlatReader } from '../../js/abi/lift-flat.js';
import { ALL_KINDS } from '../../js/abi/kinds.js';
import { InvalidValue, toJsError } from '../../js/abi/invalid.js';
import {
  makeParamsLowerer,
  makeParamsLifter,
  makeResultLowerer,
  makeResultLifter,
} from '../../js/abi/function.js';
import { GuestTrap } from '../../js/errors.js';
import { fixture } from './support.mjs';
import { setup, asCore } from './abi-support.mjs';

function roundTripFlat(cx, t, v) {
  const out = [];
  cx.lowerFlat(t)(v, out);
  const flat = cx.types[t].flat;
  assert.equal(out.length, flat.length, 'flat value count');
  out.forEach((x, i) => assert.equal(typeof x, flat[i] === 'i64' ? 'bigint' : 'number', `flat[${i}] type`));
  return cx.liftFlat(t)(new FlatReader(asCore(out, flat)));
}

function roundTripMemory(cx, t, v) {
  const ty = cx.types[t];
  const ptr = cx.alloc(ty.align, ty.size);
  cx.store(t)(ptr, v);
  cx.mem.sync();
  return cx.load(t)(ptr);
}

function both(cx, t, v, ...rest) {
  const expected = rest.length ? rest[0] : v;
  assert.deepStrictEqual(roundTripFlat(cx, t, v), expected, 'flat round trip');
  assert.deepStrictEqual(roundTripMemory(cx, t, v), expected, 'memory round trip');
}

/** Runs `f` and returns the InvalidValue it throws, converted as the function wrappers do. */
function rejection(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InvalidValue, `expected InvalidValue, got ${e}`);
    return toJsError(e, 'argument', 'of `f`');
  }
  assert.fail('expected a rejection');
}

// ---------------------------------------------------------------------------------------------

test('the type table is host-core\'s, and values cross its types (fixture variant-layout)', async () => {
  const { plan } = await fixture('variant-layout');
  const { T, mem, realloc } = setup();
  const [u8, u64, f32, string] = ['u8', 'u64', 'f32', 'string'].map((k) => T.prim(k));
  T.variant([['small', u8], ['big', u64], ['float', f32], ['text', string], ['empty', null]]);
  const s32 = T.prim('s32');
  const point = T.record([['x', 'x', s32], ['y-pos', 'yPos', s32], ['label', 'label', string]]);
  T.tuple([u8, u64, string, f32]);
  T.flags(['read', 'write', 'exec-all']);
  T.enum_(['red', 'green', 'blue-ish']);
  T.option(point);
  T.result(T.prim('u32'), string);
  assert.deepStrictEqual(T.list, plan.types.slice(0, T.list.length));

  const cx = new AbiContext({ types: plan.types, kinds: ALL_KINDS, mem, realloc });
  const index = (kind, name) => plan.types.findIndex((t) => t.kind === kind && t.name === name);
  for (const v of [{ tag: 'small', val: 255 }, { tag: 'big', val: 2n ** 64n - 1n }, { tag: 'float', val: -1.5 }, { tag: 'text', val: 'tx' }, { tag: 'empty' }]) {
    both(cx, index('variant', 'payload'), v);
  }
  both(cx, index('record', 'point'), { x: -1, yPos: 2, label: 'p' });
  both(cx, index('tuple'), [1, 2n, 's', 1.5]);
  both(cx, index('flags', 'perms'), { read: true, write: false, execAll: true });
  both(cx, index('enum', 'color'), 'blue-ish');
  both(cx, index('option'), undefined);
  both(cx, index('option'), { x: 3, yPos: 4, label: 'o' });
  both(cx, index('result'), { tag: 'err', val: 'bad' });
});

test('integers, bools and their edge values', () => {
  const { T, make } = setup();
  const cx = make();
  const cases = {
    bool: [true, false],
    s8: [-128, 127, 0, -1],
    u8: [0, 255, 7],
    s16: [-32768, 32767],
    u16: [0, 65535],
    s32: [-(2 ** 31), 2 ** 31 - 1, -1],
    u32: [0, 2 ** 32 - 1, 2 ** 31],
    s64: [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n],
    u64: [0n, 2n ** 64n - 1n, 2n ** 63n],
  };
  for (const [kind, values] of Object.entries(cases)) {
    const t = T.prim(kind);
    for (const v of values) both(cx, t, v);
  }
  // Safe-integer numbers are accepted for 64-bit types and lift as BigInt.
  both(cx, T.prim('u64'), 5, 5n);
});

test('floats: NaN, -0, infinities; NaN is stored canonical', () => {
  const { T, make, memory } = setup();
  const cx = make();
  const f32 = T.prim('f32');
  const f64 = T.prim('f64');
  for (const v of [0, -0, 1.5, Infinity, -Infinity, NaN]) {
    both(cx, f32, v);
    both(cx, f64, v);
  }
  both(cx, f32, 0.1, Math.fround(0.1));
  // A NaN with a payload is stored as the canonical NaN.
  const weird = new Float64Array(new BigUint64Array([0x7ff4000000000001n]).buffer)[0];
  const ptr = cx.alloc(8, 8);
  cx.store(f64)(ptr, weird);
  assert.equal(new DataView(memory.buffer).getBigUint64(ptr, true), 0x7ff8000000000000n);
  cx.store(f32)(ptr, NaN);
  assert.equal(new DataView(memory.buffer).getUint32(ptr, true), 0x7fc00000);
});

test('float lists: a typed array crosses as its bytes, NaN payloads kept; NaN numbers are stored canonical', () => {
  const { T, make, memory } = setup();
  const cx = make();
  const cases = [
    ['f32', Float32Array, Uint32Array, [0x7fa00001, 0xffc00000, 0x7fc00000], 0x7fc00000],
    ['f64', Float64Array, BigUint64Array, [0x7ff4000000000001n, 0xfff8000000000000n], 0x7ff8000000000000n],
  ];
  for (const [kind, Floats, Bits, nanBits, canonical] of cases) {
    const element = T.prim(kind);
    const bitsAt = ([ptr, n]) => [...new Bits(memory.buffer, ptr, n)];
    // The spec's store is `maybe_scramble_nan`: any NaN may be written, so the bytes go as given.
    const given = new Floats(new Bits([...nanBits, ...new Bits(new Floats([1.5, -0, Infinity]).buffer)]).buffer);
    const ptrLength = cx.storeList(element)(given);
    cx.mem.sync();
    assert.deepEqual(bitsAt(ptrLength), [...new Bits(given.buffer)], `${kind}: typed array bytes`);
    // Lifted back, a NaN is NaN and every other value is itself.
    assert.deepEqual(cx.loadList(element)(...ptrLength), given, `${kind}: lifted`);
    // Plain numbers (and a typed array of another kind) are JS numbers: NaN is written canonical.
    const numbers = [...given];
    assert.deepEqual(bitsAt(cx.storeList(element)(numbers)), [...nanBits.map(() => canonical), ...bitsAt(ptrLength).slice(nanBits.length)], `${kind}: numbers`);
    const other = kind === 'f32' ? new Float64Array(numbers) : new Float32Array(numbers);
    assert.equal(bitsAt(cx.storeList(element)(other))[0], canonical, `${kind}: other typed array`);
  }
});

test('chars: BMP, non-BMP; invalid code points trap when lifted', () => {
  const { T, make, memory } = setup();
  const cx = make();
  const c = T.prim('char');
  for (const v of ['a', 'é', '\u{10ffff}', '😀', '\0']) both(cx, c, v);
  for (const bad of [0xd800, 0xdfff, 0x110000, -1]) {
    assert.throws(() => cx.liftFlat(c)(new FlatReader([bad])), GuestTrap);
  }
  new DataView(memory.buffer).setUint32(64, 0xd834, true);
  assert.throws(() => cx.load(c)(64), GuestTrap);
  for (const bad of ['', 'ab', '\ud800', 'a\u0301', 97, null]) {
    const e = rejection(() => cx.lowerFlat(c)(bad, []));
    assert.ok(e instanceof TypeError || e instanceof RangeError);
  }
});

test('strings in utf8, utf16 and latin1+utf16', () => {
  const samples = ['', 'hello', 'é', '日本語', '😀 non-BMP', 'a'.repeat(100), 'ÿ latin1 only ©', 'mixed ÿ and 日', '\ufeffbom kept'];
  for (const encoding of ['utf8', 'utf16', 'latin1+utf16']) {
    const { T, make } = setup({ encoding });
    const cx = make();
    const s = T.prim('string');
    for (const v of samples) both(cx, s, v);
  }
});

test('latin1+utf16 tags the length when it falls back to utf16', () => {
  const { T, make, memory } = setup({ encoding: 'latin1+utf16' });
  const cx = make();
  const s = T.prim('string');
  const out = [];
  cx.lowerFlat(s)('ÿa', out);
  assert.equal(out[1], 2);
  assert.deepEqual([...new Uint8Array(memory.buffer, out[0], 2)], [0xff, 0x61]);
  const out2 = [];
  cx.lowerFlat(s)('aÿ日', out2);
  assert.equal(out2[1], (3 | 0x80000000) >>> 0);
  assert.deepEqual([...new Uint16Array(memory.buffer, out2[0], 3)], [0x61, 0xff, 0x65e5]);
});

test('a lone surrogate is stored as U+FFFD in every encoding, so the string lifts back', () => {
  for (const encoding of ['utf8', 'utf16', 'latin1+utf16']) {
    const { T, make } = setup({ encoding });
    const cx = make();
    const s = T.prim('string');
    for (const v of ['a\ud800b', '\udfff', 'ÿ\udc00']) {
      const out = [];
      cx.lowerFlat(s)(v, out);
      assert.equal(cx.liftFlat(s)(new FlatReader(out)), v.toWellFormed(), `${encoding} ${JSON.stringify(v)}`);
    }
  }
});

test('utf8 strings are allocated once at their exact length and survive memory growth', () => {
  // Start the bump pointer near the end of the only page: every string forces a grow.
  const { T, make, calls, memory } = setup({ start: 65530 });
  const cx = make();
  const s = T.prim('string');
  const long = 'ünïcödé '.repeat(5000);
  both(cx, s, long);
  assert.ok(memory.buffer.byteLength > 65536);
  // One fresh allocation of the exact UTF-8 length, ASCII or not, short or long: some guest
  // allocators (componentize-py's) refuse to grow an earlier allocation.
  const out = [];
  for (const [text, bytes] of [['abc', 3], ['日a', 4], ['x'.repeat(100) + 'é', 102], ['🎉'.repeat(400000), 1600000]]) {
    calls.length = 0;
    cx.lowerFlat(s)(text, out);
    assert.deepEqual(calls, [[0, 0, 1, bytes]], text.slice(0, 10));
  }
});

test('invalid utf8 / utf16 and out-of-bounds strings trap', () => {
  const { T, make, memory } = setup();
  const cx = make();
  const s = T.prim('string');
  new Uint8Array(memory.buffer).set([0xff, 0xfe, 0x41], 100);
  assert.throws(() => cx.liftFlat(s)(new FlatReader([100, 3])), GuestTrap);
  assert.throws(() => cx.liftFlat(s)(new FlatReader([65530, 10])), /out-of-bounds/);
  assert.throws(() => cx.liftFlat(s)(new FlatReader([-1, 1])), /out-of-bounds/);
  const { T: T16, make: make16, memory: m16 } = setup({ encoding: 'utf16' });
  const cx16 = make16();
  const s16 = T16.prim('string');
  new DataView(m16.buffer).setUint16(200, 0xd800, true);
  assert.throws(() => cx16.liftFlat(s16)(new FlatReader([200, 1])), /invalid utf-16/);
  assert.throws(() => cx16.liftFlat(s16)(new FlatReader([201, 1])), /unaligned/);
  // Store: the (ptr, len) pair points outside memory.
  new DataView(memory.buffer).setUint32(300, 65000, true);
  new DataView(memory.buffer).setUint32(304, 1000, true);
  assert.throws(() => cx.load(s)(300), /out-of-bounds/);
});

test('lists: typed arrays for numbers, arrays otherwise, empty lists', () => {
  const { T, make } = setup();
  const cx = make();
  const typed = {
    u8: new Uint8Array([1, 2, 255]),
    s8: new Int8Array([-1, 5]),
    u16: new Uint16Array([65535]),
    s16: new Int16Array([-2]),
    u32: new Uint32Array([1, 2 ** 32 - 1]),
    s32: new Int32Array([-5, 7]),
    u64: new BigUint64Array([2n ** 64n - 1n]),
    s64: new BigInt64Array([-(2n ** 63n)]),
    f32: new Float32Array([1.5, -0, NaN]),
    f64: new Float64Array([Math.PI, -Infinity]),
  };
  for (const [kind, value] of Object.entries(typed)) {
    const l = T.list_(T.prim(kind));
    both(cx, l, value);
    both(cx, l, Array.from(value), value); // plain arrays are accepted
    both(cx, l, new value.constructor(0));
  }
  const strings = T.list_(T.prim('string'));
  both(cx, strings, ['a', '', 'ü😀']);
  both(cx, strings, []);
  const nested = T.list_(T.list_(T.prim('bool')));
  both(cx, nested, [[true], [], [false, true]]);
});

test('lists: bounds and alignment traps', () => {
  const { T, make } = setup();
  const cx = make();
  const l32 = T.list_(T.prim('u32'));
  assert.throws(() => cx.liftFlat(l32)(new FlatReader([2, 1])), /unaligned/);
  assert.throws(() => cx.liftFlat(l32)(new FlatReader([0, 2 ** 30])), /out-of-bounds/);
  assert.throws(() => cx.liftFlat(l32)(new FlatReader([65532, 2])), /out-of-bounds/);
  assert.deepEqual(cx.liftFlat(l32)(new FlatReader([65532, 1])), new Uint32Array([0]));
});

test('records, tuples, enums and flags', () => {
  const { T, make } = setup();
  const cx = make();
  const rec = T.record([
    ['a-field', 'aField', T.prim('u8')],
    ['b', 'b', T.prim('u64')],
    ['c', 'c', T.prim('string')],
  ]);
  both(cx, rec, { aField: 1, b: 2n, c: 'x' });
  const tup = T.tuple([T.prim('char'), T.prim('f32'), T.prim('s16')]);
  both(cx, tup, ['x', 2.5, -3]);
  const en = T.enum_(['red', 'green', 'blue']);
  for (const v of ['red', 'blue']) both(cx, en, v);
  assert.throws(() => cx.liftFlat(en)(new FlatReader([3])), GuestTrap);
  const names = Array.from({ length: 40 }, (_, i) => `flag-${i}`);
  for (const flagNames of [['a', 'b-c'], names.slice(0, 12), names]) {
    const fl = T.flags(flagNames);
    const ty = cx.types[fl];
    const all = Object.fromEntries(ty.jsNames.map((n, i) => [n, i % 3 === 0]));
    both(cx, fl, all);
  }
  const big = Array.from({ length: 300 }, (_, i) => `e${i}`);
  both(cx, T.enum_(big), 'e299');
});

test('options: top-level undefined, nested tagged', () => {
  const { T, make } = setup();
  const cx = make();
  const o = T.option(T.prim('u32'));
  both(cx, o, 5);
  both(cx, o, undefined);
  both(cx, o, null, undefined);
  const oo = T.option(T.option(T.prim('string')));
  both(cx, oo, undefined);
  both(cx, oo, { tag: 'none' });
  both(cx, oo, { tag: 'some', val: 'x' });
  const ooo = T.option(T.option(T.option(T.prim('u8'))));
  both(cx, ooo, { tag: 'some', val: { tag: 'some', val: 1 } });
  both(cx, ooo, { tag: 'some', val: { tag: 'none' } });
  // An option inside a list or a result is top-level style again.
  const lo = T.list_(T.option(T.prim('u8')));
  both(cx, lo, [1, undefined, 3]);
});

test('results and variants, including the flat join of cases', () => {
  const { T, make } = setup();
  const cx = make();
  const r = T.result(T.prim('u32'), T.prim('string'));
  both(cx, r, { tag: 'ok', val: 7 });
  both(cx, r, { tag: 'err', val: 'bad' });
  const empty = T.result(null, null);
  both(cx, empty, { tag: 'ok', val: undefined });
  both(cx, empty, { tag: 'err', val: undefined });
  // Join: i32 / f32 -> i32, f32 / i64 -> i64, f64 / i32 -> i64.
  const v = T.variant([
    ['none', null],
    ['int', T.prim('s32')],
    ['float', T.prim('f32')],
    ['wide', T.prim('u64')],
    ['double', T.prim('f64')],
    ['text', T.prim('string')],
    ['pair', T.tuple([T.prim('f32'), T.prim('f64')])],
  ]);
  assert.deepEqual(cx.types[v].flat, ['i32', 'i64', 'i64']);
  for (const val of [
    { tag: 'none' },
    { tag: 'int', val: -5 },
    { tag: 'float', val: 1.5 },
    { tag: 'float', val: NaN },
    { tag: 'float', val: -0 },
    { tag: 'wide', val: 2n ** 64n - 1n },
    { tag: 'double', val: -0 },
    { tag: 'double', val: 1e300 },
    { tag: 'text', val: 'hi' },
    { tag: 'pair', val: [0.5, -2.25] },
  ]) {
    both(cx, v, val);
  }
  const out = [];
  cx.lowerFlat(v)({ tag: 'float', val: 1 }, out);
  assert.deepEqual(out, [2, 0x3f800000n, 0n]);
  // f32 / i32 join stays i32.
  const v2 = T.variant([['a', T.prim('f32')], ['b', T.prim('u32')]]);
  assert.deepEqual(cx.types[v2].flat, ['i32', 'i32']);
  both(cx, v2, { tag: 'a', val: -1.5 });
  both(cx, v2, { tag: 'b', val: 2 ** 32 - 1 });
  assert.throws(() => cx.liftFlat(v2)(new FlatReader([2, 0])), GuestTrap);
  const rr = T.result(T.option(T.result(T.prim('u8'), null)), T.list_(T.prim('u8')));
  both(cx, rr, { tag: 'ok', val: { tag: 'err', val: undefined } });
  both(cx, rr, { tag: 'ok', val: undefined });
  both(cx, rr, { tag: 'err', val: new Uint8Array([1, 2]) });
});

test('invalid JS values are rejected with TypeError / RangeError and a path', () => {
  const { T, make } = setup();
  const cx = make();
  const check = (t, v, Ctor, pattern) => {
    const e = rejection(() => cx.lowerFlat(t)(v, []));
    assert.ok(e instanceof Ctor, `${e}`);
    if (pattern) assert.match(e.message, pattern);
    // store rejects the same way
    const e2 = rejection(() => cx.store(t)(cx.alloc(8, 64), v));
    assert.ok(e2 instanceof Ctor, `${e2}`);
  };
  check(T.prim('u8'), 256, RangeError, /expected u8.*got 256/);
  check(T.prim('u8'), -1, RangeError);
  check(T.prim('u8'), 1.5, RangeError);
  check(T.prim('u8'), '1', TypeError);
  check(T.prim('s32'), 2 ** 31, RangeError);
  check(T.prim('u32'), NaN, RangeError);
  check(T.prim('u64'), -1n, RangeError);
  check(T.prim('u64'), 2n ** 64n, RangeError);
  check(T.prim('s64'), '5', TypeError);
  check(T.prim('bool'), 1, TypeError);
  check(T.prim('f64'), '1', TypeError);
  check(T.prim('string'), 5, TypeError);
  check(T.enum_(['a', 'b']), 'c', RangeError, /one of "a", "b"/);
  check(T.variant([['x', null]]), { tag: 'y' }, TypeError);
  const rec = T.record([['inner', 'inner', T.record([['n', 'n', T.prim('u8')]])]]);
  check(rec, { inner: {} }, TypeError, /`\.inner\.n`/);
  check(rec, { inner: { n: 300 } }, RangeError, /`\.inner\.n`/);
  check(T.list_(T.prim('u16')), [1, 70000], RangeError, /`\[1\]`/);
  check(T.list_(T.prim('u16')), 'abc', TypeError);
  check(T.tuple([T.prim('u8'), T.prim('u8')]), [1], TypeError);
  check(T.result(T.prim('u8'), null), { tag: 'ok', val: 999 }, RangeError, /`\.val`/);
  check(T.option(T.prim('u8')), 999, RangeError);
});

test('functions: more than 16 flat params travel through memory, results through a return area', () => {
  const { T, make } = setup();
  const cx = make();
  const u32 = T.prim('u32');
  const str = T.prim('string');
  const params = Array.from({ length: 13 }, (_, i) => ({ name: `p${i}`, type: i % 2 ? str : u32 }));
  const flatParams = params.flatMap((p) => cx.types[p.type].flat);
  const rt = T.tuple([str, u32, str]);
  const sig = {
    name: 'f', params, result: rt, flatParams, flatResults: cx.types[rt].flat, paramsIndirect: flatParams.length > 16, resultIndirect: true,
    paramsLayout: (({ offsets, size, align }) => ({ offsets, size, align }))(T.struct(params.map((p) => p.type))),
  };
  assert.ok(sig.paramsIndirect);
  const args = params.map((p, i) => (i % 2 ? `s${i}` : i));
  const core = makeParamsLowerer(cx, sig)(args);
  assert.equal(core.length, 1);
  assert.deepEqual(makeParamsLifter(cx, sig)(asCore(core, ['i32'])), args);
  // The host writes a result into the guest's return area; the export side reads it back.
  const retptr = cx.alloc(4, cx.types[rt].size);
  assert.equal(makeResultLowerer(cx, sig)(['a', 1, 'b'], [0, retptr]), undefined);
  assert.deepEqual(makeResultLifter(cx, sig)(retptr), ['a', 1, 'b']);
  assert.throws(() => makeResultLifter(cx, sig)(retptr + 2), /unaligned/);
  assert.throws(() => makeResultLifter(cx, sig)(65536 - 4), /out-of-bounds/);
  const e = (() => {
    try {
      makeParamsLowerer(cx, sig)(args.map((a, i) => (i === 3 ? 4 : a)));
    } catch (err) {
      return toJsError(err, 'argument', 'of `f`');
    }
  })();
  assert.ok(e instanceof TypeError);
  assert.match(e.message, /argument `p3` of `f`/);
});
