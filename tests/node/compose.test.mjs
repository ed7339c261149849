// Composed components (built by scripts/build-guests.mjs with `wac plug`): component-to-component
// calls inside one component, with a resource, records, lists and strings crossing, and strings
// crossing between the utf8, utf16 and latin1+utf16 encodings. The utf16 and latin1+utf16 guests
// are the hand-written tests/guests/wat/*.wat, also called directly from JS here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

async function instantiate(name) {
  return (await load(await guestBytes(name))).instantiate({});
}

/** Strings that catch encoding bugs: empty, ASCII, Latin-1 only, BMP beyond Latin-1, non-BMP, long. */
const strings = [
  '',
  'a',
  'hello, world',
  'café ÿ',
  '\u0080\u00ff\u00e9\u00a0\u0000end',
  'Ā',
  'naïve Ā',
  'ß→😀',
  '😀',
  '\u{10ffff}\u{10000}',
  'mixed é 中文 😀 ok',
  'x'.repeat(70_000),
  'é'.repeat(70_000),
  'é'.repeat(40_000) + 'Ā',
  '😀'.repeat(40_000),
  '中'.repeat(50_000) + 'end',
];

const utf8Length = (s) => Buffer.byteLength(s, 'utf8');
/** The length the guest sees: UTF-16 code units. */
const utf16Length = (s) => s.length;
/** The length the guest sees: Latin-1 bytes if every code unit fits in one, else UTF-16 code units tagged with bit 31. */
const latin1Length = (s) => ([...s].every((c) => c.charCodeAt(0) < 256) ? s.length : (s.length | 0x80000000) >>> 0);

test('greeter + names: one component, names consumed by greeter', async () => {
  const component = await load(await guestBytes('greeter-names'));
  assert.deepEqual(
    component.exports.map((e) => e.name),
    ['example:compose/greeter@0.1.0'],
  );
  assert.ok(component.imports.every((i) => i.name.startsWith('wasi:')), 'names is inside, not imported');
});

test('greeter + names: strings, lists, records and options across the two components', async () => {
  const { exports } = await instantiate('greeter-names');
  const { greeter } = exports;
  assert.equal(greeter.greet('Ada Lovelace'), 'Hello, Ada Lovelace!');
  assert.equal(greeter.greet('Zoë 😀 Ünïcode'), 'Hello, Zoë 😀 Ünïcode!');
  assert.deepEqual(greeter.greetAll(['A B', '', 'Ĉ Đ']), ['Hey, A B!', 'Hey, !', 'Hey, Ĉ Đ!']);
  assert.equal(greeter.introduce({ first: 'Grace', last: 'Hopper', age: 85, tags: ['navy', 'cobol'] }), 'Meet Grace Hopper (85) [navy,cobol]');
  assert.deepEqual(greeter.team(['Ada Lovelace', 'Alan Turing']), [
    { first: 'Ada', last: 'Lovelace', age: 20, tags: ['#0', 'team'] },
    { first: 'Alan', last: 'Turing', age: 21, tags: ['#1', 'team'] },
  ]);
  assert.deepEqual(greeter.team([]), []);
  const people = [
    { first: 'a', last: 'b', age: 3, tags: [] },
    { first: 'c', last: 'd', age: 200, tags: ['x'] },
  ];
  assert.deepEqual(greeter.elder(people), people[1]);
  assert.equal(greeter.elder([]), undefined);
  assert.throws(() => greeter.introduce({ first: 'x', last: 'y', age: 256, tags: [] }), RangeError);
  assert.equal(greeter.greet('still alive'), 'Hello, still alive!');
});

test('greeter + names: a resource of one component handed through the other, own and borrow', async () => {
  const { exports } = await instantiate('greeter-names');
  const { greeter } = exports;
  // The greet call made a name and dropped it inside the composition.
  assert.equal(greeter.greet('Ada Lovelace'), 'Hello, Ada Lovelace!');
  assert.equal(greeter.namesLive(), 0);
  assert.equal(greeter.namesDropped(), 1);

  // own: made by names, out through greeter to the host
  const grace = greeter.make('Grace Hopper');
  const Name = grace.constructor;
  assert.equal(Name.name, 'Name');
  assert.equal(greeter.namesLive(), 1);

  // borrow: from the host through greeter into names, and still the host's afterwards
  assert.equal(greeter.greetName(grace), 'Hi, Grace Hopper!');
  assert.equal(greeter.greetName(grace), 'Hi, Grace Hopper!');

  // two borrows in, a new own out (a static of names called by greeter)
  const alan = greeter.make('Alan Turing');
  const mix = greeter.pair(grace, alan);
  assert.ok(mix instanceof Name);
  assert.equal(greeter.greetName(mix), 'Hi, Grace Turing!');
  assert.equal(greeter.namesLive(), 3);

  // own in, own out, through both components: `mix` is consumed by names
  const loud = greeter.shout(mix);
  assert.equal(greeter.greetName(loud), 'Hi, GRACE TURING!');
  assert.throws(() => greeter.greetName(mix), (e) => e instanceof TypeError && /disposed, or moved/.test(e.message));
  assert.equal(greeter.namesLive(), 3);
  assert.equal(greeter.namesDropped(), 2);

  // own in, dropped in greeter: names' destructor runs
  assert.equal(greeter.adopt(loud), 'GRACE+TURING');
  assert.equal(greeter.namesLive(), 2);
  assert.equal(greeter.namesDropped(), 3);

  // the host disposes its own: names' destructor runs
  alan[dispose]();
  assert.equal(greeter.namesLive(), 1);
  assert.equal(greeter.namesDropped(), 4);
  assert.throws(() => greeter.greetName(alan), TypeError);
  assert.equal(greeter.greetName(grace), 'Hi, Grace Hopper!');
});

test('greeter + names: the resource greeter only re-exports from names has its class on greeter', async () => {
  const { exports } = await instantiate('greeter-names');
  const { greeter } = exports;
  assert.equal(typeof greeter.Name, 'function');
  assert.equal(greeter.Name.name, 'Name');
  assert.equal(exports['example:compose/greeter@0.1.0'].Name, greeter.Name);
  const ada = greeter.make('Ada Lovelace');
  assert.ok(ada instanceof greeter.Name);
  assert.equal(greeter.greetName(ada), 'Hi, Ada Lovelace!');
});

test('greeter + names: objects of another instance of the composition are refused', async () => {
  const one = (await instantiate('greeter-names')).exports.greeter;
  const two = (await instantiate('greeter-names')).exports.greeter;
  const theirs = two.make('Their Name');
  assert.throws(() => one.greetName(theirs), TypeError);
  assert.equal(two.greetName(theirs), 'Hi, Their Name!');
});

for (const [name, calleeLength] of [
  ['client-utf16', utf16Length],
  ['client-latin1', latin1Length],
  ['client-chain', latin1Length],
]) {
  test(`${name}: strings keep every character from utf8 (Rust) to the other encoding and back`, async () => {
    const { exports } = await instantiate(name);
    const { client } = exports;
    for (const s of strings) {
      assert.equal(client.roundtrip(s), s, `roundtrip of ${JSON.stringify(s.slice(0, 20))} (${s.length})`);
    }
    assert.deepEqual(client.roundtripList(strings), strings);
    assert.deepEqual(client.roundtripList([]), []);
    // Round-tripped three times in the guest, compared in Rust: nothing changes.
    assert.deepEqual(client.check(strings, 3), []);
    for (const s of strings.slice(0, 11)) {
      assert.deepEqual(client.lengths(s), [utf8Length(s), calleeLength(s)], `lengths of ${JSON.stringify(s)}`);
    }
  });
}

test('composed encodings: fixed strings stored by the utf16 and latin1+utf16 guests reach utf8 intact', async () => {
  assert.equal((await instantiate('client-utf16')).exports.client.constant(), 'h\u00e9llo \u{1F600}');
  assert.equal((await instantiate('client-latin1')).exports.client.constant(), 'caf\u00e9 \u00ff');
  assert.equal((await instantiate('client-chain')).exports.client.constant(), 'h\u00e9llo \u{1F600}');
});

for (const [name, ownLength] of [
  ['relay-latin1-utf16', latin1Length],
  ['relay-utf16-latin1', utf16Length],
]) {
  test(`${name}: two WAT components, latin1+utf16 and utf16, composed with each other`, async () => {
    const { echo } = (await instantiate(name)).exports;
    for (const s of strings) assert.equal(echo.echo(s), s, `echo of ${JSON.stringify(s.slice(0, 20))} (${s.length})`);
    assert.deepEqual(echo.echoList(strings), strings);
    for (const s of strings.slice(0, 11)) assert.equal(echo.rawLength(s), ownLength(s), `raw length of ${JSON.stringify(s)}`);
    assert.equal(echo.constant(), name === 'relay-latin1-utf16' ? 'h\u00e9llo \u{1F600}' : 'caf\u00e9 \u00ff');
  });
}

for (const [name, ownLength, constant] of [
  ['echo-utf16', utf16Length, 'h\u00e9llo \u{1F600}'],
  ['echo-latin1', latin1Length, 'caf\u00e9 \u00ff'],
  ['relay-latin1', latin1Length, null],
  ['relay-utf16', utf16Length, null],
]) {
  test(`${name}: called directly from JS`, async () => {
    const component = await load(await guestBytes(name));
    if (constant === null) {
      // A relay needs an `echo` to forward to: here, a JS one.
      const calls = [];
      const host = {
        echo: (s) => (calls.push(s), s),
        echoList: (l) => l,
        rawLength: () => 0,
        constant: () => 'from JS: é 😀',
        fail: () => {
          throw new Error('host fail');
        },
      };
      const { echo } = (await component.instantiate({ 'example:strings/echo': host })).exports;
      for (const s of strings) assert.equal(echo.echo(s), s);
      assert.deepEqual(calls, strings, 'the host received each string intact');
      assert.deepEqual(echo.echoList(strings), strings);
      assert.equal(echo.constant(), 'from JS: é 😀');
      for (const s of strings.slice(0, 11)) assert.equal(echo.rawLength(s), ownLength(s));
      return;
    }
    const { echo } = (await component.instantiate({})).exports;
    assert.equal(echo.constant(), constant);
    for (const s of strings) assert.equal(echo.echo(s), s, `echo of ${JSON.stringify(s.slice(0, 20))} (${s.length})`);
    assert.deepEqual(echo.echoList(strings), strings);
    assert.deepEqual(echo.echoList([]), []);
    for (const s of strings) assert.equal(echo.rawLength(s), ownLength(s), `raw length of ${JSON.stringify(s.slice(0, 20))}`);
    // A lone surrogate is not a Unicode scalar value: it reaches the guest as U+FFFD.
    assert.equal(echo.echo('a\ud800b'), 'a\ufffdb');
    assert.throws(() => echo.echo(42), TypeError);
    assert.throws(() => echo.fail(), (e) => e instanceof TerrariumError && e.kind === 'trap' && /unreachable/.test(e.message));
  });
}

test('a trap in an inner component kills the whole composed instance, and says where it happened', async () => {
  const { client } = (await instantiate('client-chain')).exports;
  assert.equal(client.roundtrip('ok'), 'ok');
  assert.throws(
    () => client.fail(),
    (e) =>
      e instanceof TerrariumError &&
      e.kind === 'trap' &&
      e.context === 'example:strings/client#fail' &&
      /^trap in `example:strings\/client#fail`: unreachable \(in `example:strings\/echo#fail`\)$/.test(e.message),
  );
  assert.throws(() => client.roundtrip('x'), (e) => e.kind === 'dead' && /unreachable/.test(e.message));
  // Other instances of the same component go on.
  assert.equal((await instantiate('client-chain')).exports.client.roundtrip('ok'), 'ok');
});
