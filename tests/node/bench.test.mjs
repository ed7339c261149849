// The bench guest: scalar calls, strings in and round trip, lists of u8 and f32, a host import,
// both import key spellings.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const component = await load(await guestBytes('bench'));

test('calls exports under the short and the full interface name', async () => {
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  assert.equal(exports.api.add(2, 3), 5);
  assert.equal(exports['example:bench/api@0.1.0'].add(0xffffffff, 1), 0, 'u32 wraps in the guest');
  assert.equal(exports.api.noop(), undefined);
});

test('accepts the import key with or without its version', async () => {
  for (const key of ['example:bench/host', 'example:bench/host@0.1.0']) {
    const logged = [];
    const { exports } = await component.instantiate({ [key]: { log: (msg) => logged.push(msg) } });
    exports.api.callHost('hi ✓ 🌍');
    assert.deepEqual(logged, ['hi ✓ 🌍'], key);
  }
});

test('a missing import is a link error naming it, before anything runs', async () => {
  const error = await component.instantiate({}).then(() => assert.fail('instantiated'), (e) => e);
  assert.ok(error instanceof TerrariumError);
  assert.equal(error.kind, 'link');
  assert.match(error.message, /example:bench\/host/);
  const missingMember = await component.instantiate({ 'example:bench/host': {} }).then(() => assert.fail(), (e) => e);
  assert.equal(missingMember.kind, 'link');
  assert.match(missingMember.message, /log/);
});

test('strings round-trip, empty, non-BMP and 1 MiB', async () => {
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  for (const s of ['', 'a', 'héllo wörld', '𝄞 clef and 🎉', 'x'.repeat(1 << 20)]) {
    assert.equal(exports.api.echoString(s), s);
  }
});

test('a string goes in as UTF-8 of the length the guest sees, short or long, ASCII or not', async () => {
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  const cases = [
    ['', 0],
    ['héllo', 6],
    ['x'.repeat(1 << 20), 1 << 20],
    ['é'.repeat(1 << 19), 1 << 20],
    ['𝄞'.repeat(300_000), 1_200_000],
    // A lone surrogate becomes U+FFFD, three bytes, in a long string as in a short one.
    [`${'a'.repeat(400_000)}\ud800`, 400_003],
    ['\udc00', 3],
  ];
  for (const [s, bytes] of cases) assert.equal(exports.api.stringLength(s), bytes, `${s.slice(0, 8)}… (${s.length} code units)`);
});

test('list<f32> arrives whole: from a Float32Array and from a plain array', async () => {
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  assert.equal(exports.api.sumFloats(new Float32Array(4 << 20).fill(0.5)), 2 << 20);
  assert.equal(exports.api.sumFloats([1.5, 2.25, -0.75]), 3);
  assert.ok(Number.isNaN(exports.api.sumFloats([1, NaN])));
});

test('list<u8> arrives whole: a 16 MiB sum', async () => {
  const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
  const data = new Uint8Array(16 << 20);
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  const expected = BigInt((16 << 20) / 256) * BigInt((255 * 256) / 2);
  assert.equal(exports.api.sumBytes(data), expected);
  assert.equal(exports.api.sumBytes([1, 2, 3]), 6n, 'a plain array is accepted for list<u8>');
  assert.equal(exports.api.sumBytes(new Uint8Array()), 0n);
});

test('instances are independent', async () => {
  const a = await component.instantiate({ 'example:bench/host': { log() {} } });
  const b = await component.instantiate({ 'example:bench/host': { log() {} } });
  assert.notEqual(a.exports.api.add, b.exports.api.add);
  assert.equal(a.exports.api.add(1, 1), 2);
  assert.equal(b.exports.api.add(2, 2), 4);
});
