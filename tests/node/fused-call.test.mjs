// Component-to-component calls copied memory to memory (js/runtime/fused-call.js), through the
// hand-written compositions tests/guests/wat/fused.wat (strings and lists, utf8) and
// fused-utf16.wat (a caller in utf8 or utf16 relaying to a callee in either); the callee's own
// exports are the local baseline. latin1+utf16 crosses in compose.test.mjs's compositions. Bad
// strings in the caller's memory trap as the JS-value path trapped, killing the whole instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { readFile } from 'node:fs/promises';
import { guestBytes, watBytes } from './support.mjs';

const components = { fused: await load(await guestBytes('fused')), utf16: await load(await guestBytes('fused-utf16')) };
const instantiate = async (which = 'fused') => (await components[which].instantiate({})).exports;

const ENCODINGS = ['Utf8', 'Utf16'];
const STRINGS = [
  '', 'a', 'café ÿ', '\u0080\u00ff\u0000end', 'Ā', 'naïve Ā', 'ß→😀', '😀', '\u{10ffff}\u{10000}', 'mixed é 中文 😀 ok',
  'x'.repeat(70_000), 'é'.repeat(70_000), 'é'.repeat(40_000) + 'Ā', '😀'.repeat(40_000), '中'.repeat(50_000) + 'end',
];

test('strings cross between every pair of encodings as the callee alone returns them', async () => {
  const x = await instantiate('utf16');
  for (const caller of ENCODINGS) {
    for (const callee of ENCODINGS) {
      const relay = x[`relay${caller}${callee}`];
      for (const s of STRINGS) assert.equal(relay(s), s, `${caller} -> ${callee}: ${JSON.stringify(s.slice(0, 12))} (${s.length})`);
      // A lone surrogate is not a Unicode scalar value: the host's lowering makes it U+FFFD.
      assert.equal(relay('a\ud800b'), x[`echo${callee}`]('a\ud800b'));
    }
  }
});

test('lists cross: bytes, strings, and tuples of scalars with an option', async () => {
  const x = await instantiate();
  const bytes = new Uint8Array(300_000).map((_, i) => i * 7);
  assert.deepEqual(x.relayBytes(bytes), bytes);
  assert.deepEqual(x.relayBytes(new Uint8Array()), new Uint8Array());
  assert.deepEqual(x.relayNames(STRINGS), STRINGS);
  assert.deepEqual(x.relayNames([]), []);
  const points = [
    [0, 1.5, true, 'a', undefined],
    [2 ** 32 - 1, NaN, false, '😀', 255],
    [7, -Infinity, true, '\u{10ffff}', 0],
  ];
  assert.deepEqual(x.relayPoints(points), x.echoPoints(points));
  assert.deepEqual(x.relayPoints(points), points);
  x.relayNoop();
  assert.equal(x.relayUtf8Utf8('still alive'), 'still alive');
});

test('what the caller holds in its own memory crosses without the host, there and back', async () => {
  const x = await instantiate();
  const ascii = x.fill(0x78, 300_000); // 'x' × 300 000
  assert.equal(x.sendRawUtf8Utf8(ascii, 300_000), 300_000);
  assert.equal(x.sendRawBytes(ascii, 300_000), 300_000);
  const y = await instantiate('utf16');
  const units = y.fill(0x4e, 200_000); // U+4E4E × 100 000
  assert.equal(y.sendRawUtf16Utf16(units, 100_000), 100_000);
  assert.equal(y.sendRawUtf16Utf8(units, 100_000), 100_000, 'through UTF-8 and back');
  assert.equal(y.sendRawUtf8Utf16(y.fill(0x78, 5), 5), 5);
});

/**
 * The instance dies with `message`, then the JS-value path's note that the caller's arguments were
 * being lifted (naming the callee, as the composition's instantiation argument names it); later
 * calls say it is dead.
 */
async function trapsWith(call, message, which = 'fused') {
  const x = await instantiate(which);
  const lifting = / \(lifting the arguments of component import `echo-utf(8|16)`\)$/;
  assert.throws(() => call(x), (e) => e instanceof TerrariumError && e.kind === 'trap' && lifting.test(e.message) && e.message.replace(lifting, '') === message, message);
  assert.throws(() => x.relayNoop(), (e) => e instanceof TerrariumError && e.kind === 'dead');
}

test('bad strings in the caller trap as the JS-value path did: invalid UTF-8, a lone surrogate, out of bounds', async () => {
  assert.equal((await instantiate()).sendRawUtf8Utf8(256, 1), 1, 'the valid prefix crosses');
  assert.equal((await instantiate('utf16')).sendRawUtf16Utf8(260, 1), 1);
  await trapsWith((y) => y.sendRawUtf8Utf8(256, 3), `trap in \`send-raw-utf8-utf8\`: invalid utf-8 in string at 256 (3 bytes)`);
  await trapsWith((y) => y.sendRawUtf16Utf8(260, 2), `trap in \`send-raw-utf16-utf8\`: invalid utf-16 in string at 260 (2 code units)`, 'utf16');
  await trapsWith(
    (y) => y.sendRawUtf8Utf8(0xfff0, 0x100000),
    `trap in \`send-raw-utf8-utf8\`: out-of-bounds memory access: 1048576 bytes at 65520, memory is 65536 bytes`,
  );
  await trapsWith((y) => y.sendRawUtf16Utf8(257, 1), `trap in \`send-raw-utf16-utf8\`: unaligned pointer 257 (alignment 2)`, 'utf16');
});

/** fused*.wat with the callee's realloc (the first one in the file) replaced by one that returns `ptr`. */
async function withCalleeRealloc(file, ptr) {
  const text = await readFile(new URL(`../guests/wat/${file}`, import.meta.url), 'utf8');
  const bad = `(core module $bad (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const ${ptr})))
    (core instance $bad (instantiate $bad))
    (alias core export $bad "realloc" (core func $realloc))`;
  const patched = text.replace('(alias core export $a "realloc" (core func $realloc))', bad);
  assert.notEqual(patched, text);
  return (await (await load(watBytes({ text: patched }))).instantiate({})).exports;
}

test("a bad pointer from the callee's realloc kills the instance in the callee, as on the JS-value path", async () => {
  const inCallee = (message) => (e) =>
    e instanceof TerrariumError && e.kind === 'trap' && new RegExp(`^trap in \`relay-utf8-utf\\d+\`: ${message} \\(in \`echo-utf(8|16)\`\\)$`).test(e.message);
  const outOfBounds = await withCalleeRealloc('fused.wat', -65536);
  assert.throws(() => outOfBounds.relayUtf8Utf8('hello'), inCallee('out-of-bounds memory access: 5 bytes at 4294901760, memory is 65536 bytes'));
  assert.throws(() => outOfBounds.relayNoop(), (e) => e.kind === 'dead');
  const unaligned = await withCalleeRealloc('fused-utf16.wat', 1025);
  assert.throws(() => unaligned.relayUtf8Utf16('hello'), inCallee('unaligned pointer 1025 \\(alignment 2\\)'));
});
