// Fused copies between two components' memories (js/abi/fuse.js, string-copy.js): every value
// must arrive as the JS-value path (lift from one side, lower into the other) delivers it, for every
// type and every pairing of string encodings, and every invalid value must trap with the message
// that path gives. Two real WebAssembly.Memory objects with the bump realloc of abi-support.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fuser, hasMemory } from '../../js/abi/fuse.js';
import { FlatReader } from '../../js/abi/lift-flat.js';
import { GuestTrap } from '../../js/errors.js';
import { features } from '../../js/features.js';
import { scannerFor } from '../../js/abi/scan.js';
import { Types, setup, asCore } from './abi-support.mjs';

const ENCODINGS = ['utf8', 'utf16', 'latin1+utf16'];

/** One type table; `from` and `to` are two memories, each with its own string encoding. */
function sides(T, fromEncoding, toEncoding, shared = false) {
  const a = setup({ T, encoding: fromEncoding, shared });
  const b = setup({ T, encoding: toEncoding });
  const from = a.make();
  const to = b.make();
  return { from, to, fuser: new Fuser(from, to), fromMemory: a.memory };
}

/** A value stored in `from`'s memory: its address. */
function stored(from, t, v) {
  const ty = from.types[t];
  const ptr = from.alloc(ty.align, ty.size);
  from.store(t)(ptr, v);
  return ptr;
}

/** The value at `src` in `from`, carried into `to` (fused or through JS), as `to` reads it back, with its raw words. */
function acrossMemory({ from, to, fuser }, t, src, fused) {
  const ty = from.types[t];
  const dst = to.alloc(ty.align, ty.size);
  if (fused) fuser.memory(t)(src, dst);
  else to.store(t)(dst, from.load(t)(src));
  to.mem.sync();
  return { value: to.load(t)(dst), words: rawWords(to, t, dst) };
}

/** A string's or list's length word as stored (latin1+utf16 tags it): what the guest sees. */
function rawWords(cx, t, ptr) {
  const kind = cx.types[t].kind;
  return kind === 'string' || kind === 'list' ? cx.mem.dv.getUint32(ptr + 4, true) : null;
}

/** `v` lowered flat by `from`, carried to `to`'s core values (fused, fused `direct`, or through JS), lifted by `to`. */
function acrossFlat({ from, to, fuser }, t, v, fused) {
  const flat = from.types[t].flat;
  const core = [];
  from.lowerFlat(t)(v, core);
  const out = [];
  if (fused === 'direct') fuser.direct(t)(asCore(core, flat), 0, out);
  else if (fused) fuser.flat(t)(new FlatReader(asCore(core, flat)), out);
  else to.lowerFlat(t)(from.liftFlat(t)(new FlatReader(asCore(core, flat))), out);
  to.mem?.sync();
  const carried = asCore(out, flat);
  return { value: to.liftFlat(t)(new FlatReader(carried)), core: scalarCore(from.types, t, carried) };
}

/** Core values of a type without pointers, which must match exactly; pointers differ by allocation. */
function scalarCore(types, t, core) {
  return hasMemory(types, t) ? null : core;
}

/** Asserts fused and JS-value copies agree, in memory and flat, for every encoding pairing. */
function agree(T, cases) {
  for (const fromEncoding of ENCODINGS) {
    for (const toEncoding of ENCODINGS) {
      const s = sides(T, fromEncoding, toEncoding);
      for (const [t, values] of cases) {
        for (const v of values) {
          const what = `${T.list[t].kind} ${fromEncoding} -> ${toEncoding}: ${describe(v)}`;
          const src = stored(s.from, t, v);
          assert.deepStrictEqual(acrossMemory(s, t, src, true), acrossMemory(s, t, src, false), `memory, ${what}`);
          const viaJs = acrossFlat(s, t, v, false);
          assert.deepStrictEqual(acrossFlat(s, t, v, true), viaJs, `flat, ${what}`);
          if (s.fuser.direct(t) !== null) assert.deepStrictEqual(acrossFlat(s, t, v, 'direct'), viaJs, `direct, ${what}`);
        }
      }
    }
  }
}

function describe(v) {
  const s = typeof v === 'bigint' ? `${v}n` : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? [...x].slice(0, 8) : x));
  return s === undefined ? String(v) : s.slice(0, 60);
}

/** Runs `f`, which must trap; returns the message. */
function trapOf(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof GuestTrap, `expected a trap, got ${e}`);
    return e.message;
  }
  return assert.fail('expected a trap');
}

const STRINGS = [
  '', 'a', 'hello, world', 'café ÿ', '\u0080\u00ff\u0000end', 'Ā', 'naïve Ā', 'ß→😀', '😀', '\u{10ffff}\u{10000}', 'mixed é 中文 😀 ok',
  '\ufeffBOM kept', 'x'.repeat(5000), 'é'.repeat(3000) + 'Ā', '😀'.repeat(2000), 'ascii '.repeat(500) + '中',
];

test('scalars cross unchanged, bool normalised, NaN canonical in memory', () => {
  const T = new Types();
  const cases = [
    [T.prim('bool'), [true, false]],
    [T.prim('s8'), [-128, 0, 127]],
    [T.prim('u8'), [0, 255]],
    [T.prim('s16'), [-32768, 32767]],
    [T.prim('u16'), [0, 65535]],
    [T.prim('s32'), [-(2 ** 31), 2 ** 31 - 1]],
    [T.prim('u32'), [0, 2 ** 32 - 1]],
    [T.prim('s64'), [-(2n ** 63n), 2n ** 63n - 1n]],
    [T.prim('u64'), [0n, 2n ** 64n - 1n]],
    [T.prim('f32'), [0, -0, 1.5, Infinity, NaN]],
    [T.prim('f64'), [-0, Math.PI, -Infinity, NaN]],
    [T.prim('char'), ['a', 'é', '中', '😀', '\u{10ffff}']],
  ];
  agree(T, cases);
});

test('strings between every pair of encodings: empty, Latin-1, BMP, surrogate pairs, long', () => {
  const T = new Types();
  agree(T, [[T.prim('string'), STRINGS]]);
});

test('lists of scalars, and of records, tuples, variants, enums and flags of scalars', () => {
  const T = new Types();
  const [u8, u32, f32, f64, bool, char, s64] = ['u8', 'u32', 'f32', 'f64', 'bool', 'char', 's64'].map((k) => T.prim(k));
  const rec = T.record([['a', 'a', u8], ['b', 'b', f64], ['c', 'c', char], ['d', 'd', bool]]);
  const tup = T.tuple([u32, s64]);
  const en = T.enum_(['red', 'green', 'blue']);
  const fl = T.flags(['a', 'b', 'c']);
  const va = T.variant([['none', null], ['small', u8], ['float', f32], ['big', s64]]);
  const opt = T.option(u32);
  agree(T, [
    [T.list_(u8), [new Uint8Array([]), new Uint8Array([1, 2, 255])]],
    [T.list_(u32), [new Uint32Array([0, 1, 2 ** 32 - 1])]],
    // NaNs with payloads: a float list crosses as its bytes either way (lists.js).
    [T.list_(f32), [new Float32Array([1, NaN, -0, Infinity]), new Float32Array(new Uint32Array([0x7fa00001, 0xffc00000]).buffer)]],
    [T.list_(f64), [new Float64Array([NaN, 2.5]), new Float64Array(new BigUint64Array([0x7ff4000000000001n]).buffer)]],
    [T.list_(bool), [[true, false, true]]],
    [T.list_(char), [['a', '😀', 'é']]],
    [T.list_(rec), [[], [{ a: 1, b: NaN, c: '😀', d: true }, { a: 255, b: -1.5, c: 'x', d: false }]]],
    [T.list_(tup), [[[1, -5n], [2 ** 32 - 1, 2n ** 62n]]]],
    [T.list_(en), [['blue', 'red']]],
    [T.list_(fl), [[{ a: true, b: false, c: true }, { a: false, b: true, c: false }]]],
    [T.list_(va), [[{ tag: 'none' }, { tag: 'small', val: 7 }, { tag: 'float', val: NaN }, { tag: 'big', val: -1n }]]],
    [T.list_(opt), [[undefined, 5, 0]]],
    [rec, [{ a: 3, b: 0.25, c: '中', d: true }]],
    [va, [{ tag: 'float', val: 1.25 }, { tag: 'big', val: 2n ** 40n }, { tag: 'none' }]],
  ]);
});

test('nested values: lists of strings, records and variants holding strings and lists, options of options', () => {
  const T = new Types();
  const [u8, u32, string, f32, u64] = ['u8', 'u32', 'string', 'f32', 'u64'].map((k) => T.prim(k));
  const strings = T.list_(string);
  const person = T.record([['name', 'name', string], ['age', 'age', u8], ['tags', 'tags', strings]]);
  const people = T.list_(person);
  // Cases whose flat values join to i64: a string's pointer and length travel widened.
  const mixed = T.variant([['text', string], ['wide', u64], ['float', f32], ['bytes', T.list_(u8)]]);
  const nested = T.option(T.option(string));
  const res = T.result(strings, u32);
  const deep = T.list_(T.list_(string));
  agree(T, [
    [strings, [[], STRINGS]],
    [person, [{ name: 'Zoë 😀', age: 9, tags: ['a', '', 'ĉ'] }]],
    [people, [[], [{ name: 'x', age: 1, tags: [] }, { name: 'Ā'.repeat(100), age: 2, tags: STRINGS.slice(0, 5) }]]],
    [mixed, [{ tag: 'text', val: 'naïve Ā' }, { tag: 'wide', val: 2n ** 63n }, { tag: 'float', val: -2.5 }, { tag: 'bytes', val: new Uint8Array([9, 8]) }]],
    [nested, [undefined, { tag: 'none' }, { tag: 'some', val: '😀' }]],
    [res, [{ tag: 'ok', val: ['é', 'b'] }, { tag: 'err', val: 7 }]],
    [deep, [[[], ['a', 'é'], STRINGS.slice(5, 9)]]],
  ]);
});

test('fixed-length lists and maps, of scalars and of strings', () => {
  const T = new Types();
  const [u8, char, string, u32] = ['u8', 'char', 'string', 'u32'].map((k) => T.prim(k));
  agree(T, [
    [T.fixedList(u8, 3), [new Uint8Array([1, 2, 255])]],
    [T.list_(T.fixedList(char, 2)), [[['a', '😀'], ['é', 'z']]]],
    [T.fixedList(string, 2), [['naïve Ā', '']]],
    [T.map(string, u32), [new Map(), new Map([['a', 1], ['中文', 2 ** 32 - 1]])]],
    [T.map(u32, T.list_(string)), [new Map([[7, ['x', 'ß→😀']]])]],
  ]);
});

test('invalid strings trap as the JS-value path traps: bad UTF-8, lone surrogates, out of bounds', () => {
  const T = new Types();
  const string = T.prim('string');
  for (const [fromEncoding, bytes, length] of [
    ['utf8', [0x61, 0xff, 0x62], 3],
    ['utf8', [0xc0, 0x80], 2], // overlong NUL
    ['utf8', [0xed, 0xa0, 0x80], 3], // a surrogate
    ['utf8', [0xf4, 0x90, 0x80, 0x80], 4], // past U+10FFFF
    ['utf8', [0xe4, 0xb8], 2], // truncated
    ['utf8', [...'ascii run long enough for the word scan, then: '].map((c) => c.charCodeAt(0)).concat(0x80), 48],
    ['utf16', [0x61, 0, 0x00, 0xd8, 0x62, 0], 3], // a lead surrogate alone
    ['utf16', [0x00, 0xdc], 1], // a trail first
    ['utf16', [...Array(70)].flatMap(() => [0x61, 0]).concat([0x3d, 0xd8, 0x61, 0]), 72], // past the word scan
    ['latin1+utf16', [0x00, 0xd8], (1 | 0x80000000) >>> 0],
    ['utf8', [], 70_000], // past the end of memory
    ['utf16', [], 40_000],
  ]) {
    for (const toEncoding of ENCODINGS) {
      const s = sides(T, fromEncoding, toEncoding);
      const at = s.from.alloc(4, Math.max(2, bytes.length));
      new Uint8Array(s.fromMemory.buffer).set(bytes, at);
      const record = s.from.alloc(4, 8);
      s.from.mem.dv.setUint32(record, at, true);
      s.from.mem.dv.setUint32(record + 4, length, true);
      const expected = trapOf(() => s.to.store(string)(s.to.alloc(4, 8), s.from.load(string)(record)));
      assert.equal(trapOf(() => s.fuser.memory(string)(record, s.to.alloc(4, 8))), expected, `${fromEncoding} -> ${toEncoding}: ${bytes}`);
      assert.equal(trapOf(() => s.fuser.flat(string)(new FlatReader([at, length | 0]), [])), expected);
      assert.equal(trapOf(() => s.fuser.direct(string)([at, length | 0], 0, [])), expected);
    }
  }
});

/** What `f` returns, or the message of the trap it throws. */
function outcome(f) {
  try {
    return { value: f() };
  } catch (e) {
    assert.ok(e instanceof GuestTrap, `expected a trap, got ${e}`);
    return { trap: e.message };
  }
}

/**
 * Runs of ASCII and of UTF-16 units outside the surrogates, with one odd sequence placed at each
 * boundary of the JS word loop (4 and 16 bytes) and of the SIMD scanner (16, 64 bytes), from every
 * alignment of the start, in an ordinary memory (scanner) and a shared one (JS alone): the fused
 * copy gives what the JS-value path gives, the string or the same trap.
 */
test('long strings with one odd sequence anywhere: what the JS-value path gives, with and without the scanner', () => {
  const T = new Types();
  const string = T.prim('string');
  const odd = {
    utf8: [[0xc3, 0xa9], [0xe4, 0xb8, 0xad], [0xf0, 0x9f, 0x98, 0x80], [0x80], [0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe4, 0xb8]],
    // 0xd7ff and 0xe000 sit either side of the surrogates; 0x8000 fails the JS word test alone.
    utf16: [[0xd83d, 0xde00], [0xd800], [0xdc00], [0xdbff, 0x61], [0xd7ff], [0xe000], [0x8000], [0xd83d]],
  };
  const lengths = [7, 8, 9, 15, 16, 17, 63, 64, 65, 66, 127, 128, 129, 200, 1000];
  for (const shared of [false, true]) {
    for (const fromEncoding of ['utf8', 'utf16']) {
      const utf8 = fromEncoding === 'utf8';
      for (const toEncoding of ENCODINGS) {
        const s = sides(T, fromEncoding, toEncoding, shared);
        assert.equal(scannerFor(s.fromMemory) !== null, features.simd && !shared, 'an ordinary memory has a scanner where the engine has SIMD');
        for (const n of lengths) {
          for (const seq of odd[fromEncoding]) {
            for (const at of new Set([0, 1, 3, 7, 8, 15, 16, 31, 32, 63, 64, 65, n - 8, n - seq.length, n - 1].filter((k) => k >= 0 && k + seq.length <= n))) {
              // Alternating U+4E2D and U+AC00: units below and above 0x8000, neither a surrogate.
              const units = Array.from({ length: n }, (_, k) => (utf8 ? 0x61 : k & 1 ? 0xac00 : 0x4e2d));
              units.splice(at, seq.length, ...seq);
              for (const shift of utf8 ? [0, 1, 2, 3] : [0, 2]) {
                const ptr = s.from.alloc(4, n * 4 + 8) + shift;
                if (utf8) new Uint8Array(s.fromMemory.buffer).set(units, ptr);
                else new Uint16Array(s.fromMemory.buffer, ptr, n).set(units);
                const flat = [ptr, n];
                const what = `${shared ? 'shared ' : ''}${fromEncoding} -> ${toEncoding}, ${n} units at ${ptr}, [${seq}] at ${at}`;
                const fused = outcome(() => {
                  const out = [];
                  s.fuser.flat(string)(new FlatReader(flat), out);
                  s.to.mem.sync();
                  return s.to.liftFlat(string)(new FlatReader(out));
                });
                const viaJs = outcome(() => {
                  const out = [];
                  s.to.lowerFlat(string)(s.from.liftFlat(string)(new FlatReader(flat)), out);
                  s.to.mem.sync();
                  return s.to.liftFlat(string)(new FlatReader(out));
                });
                assert.deepEqual(fused, viaJs, what);
              }
            }
          }
        }
      }
    }
  }
});

test('invalid list elements trap as the JS-value path traps; unused flag bits are cleared', () => {
  const T = new Types();
  const [u32, char] = ['u32', 'char'].map((k) => T.prim(k));
  const en = T.enum_(['a', 'b']);
  const va = T.variant([['x', null], ['y', u32]]);
  const fl = T.flags(['p', 'q']);
  const s = sides(T, 'utf8', 'utf8');
  const u8 = () => new Uint8Array(s.fromMemory.buffer);
  const listAt = (element, bytes, n, align = 4) => {
    const at = s.from.alloc(align, bytes.length);
    u8().set(bytes, at);
    const list = T.list.findIndex((ty) => ty.kind === 'list' && ty.element === element);
    return [list === -1 ? T.list_(element) : list, at, n];
  };
  const bad = [
    listAt(char, [0x00, 0xd8, 0, 0], 1), // a surrogate code point
    listAt(char, [0, 0, 0x11, 0], 1), // past U+10FFFF
    listAt(en, [1, 2], 2, 1),
    listAt(va, [0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0], 2),
    listAt(u32, [0, 0, 0, 0], 1 << 20), // out of bounds
  ];
  const misaligned = listAt(u32, [0, 0, 0, 0, 0, 0, 0, 0], 1);
  bad.push([misaligned[0], misaligned[1] + 2, 1]);
  for (const [list, at, n] of bad) {
    const record = s.from.alloc(4, 8);
    s.from.mem.dv.setUint32(record, at, true);
    s.from.mem.dv.setUint32(record + 4, n, true);
    const expected = trapOf(() => s.from.load(list)(record));
    assert.equal(trapOf(() => s.fuser.memory(list)(record, s.to.alloc(4, 8))), expected);
    assert.equal(trapOf(() => s.fuser.flat(list)(new FlatReader([at, n]), [])), expected);
    assert.equal(trapOf(() => s.fuser.direct(list)([at, n], 0, [])), expected);
  }
  // Flat discriminants and code points.
  assert.equal(trapOf(() => s.fuser.flat(en)(new FlatReader([2]), [])), 'invalid enum discriminant 2');
  assert.equal(trapOf(() => s.fuser.flat(va)(new FlatReader([5, 0]), [])), 'invalid variant discriminant 5');
  assert.equal(trapOf(() => s.fuser.flat(char)(new FlatReader([0xdfff]), [])), 'invalid char code point 0xdfff');
  assert.equal(trapOf(() => s.fuser.direct(char)([0xdfff], 0, [])), 'invalid char code point 0xdfff');
  // Flags: bits past the last flag are not part of the value.
  const [list, at, n] = listAt(fl, [0xff, 0x01], 2, 1);
  const dst = s.to.alloc(4, 8);
  const record = stored(s.from, list, []);
  s.from.mem.dv.setUint32(record, at, true);
  s.from.mem.dv.setUint32(record + 4, n, true);
  s.fuser.memory(list)(record, dst);
  const copied = s.to.mem.dv.getUint32(dst, true);
  assert.deepEqual([...new Uint8Array(s.to.mem.buffer, copied, 2)], [0x03, 0x01]);
  const out = [];
  s.fuser.flat(fl)(new FlatReader([-1]), out);
  assert.deepEqual(out, [3]);
  // Bools: any non-zero byte is true, and crosses as 1.
  const bool = T.prim('bool');
  const [bools, boolsAt] = listAt(bool, [0, 2, 0xff, 1], 4, 1);
  const boolsRecord = stored(s.from, bools, []);
  s.from.mem.dv.setUint32(boolsRecord, boolsAt, true);
  s.from.mem.dv.setUint32(boolsRecord + 4, 4, true);
  const boolsDst = s.to.alloc(4, 8);
  s.fuser.memory(bools)(boolsRecord, boolsDst);
  assert.deepEqual([...new Uint8Array(s.to.mem.buffer, s.to.mem.dv.getUint32(boolsDst, true), 4)], [0, 1, 1, 1]);
  const flatBool = [];
  s.fuser.flat(bool)(new FlatReader([7]), flatBool);
  assert.deepEqual(flatBool, [1]);
  const directBool = [];
  s.fuser.direct(bool)([7], 0, directBool);
  assert.deepEqual(directBool, [1]);
});
