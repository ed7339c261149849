// Linking in the page: `greeter` and `names` loaded separately and linked at run time by passing
// one instance's exports as the other's imports, with no compose step. `names`' resource class is
// what `greeter` imports: its objects cross into greeter and back as themselves.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const namesComponent = load(await guestBytes('names'));
const greeterComponent = load(await guestBytes('greeter'));

async function linked(key = 'example:compose/names') {
  const a = await (await namesComponent).instantiate({});
  const b = await (await greeterComponent).instantiate({ [key]: a.exports.names });
  return { names: a.exports.names, greeter: b.exports.greeter, a, b };
}

test('greeter imports what names exports: functions, records, lists, strings', async () => {
  const { greeter, names } = await linked();
  assert.equal(greeter.greet('Ada Lovelace'), 'Hello, Ada Lovelace!');
  assert.equal(names.dropped(), 1, 'greeter made a Name through names and dropped it');
  assert.equal(greeter.introduce({ first: 'Ada', last: 'L', age: 36, tags: ['a', 'b'] }), 'Meet Ada L (36) [a,b]');
  assert.deepEqual(greeter.team(['X Y']), [{ first: 'X', last: 'Y', age: 20, tags: ['#0', 'team'] }]);
  const people = names.people(['A B', 'C D', 'E F']);
  assert.deepEqual(greeter.elder(people), { first: 'E', last: 'F', age: 22, tags: ['#2'] });
  assert.deepEqual(greeter.greetAll(['😀 é']), ['Hey, 😀 é!']);
});

test('the versioned interface name links too', async () => {
  const { greeter } = await linked('example:compose/names@0.1.0');
  assert.equal(greeter.greet('A B'), 'Hello, A B!');
});

test('objects of names’ class go into greeter and come back as themselves', async () => {
  const { greeter, names } = await linked();
  const { Name } = names;

  // made by the host with names' constructor, lent to greeter, which calls names' method on it
  const grace = new Name('Grace Hopper');
  assert.equal(greeter.greetName(grace), 'Hi, Grace Hopper!');
  assert.equal(grace.full(), 'Grace Hopper', 'a borrow: still the host’s');

  // made by greeter through names' constructor: an object of names' class, usable directly
  const alan = greeter.make('Alan Turing');
  assert.ok(alan instanceof Name);
  assert.deepEqual(alan.parts(), ['Alan', 'Turing']);
  alan.rename('Alan M Turing');
  assert.equal(greeter.greetName(alan), 'Hi, Alan M Turing!');

  // two borrows through greeter into names' static, a new own back
  const mix = greeter.pair(grace, alan);
  assert.ok(mix instanceof Name);
  assert.equal(mix.full(), 'Grace Turing');
  assert.equal(names.live(), 3);

  // own in, own out: greeter passes `mix` on to names' static `upper`, which consumes it
  const loud = greeter.shout(mix);
  assert.ok(loud instanceof Name);
  assert.equal(loud.full(), 'GRACE TURING');
  assert.throws(() => mix.full(), (e) => e instanceof TypeError && /disposed, or moved/.test(e.message));
  assert.equal(names.live(), 3);

  // own in, dropped in greeter: the drop disposes the object, which runs names' destructor
  const before = names.dropped();
  assert.equal(greeter.adopt(loud), 'GRACE+TURING');
  assert.equal(names.dropped(), before + 1);
  assert.equal(names.live(), 2);
  assert.throws(() => loud.full(), TypeError);

  // names' statics, as greeter's import sees them and directly
  const joined = Name.join(grace, alan);
  assert.equal(joined.full(), 'Grace Turing');
  joined[dispose]();
  assert.equal(names.live(), 2);
});

test('a missing or incomplete link is a link error before any guest code runs', async () => {
  const greeter = await greeterComponent;
  await assert.rejects(greeter.instantiate({}), (e) => e instanceof TerrariumError && e.kind === 'link' && /example:compose\/names/.test(e.message));
  const { exports } = await (await namesComponent).instantiate({});
  const partial = { ...exports.names, Name: class {} };
  await assert.rejects(greeter.instantiate({ 'example:compose/names': partial }), (e) => e.kind === 'link' && /Name/.test(e.message));
});

test('the same greeter links against a JS implementation of names just as well', async () => {
  const dropped = [];
  class Name {
    constructor(full) {
      this.value = full;
    }
    full() {
      return this.value;
    }
    parts() {
      return this.value.split(' ');
    }
    greeting(greeting) {
      return `${greeting} from JS, ${this.value}`;
    }
    rename(full) {
      this.value = full;
    }
    static join(a, b) {
      return new Name(`${a.parts()[0]} ${b.parts().at(-1)}`);
    }
    static upper(n) {
      return new Name(n.value.toUpperCase());
    }
    [dispose]() {
      dropped.push(this.value);
    }
  }
  const names = {
    Name,
    describe: (p) => `${p.first}/${p.last}`,
    people: (list) => list.map((s, i) => ({ first: s, last: '', age: i, tags: [] })),
    oldest: (people) => people[0],
    live: () => 0,
    dropped: () => dropped.length,
  };
  const { greeter } = (await (await greeterComponent).instantiate({ 'example:compose/names': names })).exports;
  assert.equal(greeter.greet('Ada'), 'Hello from JS, Ada');
  assert.deepEqual(dropped, ['Ada'], 'the guest dropped its own, which disposed the JS object');
  const mine = new Name('Grace Hopper');
  assert.equal(greeter.greetName(mine), 'Hi from JS, Grace Hopper');
  const made = greeter.make('Alan Turing');
  assert.ok(made instanceof Name);
  assert.equal(greeter.pair(mine, made).full(), 'Grace Turing');
  assert.equal(greeter.shout(made).full(), 'ALAN TURING');
  assert.equal(greeter.introduce({ first: 'a', last: 'b', age: 1, tags: [] }), 'Meet a/b');
  assert.equal(greeter.elder([]), undefined);
});

test('each side dies on its own: disposing names leaves greeter linked to a dead instance', async () => {
  const { greeter, a, names } = await linked();
  const kept = greeter.make('Kept Name');
  a[dispose]();
  assert.throws(() => names.live(), (e) => e.kind === 'dead');
  // greeter's call reaches names, which refuses: the error unwinds through greeter, which dies too.
  assert.throws(() => greeter.greetName(kept), (e) => e.kind === 'dead');
  assert.throws(() => greeter.greet('x'), (e) => e.kind === 'dead');
});
