// Resources end to end with the `resources` guest (tests/guests/resources): a guest-defined
// resource as a JS class, a host-defined one as a JS class the guest uses, the canonical ABI's
// handle rules (traps), and the FinalizationRegistry that drops what the host forgot.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { load, TerrariumError } from '../../js/index.js';
import { guestBytes } from './support.mjs';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const component = load(await guestBytes('resources'));

/** A fresh instance with a host `Blob` class that records what happens to its objects. */
async function instance(overrides = {}) {
  const log = [];
  class Blob {
    constructor(init) {
      this.data = [...init];
      log.push(`new ${this.data.length}`);
    }
    write(bytes) {
      this.data.push(...bytes);
    }
    read() {
      return new Uint8Array(this.data);
    }
    size() {
      return this.data.length;
    }
    static concat(a, b) {
      return new Blob([...a.data, ...b.data]);
    }
    [dispose]() {
      log.push(`dispose ${this.data.length}`);
    }
  }
  const host = {
    log: (msg) => log.push(msg),
    Blob,
    consume: (b) => {
      assert.ok(b instanceof Blob);
      return b.size();
    },
    consumeTwo: (a, b) => a.size() + b.size(),
    borrowThenOwn: (a, b) => a.size() + b.size(),
    peek: (b) => {
      assert.ok(b instanceof Blob);
      return b.size() * 10;
    },
    ...overrides,
  };
  const inst = await (await component).instantiate({ 'example:resources/host': host });
  return { inst, api: inst.exports.api, log, Blob };
}

const isTrap = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('an exported resource is a class: constructor, methods, instanceof, strings in and out', async () => {
  const { api } = await instance();
  const { Counter } = api;
  assert.equal(typeof Counter, 'function');
  assert.equal(Counter.name, 'Counter');
  const c = new Counter(5);
  assert.ok(c instanceof Counter);
  assert.equal(c.get(), 5);
  assert.equal(c.add(3), 8);
  assert.equal(c.add(-10), -2);
  assert.equal(c.label(), 'c5');
  c.setLabel('héllo 😀');
  assert.equal(c.label(), 'héllo 😀');
  assert.equal(api.live(), 1);
  // Two instances of the class are independent objects in the guest.
  const d = new Counter(100);
  assert.equal(d.get(), 100);
  assert.equal(c.get(), -2);
  assert.equal(api.live(), 2);
});

test('methods and statics taking and returning own and borrow handles', async () => {
  const { api, log } = await instance();
  const { Counter } = api;
  const a = new Counter(2);
  const b = new Counter(40);

  // borrow parameters: `b` stays the host's
  assert.equal(Counter.sum(a, b), 42);
  assert.equal(a.absorb(b), 42);
  assert.equal(b.get(), 40);
  assert.equal(Counter.sum(a, a), 84, 'the same object lent twice');

  // an own result: a new object
  const dup = b.duplicate();
  assert.ok(dup instanceof Counter);
  assert.notEqual(dup, b);
  assert.equal(dup.label(), "c40'");
  assert.equal(api.live(), 3);

  // an own parameter: the guest takes `dup`, drops it, and its destructor runs
  assert.equal(a.swallow(dup), 82);
  assert.equal(api.live(), 2);
  assert.deepEqual(log, ["drop c40'"]);
  assert.throws(() => dup.get(), (e) => e instanceof TypeError && /disposed, or moved into the guest/.test(e.message));

  // own in, own out: the same guest object comes back under a new JS object
  const doubled = Counter.doubled(a);
  assert.equal(doubled.get(), 164);
  assert.equal(doubled.label(), 'c2');
  assert.throws(() => a.get(), TypeError, 'the argument was moved');
  assert.equal(api.live(), 2);

  // lists, options and records of owns
  const many = Counter.many(3);
  assert.equal(many.length, 3);
  assert.deepEqual(many.map((m) => [m.label(), m.get()]), [['m0', 0], ['m1', 1], ['m2', 2]]);
  assert.ok(many.every((m) => m instanceof Counter));
  assert.equal(api.maybe(undefined), undefined);
  const back = api.maybe(many[0]);
  assert.equal(back.label(), 'm0');
  const wrapped = api.wrap('w', many[1]);
  assert.equal(wrapped.name, 'w');
  assert.ok(wrapped.item instanceof Counter);
  assert.equal(wrapped.item.label(), 'm1');
  const unwrapped = api.unwrap(wrapped);
  assert.equal(unwrapped.get(), 1);
  assert.equal(api.live(), 5);
});

test('[Symbol.dispose]() runs the guest destructor once; a disposed object is refused', async () => {
  const { api, log } = await instance();
  const c = new api.Counter(7);
  c.setLabel('seven');
  assert.equal(api.dropped(), 0);
  c[dispose]();
  assert.deepEqual(log, ['drop seven'], 'the destructor ran, and could call a host import');
  assert.equal(api.dropped(), 1);
  assert.equal(api.live(), 0);
  c[dispose]();
  assert.equal(api.dropped(), 1, 'disposing twice is a no-op');
  assert.throws(() => c.get(), (e) => e instanceof TypeError && /argument `self`/.test(e.message) && /live Counter/.test(e.message));
  assert.throws(() => api.Counter.sum(c, c), TypeError);
  assert.throws(() => api.maybe(c), TypeError);
  // A refused call changes nothing: the instance goes on.
  const d = new api.Counter(1);
  assert.equal(d.get(), 1);
});

test('objects of the wrong kind, or of another instance, are refused before the guest runs', async () => {
  const one = await instance();
  const two = await instance();
  const theirs = new two.api.Counter(1);
  const mine = new one.api.Counter(2);
  assert.ok(!(theirs instanceof one.api.Counter), 'each instance has its own class');
  assert.throws(() => one.api.Counter.sum(mine, theirs), (e) => e instanceof TypeError && /argument `b`/.test(e.message));
  assert.throws(() => mine.absorb({}), TypeError);
  assert.throws(() => mine.absorb(null), TypeError);
  assert.throws(() => one.api.Counter.prototype.get.call(theirs), TypeError);
  // The same object lent as a borrow (self) and moved as an own in one call is refused, and the
  // failed call moves nothing.
  assert.throws(() => mine.swallow(mine), (e) => e instanceof TypeError && /lent as a borrow/.test(e.message));
  assert.equal(mine.get(), 2);
  assert.equal(theirs.get(), 1);
  assert.equal(one.api.live(), 1);
});

test('an own moved into a call that is then refused is given back', async () => {
  const { api } = await instance();
  const c = new api.Counter(4);
  // `tag(item, name)` lowers `item` (moving it), then refuses `name`.
  assert.throws(() => api.tag(c, 5), (e) => e instanceof TypeError && /argument `name`/.test(e.message));
  assert.equal(c.get(), 4, 'still the host’s');
  const tagged = api.tag(c, 'four');
  assert.equal(tagged.name, 'four');
  assert.equal(tagged.item.get(), 4);
  assert.throws(() => c.get(), TypeError, 'moved now');
  assert.equal(api.live(), 1);
});

test('a host resource: the guest constructs, calls, passes and drops JS objects', async () => {
  const { api, log, Blob } = await instance();
  assert.deepEqual(api.blobRoundtrip(new Uint8Array([1, 2, 3])), new Uint8Array([1, 2, 3, 33]));
  assert.deepEqual(log, ['new 3', 'dispose 4'], 'constructor, methods, and [Symbol.dispose] on drop');
  log.length = 0;

  // a static taking two owns and returning an own
  assert.deepEqual(api.blobConcat(new Uint8Array([1]), new Uint8Array([2, 3])), new Uint8Array([1, 2, 3]));
  assert.deepEqual(log, ['new 1', 'new 2', 'new 3', 'dispose 3'], 'the owns given to the host are the host’s');
  log.length = 0;

  // borrows from the host are not disposed; owns from the host are, when the guest drops them
  const mine = new Blob([1, 2]);
  assert.equal(api.blobSize(mine), 2);
  assert.equal(api.blobSize(mine), 2);
  assert.equal(api.blobRelend(mine), 20, 'a borrow passed on to another host call');
  assert.equal(api.blobTake(mine), 2);
  assert.deepEqual(log, ['new 2', 'dispose 2']);
  log.length = 0;

  // an own made by the guest comes out as the host's own object
  const made = api.blobMake(new Uint8Array([9, 9]));
  assert.ok(made instanceof Blob);
  assert.deepEqual(made.data, [9, 9]);

  // the guest lends its own blob to the host, then gives it away
  assert.equal(api.blobLend(new Uint8Array([1, 2, 3])), 33);
  assert.deepEqual(log, ['new 2', 'new 3']);
});

test('a host resource class missing a member is a link error before any guest code runs', async () => {
  const c = await component;
  const host = { log() {}, consume() {}, consumeTwo() {}, borrowThenOwn() {}, peek() {} };
  await assert.rejects(c.instantiate({ 'example:resources/host': host }), (e) => e.kind === 'link' && /Blob/.test(e.message));
  class NoSize {
    constructor() {}
    write() {}
    read() {}
    static concat() {}
  }
  await assert.rejects(
    c.instantiate({ 'example:resources/host': { ...host, Blob: NoSize } }),
    (e) => e.kind === 'link' && /no method `size`/.test(e.message),
  );
});

test('the spec’s handle traps: dropped, unknown, own passed twice, own moved while lent, borrow as own', async () => {
  const cases = [
    ['use-after-drop', /unknown handle index \d+ \(used as a `blob`\)/],
    ['unknown-handle', /unknown handle index 4242 \(used as a `blob`\)/],
    ['own-twice', /unknown handle index \d+ \(used as a `blob`\).*consume-two/],
    ['own-while-lent', /own handle \d+ of resource `blob` is lent out.*borrow-then-own/],
  ];
  for (const [what, pattern] of cases) {
    const { api } = await instance();
    assert.throws(() => api.misuse(what), isTrap(pattern), what);
    assert.throws(() => api.live(), (e) => e.kind === 'dead', `${what}: the instance is dead`);
  }
  const { api, Blob } = await instance();
  assert.equal(api.misuse('nothing'), 0);
  assert.throws(() => api.misuseBorrowAsOwn(new Blob([1])), isTrap(/handle \d+ of resource `blob` is a borrow, not an own/));
});

test('a borrow the guest still holds when its export returns is a trap (CanonicalABI: num_borrows)', async () => {
  const { api, Blob, log } = await instance();
  const b = new Blob([1, 2]);
  assert.throws(
    () => api.misuseKeepBorrow(b),
    isTrap(/`example:resources\/api#misuse-keep-borrow` returned while still holding 1 borrowed handle/),
  );
  assert.ok(!log.includes('dispose 2'), 'a lent object is never disposed by the guest');
  assert.throws(() => api.live(), (e) => e.kind === 'dead');
});

test('disposing the instance: host objects the guest owns are disposed, wrappers become inert', async () => {
  const { inst, api } = await instance();
  const c = new api.Counter(1);
  inst[dispose]();
  assert.throws(() => c.get(), (e) => e.kind === 'dead');
  c[dispose](); // nothing left to destroy: no throw
  assert.throws(() => new api.Counter(2), (e) => e.kind === 'dead');
});

test('reentrance from a destructor’s host call is refused as a trap', async () => {
  let api;
  const { api: a } = await instance({ log: () => api.live() });
  api = a;
  const c = new api.Counter(1);
  assert.throws(() => c[dispose](), isTrap(/reentrant call/));
});

test('a FinalizationRegistry runs the destructor of objects the host forgot (node --expose-gc)', () => {
  const script = `
    import { load } from ${JSON.stringify(new URL('../../js/index.js', import.meta.url).href)};
    import { readFileSync } from 'node:fs';
    const bytes = readFileSync(${JSON.stringify(fileURLToPath(new URL('../../dist/components/resources.wasm', import.meta.url)))});
    const log = [];
    class Blob { write() {} read() {} size() {} static concat() {} }
    const host = { log: (m) => log.push(m), Blob, consume() {}, consumeTwo() {}, borrowThenOwn() {}, peek() {} };
    const { exports: { api } } = await (await load(bytes)).instantiate({ 'example:resources/host': host });
    (() => { for (let i = 0; i < 5; i++) new api.Counter(i).add(1); })();
    // Past one batch of wrappers held for registration, in one synchronous run.
    (() => { for (let i = 0; i < 3000; i++) new api.Counter(1000 + i); })();
    // Disposed in the same run as made: destroyed once, by the dispose, never by a finalizer.
    (() => { for (let i = 0; i < 10; i++) new api.Counter(-1 - i)[Symbol.dispose](); })();
    // Disposed after a newer one was made, which the host then forgets: only the newer one is collected.
    (() => { const older = new api.Counter(-20); new api.Counter(5000); older[Symbol.dispose](); })();
    const kept = new api.Counter(100);
    const before = { live: api.live(), dropped: api.dropped() };
    for (let i = 0; i < 200 && api.dropped() < 3017; i++) {
      globalThis.gc();
      await new Promise((r) => setTimeout(r, 5));
    }
    const first = log.filter((m) => /^drop c[0-4]$/.test(m)).sort();
    const counts = new Map();
    for (const m of log) counts.set(m, (counts.get(m) ?? 0) + 1);
    console.log(JSON.stringify({ before, live: api.live(), dropped: api.dropped(), first, logged: log.length, once: [...counts.values()].every((n) => n === 1), kept: kept.get() }));
  `;
  const child = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout.trim().split('\n').pop());
  assert.deepEqual(result, {
    before: { live: 3007, dropped: 11 },
    live: 1,
    dropped: 3017,
    first: ['drop c0', 'drop c1', 'drop c2', 'drop c3', 'drop c4'],
    logged: 3017,
    once: true,
    kept: 100,
  });
});
