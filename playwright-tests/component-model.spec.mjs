// The component model in a real page (Chromium): resources as JS classes both ways, the handle
// traps, composed components (a resource across two Rust guests; strings across the utf8, utf16
// and latin1+utf16 encodings; strings and lists copied memory to memory between components), and
// two components linked in the page. The same again under the
// strict CSP. Guests: tests/guests (resources, names, greeter, strings-client, wat/*), composed by
// scripts/build-guests.mjs.

import { test, expect } from '@playwright/test';

async function open(page, path = '/demo-site/test-harness.html') {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(path);
  await page.waitForFunction(() => window.harnessReady === true);
  return errors;
}

test('resources: an exported class, a host class, dispose, and the spec’s handle traps', async ({ page }) => {
  const errors = await open(page);
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
    const component = await load('/components/resources.wasm');
    const instantiate = async () => {
      const log = [];
      class Blob {
        constructor(init) {
          this.data = [...init];
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
      const host = { log: (m) => log.push(m), Blob, consume: (b) => b.size(), consumeTwo: () => 0, borrowThenOwn: () => 0, peek: (b) => b.size() };
      const { exports } = await component.instantiate({ 'example:resources/host': host });
      return { api: exports.api, log, Blob };
    };
    const outcome = (f) => {
      try {
        return { value: f() };
      } catch (e) {
        return { name: e.name, kind: e.kind, message: e.message };
      }
    };

    const { api, log, Blob } = await instantiate();
    const c = new api.Counter(5);
    const out = {
      isInstance: c instanceof api.Counter,
      values: [c.get(), c.add(3), c.label()],
      sum: api.Counter.sum(c, c),
      duplicate: c.duplicate().label(),
      many: api.Counter.many(2).map((m) => m.label()),
      roundtrip: [...api.blobRoundtrip(new Uint8Array([1, 2]))],
      concat: [...api.blobConcat(new Uint8Array([1]), new Uint8Array([2]))],
      madeIsBlob: api.blobMake(new Uint8Array([7])) instanceof Blob,
      borrowed: api.blobSize(new Blob([1, 2, 3])),
    };
    c[dispose]();
    out.afterDispose = { log: [...log], live: api.live(), dropped: api.dropped(), use: outcome(() => c.get()) };

    out.traps = {};
    for (const what of ['use-after-drop', 'unknown-handle', 'own-twice', 'own-while-lent']) {
      const { api } = await instantiate();
      out.traps[what] = [outcome(() => api.misuse(what)), outcome(() => api.live()).kind];
    }
    const kept = await instantiate();
    out.traps.keepBorrow = outcome(() => kept.api.misuseKeepBorrow(new kept.Blob([1])));
    const asOwn = await instantiate();
    out.traps.borrowAsOwn = outcome(() => asOwn.api.misuseBorrowAsOwn(new asOwn.Blob([1])));
    return out;
  });
  expect(result.isInstance).toBe(true);
  expect(result.values).toEqual([5, 8, 'c5']);
  expect(result.sum).toBe(16);
  expect(result.duplicate).toBe("c5'");
  expect(result.many).toEqual(['m0', 'm1']);
  expect(result.roundtrip).toEqual([1, 2, 33]);
  expect(result.concat).toEqual([1, 2]);
  expect(result.madeIsBlob).toBe(true);
  expect(result.borrowed).toBe(3);
  expect(result.afterDispose.log).toContain('drop c5');
  expect(result.afterDispose.log).toContain('dispose 3');
  expect(result.afterDispose.live).toBe(3); // the duplicate and the two from `many`, not yet collected
  expect(result.afterDispose.use.name).toBe('TypeError');
  for (const what of ['use-after-drop', 'unknown-handle', 'own-twice', 'own-while-lent']) {
    const [trap, after] = result.traps[what];
    expect(trap.kind, what).toBe('trap');
    expect(after, what).toBe('dead');
  }
  expect(result.traps['own-while-lent'][0].message).toMatch(/is lent out/);
  expect(result.traps.keepBorrow.kind).toBe('trap');
  expect(result.traps.keepBorrow.message).toMatch(/returned while still holding 1 borrowed handle/);
  expect(result.traps.borrowAsOwn.message).toMatch(/is a borrow, not an own/);
  expect(errors).toEqual([]);
});

/** In the page: runs every check on the composed and linked guests, returns what it saw. */
async function composeChecks(page) {
  return page.evaluate(async () => {
    const { load } = window.terrarium;
    const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
    const strings = [
      '', 'a', 'café ÿ', '\u0080\u00ff\u0000', 'Ā', 'ß→😀', '\u{10ffff}', 'mixed é 中文 😀',
      'x'.repeat(70_000), 'é'.repeat(70_000), '😀'.repeat(40_000),
    ];
    const latin1Length = (s) => ([...s].every((c) => c.charCodeAt(0) < 256) ? s.length : (s.length | 0x80000000) >>> 0);
    const out = {};

    // Two Rust components composed: a resource of one handed through the other.
    {
      const { greeter } = (await (await load('/components/greeter-names.wasm')).instantiate({})).exports;
      const grace = greeter.make('Grace Hopper');
      const alan = greeter.make('Alan Turing');
      const mix = greeter.pair(grace, alan);
      const loud = greeter.shout(mix);
      out.composed = {
        greet: greeter.greet('Ada Lovelace'),
        greetName: greeter.greetName(grace),
        mix: greeter.greetName(loud),
        sameClass: loud instanceof grace.constructor,
        team: greeter.team(['A B']),
        adopt: greeter.adopt(loud),
        live: greeter.namesLive(),
      };
      alan[dispose]();
      out.composed.afterDispose = [greeter.namesLive(), greeter.namesDropped()];
    }

    // Strings across encodings, composed and direct.
    out.encodings = {};
    for (const name of ['client-utf16', 'client-latin1', 'client-chain']) {
      const { client } = (await (await load(`/components/${name}.wasm`)).instantiate({})).exports;
      out.encodings[name] = {
        same: strings.every((s) => client.roundtrip(s) === s),
        list: JSON.stringify(client.roundtripList(strings)) === JSON.stringify(strings),
        check: client.check(strings, 2),
        constant: client.constant(),
        lengths: client.lengths('naïve Ā'),
      };
    }
    for (const name of ['relay-latin1-utf16', 'relay-utf16-latin1', 'echo-utf16', 'echo-latin1']) {
      const { echo } = (await (await load(`/components/${name}.wasm`)).instantiate({})).exports;
      out.encodings[name] = {
        same: strings.every((s) => echo.echo(s) === s),
        list: JSON.stringify(echo.echoList(strings)) === JSON.stringify(strings),
        constant: echo.constant(),
        raw: ['café', 'Ā', '😀'].map((s) => echo.rawLength(s)),
        latin1: ['café', 'Ā', '😀'].map(latin1Length),
      };
    }

    // Calls from one component to another copied memory to memory (tests/guests/wat/fused*.wat).
    {
      const fused = (await (await load('/components/fused.wasm')).instantiate({})).exports;
      const wide = (await (await load('/components/fused-utf16.wasm')).instantiate({})).exports;
      const same = (a, b) => a.length === b.length && [...a].every((x, i) => Object.is(x, b[i]) || (Array.isArray(x) && same(x, b[i])));
      const bytes = new Uint8Array(100_000).map((_, i) => i * 7);
      const points = [[0, 1.5, true, 'a', undefined], [4294967295, -Infinity, false, '😀', 255], [1, NaN, true, '\u{10ffff}', 0]];
      out.fused = {
        pairs: ['Utf8Utf8', 'Utf8Utf16', 'Utf16Utf8', 'Utf16Utf16'].map((p) => strings.every((s) => wide[`relay${p}`](s) === s)),
        bytes: same(fused.relayBytes(bytes), bytes),
        names: same(fused.relayNames(strings), strings),
        points: same(fused.relayPoints(points), points),
        trap: (() => {
          try {
            return fused.sendRawUtf8Utf8(256, 3);
          } catch (e) {
            return [e.kind, e.message];
          }
        })(),
      };
    }

    // Linked in the page: names' exports are greeter's imports.
    {
      const a = await (await load('/components/names.wasm')).instantiate({});
      const b = await (await load('/components/greeter.wasm')).instantiate({ 'example:compose/names': a.exports.names });
      const { names } = a.exports;
      const { greeter } = b.exports;
      const grace = new names.Name('Grace Hopper');
      const made = greeter.make('Alan Turing');
      const loud = greeter.shout(greeter.pair(grace, made));
      out.linked = {
        greetName: greeter.greetName(grace),
        madeIsName: made instanceof names.Name,
        madeParts: made.parts(),
        loud: loud.full(),
        adopt: greeter.adopt(loud),
        loudAfter: (() => {
          try {
            return loud.full();
          } catch (e) {
            return e.name;
          }
        })(),
        live: names.live(),
        dropped: names.dropped(),
      };
    }
    return out;
  });
}

function expectComposeChecks(result) {
  expect(result.composed).toEqual({
    greet: 'Hello, Ada Lovelace!',
    greetName: 'Hi, Grace Hopper!',
    mix: 'Hi, GRACE TURING!',
    sameClass: true,
    team: [{ first: 'A', last: 'B', age: 20, tags: ['#0', 'team'] }],
    adopt: 'GRACE+TURING',
    live: 2,
    afterDispose: [1, 4],
  });
  for (const name of ['client-utf16', 'client-latin1', 'client-chain']) {
    const r = result.encodings[name];
    expect(r.same, name).toBe(true);
    expect(r.list, name).toBe(true);
    expect(r.check, name).toEqual([]);
  }
  expect(result.encodings['client-utf16'].constant).toBe('h\u00e9llo \u{1F600}');
  expect(result.encodings['client-latin1'].constant).toBe('caf\u00e9 \u00ff');
  expect(result.encodings['client-chain'].constant).toBe('h\u00e9llo \u{1F600}');
  expect(result.encodings['client-utf16'].lengths).toEqual([9, 7]);
  expect(result.encodings['client-latin1'].lengths).toEqual([9, (7 | 0x80000000) >>> 0]);
  for (const name of ['relay-latin1-utf16', 'relay-utf16-latin1', 'echo-utf16', 'echo-latin1']) {
    const r = result.encodings[name];
    expect(r.same, name).toBe(true);
    expect(r.list, name).toBe(true);
  }
  expect(result.encodings['echo-utf16'].raw).toEqual([4, 1, 2]);
  expect(result.encodings['echo-latin1'].raw).toEqual(result.encodings['echo-latin1'].latin1);
  expect(result.encodings['echo-latin1'].raw).toEqual([4, 0x80000001, 0x80000002]);
  expect(result.encodings['relay-latin1-utf16'].raw).toEqual([4, 0x80000001, 0x80000002]);
  expect(result.encodings['relay-utf16-latin1'].raw).toEqual([4, 1, 2]);
  expect(result.encodings['echo-utf16'].constant).toBe('h\u00e9llo \u{1F600}');
  expect(result.encodings['echo-latin1'].constant).toBe('caf\u00e9 \u00ff');
  expect(result.fused).toMatchObject({ pairs: [true, true, true, true], bytes: true, names: true, points: true });
  expect(result.fused.trap[0]).toBe('trap');
  expect(result.fused.trap[1]).toMatch(
    /^trap in `send-raw-utf8-utf8`: invalid utf-8 in string at 256 \(3 bytes\) \(lifting the arguments of component import `echo-utf8`\)$/,
  );
  expect(result.linked).toEqual({
    greetName: 'Hi, Grace Hopper!',
    madeIsName: true,
    madeParts: ['Alan', 'Turing'],
    loud: 'GRACE TURING',
    adopt: 'GRACE+TURING',
    loudAfter: 'TypeError',
    live: 2,
    dropped: 2,
  });
}

test('composed components and components linked in the page', async ({ page }) => {
  const errors = await open(page);
  expectComposeChecks(await composeChecks(page));
  expect(errors).toEqual([]);
});

test('the same under the strict CSP, without a violation', async ({ page }) => {
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective));
  });
  const errors = await open(page, '/csp/test-harness.html');
  expectComposeChecks(await composeChecks(page));
  expect(await page.evaluate(() => window.cspViolations)).toEqual([]);
  expect(errors).toEqual([]);
});
