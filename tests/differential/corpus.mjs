/**
 * The differential corpus: components, and the calls made on each in Terrarium and in jco.
 *
 * A component is the Rust `types` guest (dist/components/types.wasm, every value type) or a
 * hand-written `.wat` in ./wat/ (what Rust cannot reach: other string encodings, odd layouts, deep
 * nesting, every type through a host import, a guest handing back invalid values or pointers). A
 * case calls one export with arguments and says what the call must give, in
 * Terrarium's value conventions (README "Values"):
 *   - `expect: v`                  the function returns v (compared with ./equal.mjs);
 *   - `expect: throws(payload)`    it throws a ComponentError whose `payload` is `payload`;
 *   - `expect: TRAP`               the canonical ABI traps (the guest handed back something invalid);
 *   - `expect: rejects('TypeError')` it throws that error class (a host import returned a bad value).
 * A refusal (`refusals`) passes a value that does not fit the WIT type: Terrarium must throw a
 * TypeError or RangeError naming the function and the parameter path; what jco does is recorded.
 *
 * Everything here is plain data and runs unchanged in Node and in a page (it is bundled for the
 * browser test). Case ids are `component:function#label` and stay stable:
 * known-jco-differences.mjs refers to them.
 */

export const TRAP = Object.freeze({ trap: true });
/** The call throws a ComponentError carrying `payload` (a `result` err in return position). */
export const throws = (payload) => ({ componentError: true, payload });
/**
 * The call throws an error of class `kind` (a host import returned a value that does not fit its
 * type: the guest cannot be told, so the instance is dead afterwards; the next case gets a new one).
 */
export const rejects = (kind) => ({ rejects: kind });

const MiB = 1 << 20;
const bigAscii = 'x'.repeat(MiB);
const bigLatin1 = 'é'.repeat(MiB);
const bigBmp = 'Ωж'.repeat(MiB / 2);
const bigAstral = '🎉'.repeat(MiB / 2); // 1 MiB of UTF-16 code units, all surrogate pairs
const bigBytes = Uint8Array.from({ length: MiB }, (_, i) => (i * 31) & 0xff);
const U64_MAX = 2n ** 64n - 1n;
const S64_MIN = -(2n ** 63n);
const S64_MAX = 2n ** 63n - 1n;
const F32_MAX = 3.4028234663852886e38;
const F32_MIN_SUBNORMAL = 1.401298464324817e-45;

const seed = 0xfeedfacecafebeefn;

/** The host of the string components: an echo that can also hand back a lone surrogate. */
const LONE_PLEASE = 'hand back a lone surrogate';
const stringsHost = {
  interfaces: { 'example:diff/strings': { echo: (s) => (s === LONE_PLEASE ? 'a\u{d800}b' : s) } },
};

/**
 * The components. `guest` names a built Rust guest in dist/components/, `wat` a file in ./wat/.
 * `imports` returns fresh host functions: `functions` are world-level function imports (by WIT
 * name), `interfaces` are interface imports (by interface name, members lowerCamelCase); each side
 * maps them to its own import-object shape. `wasi` says the component imports WASI (jco needs the
 * preview2-shim; Terrarium brings its own polyfill).
 */
export const components = {
  types: {
    guest: 'types',
    wasi: true,
    imports: () => ({
      functions: { 'get-seed': () => seed },
      interfaces: {
        'example:types/host-values': {
          makePoint: (x, y) => ({ x, y, label: `made by host ${x},${y}` }),
          // The ways a host import reports `err` that both hosts accept.
          failWith(code) {
            if (code === 7) throw `failed with ${code}`;
            if (code === 8) throw { payload: 'an object with a payload' };
            if (code === 9) throw Object.assign(new Error('an Error with a payload'), { payload: 'error payload' });
            return code;
          },
        },
      },
    }),
  },
  'strings-utf16': { wat: 'strings-utf16.wat', imports: () => stringsHost },
  'strings-latin1': { wat: 'strings-latin1.wat', imports: () => stringsHost },
  layout: { wat: 'layout.wat' },
  nested: { wat: 'nested.wat' },
  'bad-realloc': { wat: 'bad-realloc.wat' },
  imports: {
    wat: 'imports.wat',
    imports: () => {
      const echo = (v) => v;
      return {
        interfaces: {
          'example:diff/host': {
            echoU8: echo, echoS64: echo, echoF32: echo, echoF64: echo, echoChar: echo, echoString: echo,
            echoBytes: echo, echoStrings: echo, echoRec: echo, echoRecs: echo, echoVar: echo, echoNest: echo, echoFlags32: echo,
            echoOptU64: echo,
            // A `result` returned by a host import: the ok value is returned, the err value thrown.
            maybeFail(v) {
              if (v.tag === 'err') throw v.val;
              return v.val;
            },
            spill: (...args) => args,
            badU8: () => 256,
            badString: () => 5,
          },
        },
      };
    },
  },
};

/** @typedef {{id: string, component: string, fn: string, args: any[], expect: any}} Case */

/** @type {Case[]} */
export const cases = [];

/** Adds one case; `label` defaults to a rendering of the arguments. */
function call(component, fn, args, expect, label) {
  const id = `${component}:${fn}#${label ?? (args.length ? args.map(brief).join(',') : '()')}`;
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate differential case id ${id}`);
  cases.push({ id, component, fn, args, expect });
}

/** Echo cases: each value must come back unchanged (or as `expect(value)`). */
function echo(component, fn, values, { expect = (v) => v, label } = {}) {
  for (const v of values) call(component, fn, [v], expect(v), label?.(v));
}

/** A short label for a value in a case id. */
export function brief(v) {
  switch (typeof v) {
    case 'string':
      if (v.length > 24) return `${quote(v.slice(0, 6)).slice(0, -1)}…"x${v.length}`;
      return quote(v);
    case 'bigint':
      return `${v}n`;
    case 'number':
      return Object.is(v, -0) ? '-0' : String(v);
    case 'undefined':
    case 'boolean':
      return String(v);
    default:
      if (v === null) return 'null';
      if (ArrayBuffer.isView(v)) return `${v.constructor.name}(${v.length})`;
      if (Array.isArray(v)) return v.length > 4 ? `[…${v.length}]` : cap(`[${v.map(brief).join(',')}]`);
      if ('tag' in v) return 'val' in v && v.val !== undefined ? `${v.tag}(${brief(v.val)})` : v.tag;
      return cap(`{${Object.keys(v).map((k) => `${k}:${brief(v[k])}`).join(',')}}`);
  }
}

/** JSON quoting that also spells out invisible code points (private use, noncharacters, U+10FFFF). */
const quote = (s) =>
  JSON.stringify(s).replace(/[\u007f-\u009f\ue000-\uf8ff\ufff0-\uffff\u{f0000}-\u{10ffff}]/gu, (c) => `\\u{${c.codePointAt(0).toString(16)}}`);
const cap = (s) => (s.length > 60 ? `${s.slice(0, 57)}…` : s);

// ---- types: the Rust guest, every value type ------------------------------------------------

const rt = (name) => `roundtrip.${name}`;

call('types', 'version', [], '0.1.0');

echo('types', rt('echoBool'), [true, false]);
echo('types', rt('echoS8'), [-128, -1, 0, 127]);
echo('types', rt('echoU8'), [0, 1, 255]);
echo('types', rt('echoS16'), [-32768, -1, 32767]);
echo('types', rt('echoU16'), [0, 65535]);
echo('types', rt('echoS32'), [-(2 ** 31), -1, 0, 2 ** 31 - 1]);
echo('types', rt('echoU32'), [0, 2 ** 31, 2 ** 32 - 1]);
echo('types', rt('echoS64'), [S64_MIN, -1n, 0n, S64_MAX]);
echo('types', rt('echoU64'), [0n, 2n ** 53n + 1n, 2n ** 63n, U64_MAX]);
// An integral Number is accepted for a 64-bit integer and comes back as a BigInt.
call('types', rt('echoS64'), [-5], -5n, 'number -5');
call('types', rt('echoU64'), [2 ** 53 - 1], 2n ** 53n - 1n, 'number 2^53-1');
echo('types', rt('echoF32'), [0, -0, 1.5, -2.5, Infinity, -Infinity, NaN, F32_MAX, -F32_MAX, F32_MIN_SUBNORMAL]);
// f32 parameters round to the nearest f32 (ties to even): overflow to Infinity, underflow to 0.
echo('types', rt('echoF32'), [0.1, 1e39, -1e39, 1e-46, 16777217], { expect: Math.fround });
echo('types', rt('echoF64'), [0, -0, Math.PI, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 2 ** 53 + 2]);
echo('types', rt('echoChar'), ['a', '\0', 'é', '\u{ffff}', '\u{d7ff}', '\u{e000}', '𝄞', '🎉', '\u{10ffff}']);
echo('types', rt('echoString'), ['', 'plain', 'ünïcödé', '🎉𝄞', 'nul\0inside', 'ab\u{10ffff}', bigAscii, bigLatin1, bigBmp, bigAstral]);
// Around the short-string paths (24 code units) and a surrogate pair across the first guess.
echo('types', rt('echoString'), [`${'a'.repeat(23)}🎉`, `${'a'.repeat(24)}é`, `é${'a'.repeat(30)}`, `${'a'.repeat(30)}🎉`], {
  label: (s) => `${s.length} units ending ${JSON.stringify(s.slice(-2))}`,
});
// A lone surrogate is not a Unicode scalar value: it becomes U+FFFD (a USVString, as WebIDL does).
echo('types', rt('echoString'), ['a\u{d800}b', '\u{dfff}', 'x\u{dc00}\u{d800}y'], {
  expect: (s) => s.toWellFormed(),
  label: (s) => `lone surrogate ${JSON.stringify(s)}`,
});
echo('types', rt('echoBytes'), [new Uint8Array(), new Uint8Array([0, 1, 255]), bigBytes]);
call('types', rt('echoBytes'), [[1, 2, 255]], new Uint8Array([1, 2, 255]), 'plain array');
echo('types', rt('echoListU32'), [new Uint32Array(), new Uint32Array([0, 1, 2 ** 32 - 1])]);
call('types', rt('echoListU32'), [[7, 8]], new Uint32Array([7, 8]), 'plain array');
echo('types', rt('echoListF64'), [new Float64Array(), new Float64Array([NaN, -0, Infinity, -Infinity, 1.5])]);
echo('types', rt('echoListString'), [[], [''], ['a', '', '🎉', 'nul\0'], Array.from({ length: 1000 }, (_, i) => `s${i}`)]);
echo('types', rt('echoListListU16'), [[], [new Uint16Array()], [new Uint16Array([1, 2]), new Uint16Array(), new Uint16Array([65535])]]);
call('types', rt('echoListListU16'), [[[1, 2], []]], [new Uint16Array([1, 2]), new Uint16Array()], 'plain arrays');
// A view into a larger buffer, and typed arrays of another class, are read element by element.
call('types', rt('echoListU32'), [new Uint32Array([9, 1, 2, 9]).subarray(1, 3)], new Uint32Array([1, 2]), 'subarray view');
call('types', rt('echoListU32'), [new Float64Array([1, 2])], new Uint32Array([1, 2]), 'Float64Array');
call('types', rt('echoBytes'), [new Uint8ClampedArray([1, 255])], new Uint8Array([1, 255]), 'Uint8ClampedArray');
call('types', rt('echoListF64'), [[1, NaN, -0]], new Float64Array([1, NaN, -0]), 'plain array');

const point = { x: -(2 ** 31), y: 2 ** 31 - 1, label: '🎉 point' };
echo('types', rt('echoPoint'), [point, { x: 0, y: 0, label: '' }]);
echo('types', rt('echoPoints'), [[], [point, { x: 1, y: -1, label: 'é' }], Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 0 - i, label: `p${i}` }))]);

const mixed = {
  a: 255, b: U64_MAX, c: 65535, d: 1.25, e: -128, f: -2.5, g: true, h: '𝄞',
  i: 'text', j: S64_MIN, k: 4000000000, l: -32768, m: new Uint8Array([9, 8]), n: 7, o: -0.5,
};
echo('types', rt('echoMixed'), [mixed], { label: () => 'all fields' });
echo('types', rt('echoMixed'), [{ ...mixed, n: undefined, d: NaN, f: -0, o: -Infinity, m: new Uint8Array(), i: '' }], { label: () => 'none, NaN, -0, empty' });

const manyArgs = [1, -2, 3, -4, 5, -6, 7n, -8n, 0.5, 0.25, 11, -12, 13, -14, 15, -16, 17n, 0.125];
call('types', rt('sumMany'), manyArgs, manyArgs.reduce((s, x) => s + Number(x), 0), 'small');
call('types', rt('sumMany'), [255, -128, 65535, -32768, 2 ** 32 - 1, -(2 ** 31), 0n, 0n, 0, 0, 0, 0, 0, 0, 0, 0, 0n, -0.5],
  255 - 128 + 65535 - 32768 + (2 ** 32 - 1) - 2 ** 31 - 0.5, 'extremes');
echo('types', rt('echoTuple4'), [[1, U64_MAX, 'four', 0.5], [0, 0n, '', -0], [255, 2n ** 63n, bigAscii, NaN]]);
echo('types', rt('echoTuple3'), [[0, '', S64_MIN], [255, '🎉', S64_MAX]]);

echo('types', rt('echoShape'), [
  { tag: 'circle', val: 1.5 },
  { tag: 'circle', val: -0 },
  { tag: 'circle', val: NaN },
  { tag: 'rectangle', val: { x: 1, y: 2, label: 'r' } },
  { tag: 'none' },
]);
echo('types', rt('echoColor'), ['red', 'green', 'blue-ish']);
echo('types', rt('echoOptionU32'), [undefined, 0, 2 ** 32 - 1]);
call('types', rt('echoOptionU32'), [null], undefined, 'null');
// A top-level option is the value or undefined; an option directly inside it is {tag, val}.
echo('types', rt('echoOptionOptionString'), [undefined, { tag: 'none' }, { tag: 'some', val: '' }, { tag: 'some', val: 'inner' }]);
echo('types', rt('echoOptionPoint'), [undefined, { x: 3, y: 4, label: 'o' }]);
echo('types', rt('echoPayload'), [
  { tag: 'small', val: 0 },
  { tag: 'small', val: 255 },
  { tag: 'big', val: 0n },
  { tag: 'big', val: U64_MAX },
  { tag: 'float', val: -1.5 },
  { tag: 'float', val: -0 },
  { tag: 'float', val: NaN },
  { tag: 'float', val: F32_MIN_SUBNORMAL },
  { tag: 'text', val: '' },
  { tag: 'text', val: '🎉 payload' },
  { tag: 'empty' },
]);

// A `result` in return position: ok returns the value, err throws ComponentError(payload).
call('types', rt('echoResult'), [{ tag: 'ok', val: 0 }], 0);
call('types', rt('echoResult'), [{ tag: 'ok', val: 2 ** 32 - 1 }], 2 ** 32 - 1);
call('types', rt('echoResult'), [{ tag: 'err', val: '' }], throws(''));
call('types', rt('echoResult'), [{ tag: 'err', val: 'bad 🎉' }], throws('bad 🎉'));
call('types', rt('echoUnitResult'), [{ tag: 'ok' }], undefined);
call('types', rt('echoUnitResult'), [{ tag: 'err' }], throws(undefined));
call('types', rt('echoResultEnum'), [{ tag: 'ok', val: 'fine' }], 'fine');
call('types', rt('echoResultEnum'), [{ tag: 'err', val: 'too-big' }], throws('too-big'));

const noPermissions = { read: false, write: false, exec: false };
echo('types', rt('echoPermissions'), [noPermissions, { read: true, write: false, exec: true }, { read: true, write: true, exec: true }]);
call('types', rt('echoPermissions'), [{ write: true }], { ...noPermissions, write: true }, 'absent members are false');
const flags20 = (on) => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, on(i)]));
echo('types', rt('echoManyFlags'), [flags20(() => false), flags20(() => true), flags20((i) => i % 3 === 0), flags20((i) => i === 19)], {
  label: (v) => Object.keys(v).filter((k) => v[k]).join('+') || 'none',
});

call('types', rt('callGetSeed'), [], seed);
call('types', rt('callMakePoint'), [-5, 6], { x: -5, y: 6, label: 'made by host -5,6' });
call('types', rt('callFailWith'), [0], 0);
call('types', rt('callFailWith'), [7], throws('failed with 7'), 'host throws a string');
call('types', rt('callFailWith'), [8], throws('an object with a payload'), 'host throws {payload}');
call('types', rt('callFailWith'), [9], throws('error payload'), 'host throws an Error with a payload');

// ---- strings-utf16 ----------------------------------------------------------------------------

const utf16Strings = ['', 'ascii', 'héllo', '🎉', 'a𝄞b\0', bigAscii, bigAstral];
echo('strings-utf16', 'echo', utf16Strings);
echo('strings-utf16', 'echo', ['a\u{d800}b', '\u{dfff}'], { expect: (s) => s.toWellFormed(), label: (s) => `lone surrogate ${JSON.stringify(s)}` });
echo('strings-utf16', 'echoList', [[], ['', 'é', '🎉', 'x'.repeat(100)]]);
// Through the host's `echo` import, lifted and lowered by the host in UTF-16.
echo('strings-utf16', 'hostEcho', ['', 'héllo 🎉', bigAstral]);
echo('strings-utf16', 'hostEcho', ['a\u{d800}b'], { expect: (s) => s.toWellFormed(), label: (s) => `lone surrogate ${JSON.stringify(s)}` });
call('strings-utf16', 'hostEcho', [LONE_PLEASE], 'a\u{fffd}b', 'the host returns a lone surrogate');
for (const s of ['', 'a🎉', 'héllo']) call('strings-utf16', 'units', [s], s.length);
// What the guest received: a lone surrogate arrives as U+FFFD, never as invalid UTF-16.
call('strings-utf16', 'codeUnit', ['a🎉', 1], 0xd83c);
call('strings-utf16', 'codeUnit', ['a\u{d800}b', 1], 0xfffd, 'lone surrogate "a\\ud800b", 1');
call('strings-utf16', 'make', [], 'héllo 🎉');
// The guest hands back invalid strings: the canonical ABI traps (load_string_from_range).
call('strings-utf16', 'loneSurrogate', [], TRAP);
call('strings-utf16', 'oddPointer', [], TRAP);
call('strings-utf16', 'outOfBounds', [], TRAP);

// ---- strings-latin1 ---------------------------------------------------------------------------

echo('strings-latin1', 'echo', ['', 'plain', 'café ÿ', 'Ω', '🎉', 'aé🎉', bigLatin1, `${bigLatin1}Ω`, bigBmp]);
echo('strings-latin1', 'echo', ['a\u{d800}b'], { expect: (s) => s.toWellFormed(), label: (s) => `lone surrogate ${JSON.stringify(s)}` });
echo('strings-latin1', 'echoList', [[], ['', 'é', 'Ω', '🎉x']]);
echo('strings-latin1', 'hostEcho', ['', 'café ÿ', 'Ω', 'aé🎉', bigLatin1, `${bigLatin1}Ω`]);
call('strings-latin1', 'hostEcho', [LONE_PLEASE], 'a\u{fffd}b', 'the host returns a lone surrogate');
// Latin-1 exactly when every code point is below U+0100, else UTF-16 with bit 31 set.
const UTF16_TAG = 2 ** 31;
for (const [s, len] of [['', 0], ['café ÿ', 6], ['Ω', UTF16_TAG + 1], ['aé🎉', UTF16_TAG + 4], ['\u{ff}\u{100}', UTF16_TAG + 2]]) {
  call('strings-latin1', 'taggedLength', [s], len);
}
call('strings-latin1', 'makeLatin1', [], 'café ÿ');
call('strings-latin1', 'makeUtf16', [], 'Ω🎉');

// ---- layout -----------------------------------------------------------------------------------

echo('layout', 'echoAwkward', [{ a: 255, b: U64_MAX, c: 65535 }, { a: 0, b: 0n, c: 0 }, { a: 1, b: 2n ** 63n, c: 2 }]);
echo('layout', 'echoAwkwards', [[], [{ a: 1, b: 2n, c: 3 }, { a: 255, b: U64_MAX, c: 65535 }]]);

const bigCases = [
  { tag: 'c0', val: 0 },
  { tag: 'c0', val: 255 },
  { tag: 'c1', val: 1.5 },
  { tag: 'c1', val: -0 },
  { tag: 'c1', val: NaN },
  { tag: 'c1', val: -F32_MAX },
  { tag: 'c2', val: U64_MAX },
  { tag: 'c2', val: 2n ** 32n },
  { tag: 'c3', val: '' },
  { tag: 'c3', val: '🎉 text' },
  { tag: 'c4', val: Math.PI },
  { tag: 'c4', val: -0 },
  { tag: 'c4', val: NaN },
  { tag: 'c5' },
  { tag: 'c200' },
  { tag: 'c255' },
  { tag: 'c256', val: -32768 },
  { tag: 'c256', val: -1 },
  { tag: 'c256', val: 32767 },
];
echo('layout', 'echoBig', bigCases);
for (const v of [{ tag: 'c0', val: 1 }, { tag: 'c255' }, { tag: 'c256', val: -1 }]) call('layout', 'bigCase', [v], Number(v.tag.slice(1)));
echo('layout', 'echoBigs', [[], bigCases]);
echo('layout', 'echoE257', ['e0', 'e255', 'e256']);
call('layout', 'e257Index', ['e256'], 256);
call('layout', 'e257Index', ['e128'], 128);
echo('layout', 'echoE257s', [[], ['e256', 'e0', 'e128', 'e255']]);

const flags32 = (on) => Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, on(i)]));
const flags9 = (on) => Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`g${i}`, on(i)]));
const setFlags = (v) => Object.keys(v).filter((k) => v[k]).join('+') || 'none';
echo('layout', 'echoFlags32', [flags32(() => false), flags32(() => true), flags32((i) => i === 31), flags32((i) => i === 0 || i === 16 || i === 31)], { label: setFlags });
call('layout', 'flags32Bits', [flags32((i) => i === 31)], 2 ** 31, 'f31');
call('layout', 'flags32Bits', [flags32(() => true)], 2 ** 32 - 1, 'all');
call('layout', 'flags32FromBits', [2 ** 31 + 1], flags32((i) => i === 0 || i === 31));
echo('layout', 'echoFlags32s', [[flags32((i) => i === 31), flags32((i) => i % 2 === 1), flags32(() => false)]]);
echo('layout', 'echoFlags9s', [[flags9((i) => i === 8), flags9(() => true), flags9((i) => i < 8)]]);

const spillArgs = [255, U64_MAX, 'spilled 🎉', -1.5, -32768, Math.E, '𝄞', true, new Uint8Array([1, 2, 3]), 2 ** 32 - 1, -128, 2 ** 32 - 1, 65535, S64_MIN];
call('layout', 'spill', spillArgs, spillArgs, 'extremes');
const spillArgs2 = [0, 0n, '', -0, 0, NaN, '\0', false, new Uint8Array(), undefined, 0, 0, 0, 0n];
call('layout', 'spill', spillArgs2, spillArgs2, 'zeros, none, NaN');
call('layout', 'multi', [200, 'héllo', -0], ['héllo', -0, 200, 200n]);
call('layout', 'multi', [0, '', NaN], ['', NaN, 0, 0n]);
// Core values the guest hands back: narrow integers wrap, bools are non-zero, the rest trap.
call('layout', 'wideU8', [], 255);
call('layout', 'wideS8', [], -128);
call('layout', 'wideU16', [], 0x2345);
call('layout', 'boolTwo', [], true);
for (const fn of ['surrogateChar', 'charPastMax', 'enumPastEnd', 'bigPastEnd', 'invalidUtf8', 'misalignedList']) call('layout', fn, [], TRAP);

// ---- bad-realloc: the guest's realloc returns a misaligned or out-of-bounds pointer ------------

call('bad-realloc', 'echoString', ['fits'], 'fits');
call('bad-realloc', 'echoBytes', [new Uint8Array([1, 2])], new Uint8Array([1, 2]));
call('bad-realloc', 'echoU32s', [new Uint32Array([1])], TRAP, 'misaligned');
call('bad-realloc', 'echoString', ['x'.repeat(2000)], TRAP, 'out of bounds');
call('bad-realloc', 'echoBytes', [new Uint8Array(2000)], TRAP, 'out of bounds');

// ---- nested -----------------------------------------------------------------------------------

echo('nested', 'echoDeep', [
  [],
  [undefined],
  [{ tag: 'ok', val: [7, 'x'] }, undefined, { tag: 'err', val: new Uint16Array([1, 65535]) }, { tag: 'err', val: new Uint16Array() }, { tag: 'ok', val: [0, ''] }],
]);
// option<option<option<u8>>>: the outer option is plain, each option inside another is {tag, val}.
echo('nested', 'echoOpt3s', [[undefined, { tag: 'none' }, { tag: 'some', val: { tag: 'none' } }, { tag: 'some', val: { tag: 'some', val: 7 } }]]);
echo('nested', 'echoResults', [[
  [{ tag: 'ok', val: undefined }, { tag: 'ok', val: 's' }, { tag: 'err', val: -1 }, '𝄞'],
  [{ tag: 'err', val: undefined }, { tag: 'err', val: undefined }, { tag: 'ok', val: undefined }, undefined],
]]);
echo('nested', 'echoOuters', [[
  { name: 'n', tags: ['a', ''], inner: { x: 255, y: U64_MAX }, pick: { tag: 'pair', val: [1, 2n] } },
  { name: '', tags: [], inner: undefined, pick: { tag: 'none' } },
  { name: 'num', tags: ['🎉'], inner: { x: 0, y: 0n }, pick: { tag: 'num', val: NaN } },
  { name: 'text', tags: [], inner: undefined, pick: { tag: 'text', val: '🎉' } },
]]);
echo('nested', 'echoScalarLists', [[
  [[true, false], new Int8Array([-128, 127]), new Int16Array([-32768, 32767]), new Int32Array([-(2 ** 31), 2 ** 31 - 1]),
    new BigInt64Array([S64_MIN, S64_MAX]), new Uint16Array([65535]), new BigUint64Array([U64_MAX]),
    new Float32Array([NaN, -0, 1.5, F32_MAX]), ['a', '🎉', '\0']],
  [[], new Int8Array(), new Int16Array(), new Int32Array(), new BigInt64Array(), new Uint16Array(), new BigUint64Array(), new Float32Array(), []],
]], { label: () => 'every element kind' });
echo('nested', 'echoStringLists', [[], [[]], [[''], ['a', '🎉'], []]]);
const optionOptions = [[undefined, 0], [{ tag: 'none' }, 1], [{ tag: 'some', val: 5 }, 2]];
for (const [v, depth] of optionOptions) call('nested', 'optDepth', [v], depth);
call('nested', 'optDepth', [null], 0, 'null');
echo('nested', 'echoOpt2', optionOptions.map(([v]) => v));
const resultNests = [
  [{ tag: 'ok', val: 'x' }, 'x', 10],
  [{ tag: 'ok', val: undefined }, undefined, 0],
  [{ tag: 'err', val: { tag: 'ok', val: 7 } }, throws({ tag: 'ok', val: 7 }), 107],
  [{ tag: 'err', val: { tag: 'err', val: undefined } }, throws({ tag: 'err', val: undefined }), 110],
  [{ tag: 'err', val: { tag: 'err', val: 3 } }, throws({ tag: 'err', val: 3 }), 111],
];
for (const [v, back, summary] of resultNests) {
  call('nested', 'echoResultNest', [v], back);
  call('nested', 'resultCase', [v], summary);
}

// ---- imports: JS -> guest -> host import (an echo) -> guest -> JS ------------------------------

echo('imports', 'echoU8', [0, 255]);
echo('imports', 'echoS64', [S64_MIN, -1n, S64_MAX]);
echo('imports', 'echoF32', [NaN, -0, 1.5, F32_MIN_SUBNORMAL, -Infinity]);
echo('imports', 'echoF64', [NaN, -0, Math.PI, Number.MIN_VALUE]);
echo('imports', 'echoChar', ['a', '🎉', '\u{10ffff}']);
echo('imports', 'echoString', ['', 'héllo 🎉', bigAscii, bigAstral]);
echo('imports', 'echoString', ['a\u{d800}b'], { expect: (s) => s.toWellFormed(), label: (s) => `lone surrogate ${JSON.stringify(s)}` });
echo('imports', 'echoBytes', [new Uint8Array(), bigBytes]);
echo('imports', 'echoStrings', [[], ['', 'a', '🎉']]);
echo('imports', 'echoRec', [{ a: 255, b: U64_MAX, c: '🎉' }, { a: 0, b: 0n, c: '' }]);
echo('imports', 'echoRecs', [[], [{ a: 1, b: 2n, c: 'x' }, { a: 255, b: U64_MAX, c: bigAscii }]]);
echo('imports', 'echoVar', [
  { tag: 'a', val: 255 },
  { tag: 'b', val: U64_MAX },
  { tag: 'c', val: '🎉' },
  { tag: 'd', val: NaN },
  { tag: 'd', val: -1.5 },
  { tag: 'e' },
]);
// Variants nested in a variant, through a join that bit-casts and widens (i32, f32, i64, f64).
echo('imports', 'echoNest', [
  { tag: 'a', val: -0 },
  { tag: 'a', val: NaN },
  { tag: 'a', val: undefined },
  { tag: 'b', val: { tag: 'ok', val: U64_MAX } },
  { tag: 'b', val: { tag: 'err', val: -1.5 } },
  { tag: 'c', val: [255, -0] },
  { tag: 'c', val: [0, Number.MIN_VALUE] },
  { tag: 'd', val: -128 },
]);
echo('imports', 'echoFlags32', [flags32((i) => i === 31), flags32(() => true)], { label: setFlags });
echo('imports', 'echoOptU64', [undefined, 0n, U64_MAX]);
call('imports', 'maybeFail', [{ tag: 'ok', val: 'fine' }], 'fine');
call('imports', 'maybeFail', [{ tag: 'err', val: 7 }], throws(7));
call('imports', 'spill', spillArgs, spillArgs, 'extremes');
call('imports', 'spill', spillArgs2, spillArgs2, 'zeros, none, NaN');
// The host import returns 256 for a u8, or a number for a string.
call('imports', 'badU8', [1], rejects('RangeError'));
call('imports', 'badString', ['x'], rejects('TypeError'));

// ---- refusals: values that do not fit their WIT type ------------------------------------------

/**
 * @typedef {{id: string, component: string, fn: string, args: any[], path: string}} Refusal
 * `path` is the parameter path Terrarium must name (`v`, `v.y`, `v[1]`, `q`).
 */
/** @type {Refusal[]} */
export const refusals = [];

function refuse(component, fn, args, path, label) {
  const id = `${component}:${fn}#${label ?? (args.length ? args.map(brief).join(',') : '()')}`;
  if (refusals.some((c) => c.id === id)) throw new Error(`duplicate refusal id ${id}`);
  refusals.push({ id, component, fn, args, path });
}

refuse('types', rt('echoU8'), [256], 'v');
refuse('types', rt('echoU8'), [-1], 'v');
refuse('types', rt('echoU8'), [NaN], 'v');
refuse('types', rt('echoS8'), [128], 'v');
refuse('types', rt('echoS32'), [2 ** 31], 'v');
refuse('types', rt('echoU32'), [1.5], 'v', 'non-integer 1.5');
refuse('types', rt('echoU32'), ['5'], 'v', 'string "5"');
refuse('types', rt('echoU64'), ['5'], 'v', 'string "5"');
refuse('types', rt('echoS64'), [1.5], 'v', 'non-integer 1.5');
refuse('types', rt('echoU64'), [-1n], 'v');
refuse('types', rt('echoU64'), [2n ** 64n], 'v');
refuse('types', rt('echoS64'), [2n ** 63n], 'v');
refuse('types', rt('echoS64'), [2 ** 53], 'v', 'unsafe integer 2^53');
refuse('types', rt('echoBool'), [1], 'v');
refuse('types', rt('echoF64'), ['1'], 'v', 'string "1"');
refuse('types', rt('echoF32'), [1n], 'v');
refuse('types', rt('echoChar'), ['ab'], 'v');
refuse('types', rt('echoChar'), [''], 'v');
refuse('types', rt('echoChar'), ['\u{d800}'], 'v', 'lone surrogate');
refuse('types', rt('echoChar'), [65], 'v');
refuse('types', rt('echoString'), [5], 'v');
refuse('types', rt('echoString'), [undefined], 'v');
refuse('types', rt('echoString'), [new Uint8Array([104, 105])], 'v');
refuse('types', rt('echoColor'), ['purple'], 'v', 'unknown enum case');
refuse('types', rt('echoColor'), ['blueIsh'], 'v', 'camelCased enum case');
refuse('types', rt('echoColor'), [0], 'v', 'case index');
refuse('types', rt('echoShape'), [{ tag: 'hexagon' }], 'v', 'unknown variant tag');
refuse('types', rt('echoShape'), ['none'], 'v', 'bare case name');
refuse('types', rt('echoShape'), [{ tag: 'circle', val: 'round' }], 'v.val');
refuse('types', rt('echoShape'), [{ tag: 'circle' }], 'v.val', 'payload missing');
refuse('types', rt('echoPayload'), [{ tag: 'small', val: 256 }], 'v.val');
refuse('types', rt('echoPoint'), [{ x: 1, label: 'no y' }], 'v.y', 'missing record field');
refuse('types', rt('echoPoint'), [{ x: 1, y: 2, label: 3 }], 'v.label');
refuse('types', rt('echoPoint'), [[1, 2, 'p']], 'v.x', 'array for a record');
refuse('types', rt('echoPoints'), [[{ x: 1, y: 2, label: 'a' }, { x: 1, label: 'b' }]], 'v[1].y');
refuse('types', rt('echoMixed'), [{ ...mixed, n: 256 }], 'v.n', 'n: 256');
refuse('types', rt('echoResult'), [5], 'v', 'bare value for a result');
refuse('types', rt('echoResult'), [{ tag: 'ok', val: -1 }], 'v.val');
refuse('types', rt('echoResultEnum'), [{ tag: 'err', val: 'nope' }], 'v.val');
refuse('types', rt('echoOptionOptionString'), ['x'], 'v', 'bare value for a nested option');
refuse('types', rt('echoOptionU32'), [-1], 'v');
refuse('types', rt('echoBytes'), ['abc'], 'v');
refuse('types', rt('echoBytes'), [[1, 256]], 'v[1]');
refuse('types', rt('echoBytes'), [new Int8Array([1, -1])], 'v[1]', 'Int8Array with -1');
refuse('types', rt('echoBytes'), [new ArrayBuffer(2)], 'v', 'ArrayBuffer');
refuse('types', rt('echoBytes'), [new DataView(new ArrayBuffer(2))], 'v', 'DataView');
refuse('types', rt('echoListU32'), [[1, -1]], 'v[1]');
refuse('types', rt('echoListString'), [['a', 5]], 'v[1]');
refuse('types', rt('echoListListU16'), [[[1], [70000]]], 'v[1][0]');
refuse('types', rt('echoPermissions'), [undefined], 'v');
refuse('types', rt('echoPermissions'), [5], 'v');
refuse('types', rt('echoTuple3'), [[1, 'a']], 'v', 'short tuple');
refuse('types', rt('echoTuple3'), [[1, 'a', 'b']], 'v[2]');
refuse('types', rt('sumMany'), manyArgs.map((x, i) => (i === 16 ? -1n : x)), 'q', 'u64 -1n as the 17th of 18 params');
refuse('layout', 'echoBig', [{ tag: 'c257' }], 'v', 'unknown variant tag');
refuse('layout', 'echoBig', [{ tag: 'c256', val: 32768 }], 'v.val');
refuse('layout', 'echoE257', ['e257'], 'v', 'unknown enum case');
refuse('layout', 'echoAwkward', [{ a: 1, b: 1n }], 'v.c', 'missing record field');
refuse('layout', 'spill', spillArgs.map((x, i) => (i === 6 ? 'ab' : x)), 'g', 'char "ab" as the 7th param');
refuse('nested', 'optDepth', [5], 'v', 'bare value for a nested option');
refuse('nested', 'echoResultNest', [{ tag: 'ok', val: 5 }], 'v.val');
refuse('nested', 'echoResultNest', [{ tag: 'err', val: 7 }], 'v.val', 'bare value for a nested result');
refuse('nested', 'echoDeep', [[{ tag: 'ok', val: [1] }]], 'v[0].val', 'short tuple deep inside');
refuse('strings-utf16', 'echo', [{ toString: () => 'x' }], 's', 'object with toString');
