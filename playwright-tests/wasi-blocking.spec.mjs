// Blocking in Chromium, each path forced with the `blocking` option: 'jspi' (WebAssembly.Suspending
// and promising on the page's thread), 'worker' (the guest in a Web Worker waiting with
// Atomics.wait while the page works; the test pages are cross-origin isolated) and 'none' (a wait
// traps). The guests of tests/guests check clocks (wasi-clocks), poll (wasi-poll), stdin from a
// ReadableStream (wasi-stdin) and the configuration (wasi-config).

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';

test.beforeEach(({ page }) => openHarness(page));

/** Runs a guest in the page; returns its exit code (or failure), stdout and the FAIL lines. */
async function runGuest(page, name, options) {
  return page.evaluate(
    async ({ name, options }) => {
      const stdout = window.harness.collector();
      const stderr = window.harness.collector();
      const parts = options.stdinParts;
      delete options.stdinParts;
      if (parts) {
        const enc = new TextEncoder();
        options.stdin = new ReadableStream({
          async start(controller) {
            for (const part of parts) {
              await new Promise((resolve) => setTimeout(resolve, 20));
              controller.enqueue(enc.encode(part));
            }
            controller.close();
          },
        });
      }
      if (options.wallStart) options.clocks = { ...options.clocks, wall: new Date(options.wallStart) };
      delete options.wallStart;
      const started = performance.now();
      const outcome = await window.harness.failure(() => window.terrarium.run(`/components/${name}.wasm`, { ...options, stdout, stderr }));
      const text = stdout.text();
      return {
        outcome,
        ms: performance.now() - started,
        text,
        stderr: stderr.text(),
        failures: text.split('\n').filter((l) => l.startsWith('FAIL')),
        passed: text.split('\n').filter((l) => l.startsWith('ok ')).length,
      };
    },
    { name, options },
  );
}

function expectPass(result) {
  expect(result.failures, result.text + result.stderr).toEqual([]);
  expect(result.outcome, result.text + result.stderr).toEqual({ returned: '{"exitCode":0}' });
}

test('this Chromium has JSPI, and the isolated test page can use a worker', async ({ page }) => {
  const features = await page.evaluate(() => ({ ...window.terrarium.features, isolated: crossOriginIsolated }));
  expect(features.jspi).toBe(true);
  expect(features.workerBlocking).toBe(true);
  expect(features.isolated).toBe(true);
});

for (const blocking of ['jspi', 'worker']) {
  test.describe(`blocking: '${blocking}'`, () => {
    test('wasi-clocks: sleep, subscribe-duration and subscribe-instant really wait', async ({ page }) => {
      const result = await runGuest(page, 'wasi-clocks', { blocking });
      expectPass(result);
      expect(result.passed).toBe(13);
      expect(result.ms).toBeGreaterThanOrEqual(130);
    });

    test('wasi-poll: poll returns exactly the ready indices', async ({ page }) => {
      const result = await runGuest(page, 'wasi-poll', { blocking });
      expectPass(result);
      expect(result.passed).toBe(14);
    });

    test('the virtual clock: waits land exactly on their deadlines', async ({ page }) => {
      const clocks = await runGuest(page, 'wasi-clocks', {
        blocking,
        clocks: { monotonic: 'virtual' },
        wallStart: 1_700_000_000_000,
        env: { VIRTUAL: '1', WALL_START: '1700000000' },
      });
      expectPass(clocks);
      expect(clocks.text).toContain('monotonic elapsed: 140000000 ns\n');
      expectPass(await runGuest(page, 'wasi-poll', { blocking, clocks: { monotonic: 'virtual' }, env: { VIRTUAL: '1' } }));
    });

    test('wasi-stdin: stdin from a ReadableStream, read as it arrives', async ({ page }) => {
      const parts = ['first line\n', 'second ', 'line\n', `${'x'.repeat(200)}\n`, 'last'];
      for (const mode of ['std', 'lines', 'raw', 'skip']) {
        const result = await runGuest(page, 'wasi-stdin', {
          blocking,
          args: ['wasi-stdin', mode],
          env: { EXPECT: parts.join(''), EXPECT_WAIT: '1' },
          stdinParts: parts,
        });
        expectPass(result);
        if (mode === 'raw') expect(result.text).toMatch(/^\d+ reads, [1-9]\d* empty reads$/m);
      }
    });

    test('wasi-config: a seeded random and a virtual clock repeat the run exactly, as without waiting', async ({ page }) => {
      const options = {
        args: ['cfg', 'a b'],
        env: { X: '1' },
        cwd: '/work',
        clocks: { monotonic: 'virtual' },
        wallStart: Date.parse('2024-01-02T03:04:05.678Z'),
        random: { seed: 42 },
      };
      const here = await runGuest(page, 'wasi-config', { ...options, blocking });
      const none = await runGuest(page, 'wasi-config', { ...options, blocking: 'none' });
      expectPass(here);
      expect(here.text).toBe(none.text);
      expect(here.text).toContain('cwd: Some("/work")\n');
      expect(here.text).toContain('wall after sleep: 1704164647.178000000\n');
    });

    test('exports return promises; host imports, exported and host resources, composed components', async ({ page }) => {
      const result = await page.evaluate(async (blocking) => {
        const { load } = window.terrarium;
        const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
        const out = {};
        const logged = [];
        const bench = await (await load('/components/bench.wasm')).instantiate({ 'example:bench/host': { log: (m) => logged.push(m) } }, { blocking });
        out.blocking = bench.blocking;
        const sum = bench.exports.api.add(2, 3);
        out.promise = sum instanceof Promise;
        out.sum = await sum;
        await bench.exports.api.callHost('from the guest');
        out.logged = logged;

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
        }
        const log = [];
        const host = { log: (m) => log.push(m), Blob, consume: (b) => b.size(), consumeTwo: (a, b) => a.size() + b.size(), borrowThenOwn: (a, b) => a.size() + b.size(), peek: (b) => b.size() * 10 };
        const { exports } = await (await load('/components/resources.wasm')).instantiate({ 'example:resources/host': host }, { blocking });
        const { api } = exports;
        const a = await new api.Counter(2);
        out.counter = [a instanceof api.Counter, await a.add(3), await api.Counter.sum(a, a), await api.live()];
        out.blob = [await api.blobSize(new Blob([1, 2, 3])), (await api.blobMake(new Uint8Array([7]))).data];
        await a[dispose]();
        out.disposed = [log.at(-1), await api.live()];

        const composed = await (await load('/components/greeter-names.wasm')).instantiate({}, { blocking });
        out.greet = await composed.exports.greeter.greet('Ada Lovelace');
        out.team = (await composed.exports.greeter.team(['Ada Lovelace', 'Alan Turing'])).map((p) => p.last);
        const chain = await (await load('/components/client-chain.wasm')).instantiate({}, { blocking });
        out.chain = Object.keys(chain.exports);
        return out;
      }, blocking);
      expect(result).toEqual({
        blocking,
        promise: true,
        sum: 5,
        logged: ['from the guest'],
        counter: [true, 5, 10, 1],
        blob: [3, [7]],
        disposed: ['drop c2', 0],
        greet: 'Hello, Ada Lovelace!',
        team: ['Lovelace', 'Turing'],
        chain: expect.any(Array),
      });
    });

    test('calls made at once run one at a time, in order; a refused argument rejects its call alone', async ({ page }) => {
      const result = await page.evaluate(async (blocking) => {
        const { load } = window.terrarium;
        const logged = [];
        const { exports } = await (await load('/components/bench.wasm')).instantiate({ 'example:bench/host': { log: (m) => logged.push(m) } }, { blocking });
        const { api } = exports;
        // Each call after the first finds the instance's turn taken and waits for it.
        const calls = [api.add(1, 2), api.callHost('a'), api.add(-1, 2), api.callHost('b'), api.add(3, 4), api.callHost('c')];
        const settled = await Promise.allSettled(calls);
        const resources = await (await load('/components/bench-resource.wasm')).instantiate({}, { blocking });
        const { Counter } = resources.exports.api;
        const counters = await Promise.all([new Counter(1), new Counter(2), new Counter(3)]);
        const adds = await Promise.all(counters.map((c, i) => c.add(10 * i)));
        const disposed = await Promise.all(counters.map((c) => c[Symbol.dispose]()));
        return {
          settled: settled.map((s) => (s.status === 'fulfilled' ? s.value : `${s.reason.name}: ${/argument `a`/.test(s.reason.message)}`)),
          logged,
          adds,
          disposed: disposed.length,
          after: await api.add(5, 6),
        };
      }, blocking);
      expect(result).toEqual({ settled: [3, undefined, 'RangeError: true', undefined, 7, undefined], logged: ['a', 'b', 'c'], adds: [1, 12, 23], disposed: 3, after: 11 });
    });

    test('a trap comes back as a trap, and the instance is dead after', async ({ page }) => {
      const result = await page.evaluate(async (blocking) => {
        const instance = await (await window.terrarium.load('/components/trap.wasm')).instantiate({}, { blocking, wasi: { stderr: () => {} } });
        return [
          await window.harness.failure(() => instance.exports.api.ok()),
          await window.harness.failure(() => instance.exports.api.boom()),
          await window.harness.failure(() => instance.exports.api.ok()),
        ];
      }, blocking);
      expect(result[0]).toEqual({ returned: '7' });
      expect(result[1]).toMatchObject({ kind: 'trap', isTerrariumError: true });
      expect(result[1].message).toMatch(/^trap in `example:trap\/api#boom`/);
      expect(result[2]).toMatchObject({ kind: 'dead', isTerrariumError: true });
    });
  });
}

test("blocking: 'none': a timer wait and a stdin stream read trap, naming the call and saying JSPI or a worker is needed", async ({ page }) => {
  const clocks = await runGuest(page, 'wasi-clocks', { blocking: 'none' });
  expect(clocks.outcome.kind).toBe('trap');
  expect(clocks.outcome.message).toMatch(
    /^trap in `wasi:cli\/run#run`: `wasi:io\/poll#\[method\]pollable\.block` would have to wait for a timer due in [\d.]+ ms; waiting needs JSPI or a worker \(`blocking: 'jspi'` or `'worker'`\), and this instance has `blocking: 'none'`$/,
  );
  const stdin = await runGuest(page, 'wasi-stdin', { blocking: 'none', args: ['wasi-stdin', 'raw'], stdinParts: ['x'] });
  expect(stdin.outcome.kind).toBe('trap');
  expect(stdin.outcome.message).toContain('`wasi:io/poll#[method]pollable.block` would have to wait for data from stdin (a ReadableStream)');
  // With a virtual clock nothing has to wait: 'none' is enough.
  expectPass(await runGuest(page, 'wasi-clocks', { blocking: 'none', clocks: { monotonic: 'virtual' }, env: { VIRTUAL: '1' } }));
});

test("auto (run()'s default): JSPI for a guest that can wait, none for one that cannot", async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const clocks = await (await load('/components/wasi-clocks.wasm')).instantiate({}, { blocking: 'auto', wasi: { stdout: () => {} } });
    const bench = await (await load('/components/bench.wasm')).instantiate({ 'example:bench/host': { log() {} } }, { blocking: 'auto' });
    const plain = await (await load('/components/bench.wasm')).instantiate({ 'example:bench/host': { log() {} } });
    return { clocks: clocks.blocking, bench: bench.blocking, sync: bench.exports.api.add(1, 2), default: plain.blocking };
  });
  expect(result).toEqual({ clocks: 'jspi', bench: 'none', sync: 3, default: 'none' });
  expectPass(await runGuest(page, 'wasi-poll', {}));
});

test('under a strict CSP (no eval): JSPI and the worker both run', async ({ page }) => {
  await page.goto('/csp/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  for (const blocking of ['jspi', 'worker']) expectPass(await runGuest(page, 'wasi-poll', { blocking }));
});

test("a page that is not cross-origin isolated has no SharedArrayBuffer: blocking: 'worker' is refused, JSPI still works", async ({ page }) => {
  // The same pages, without the COOP/COEP headers.
  await page.route('**/*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  const result = await page.evaluate(async () => {
    const component = await window.terrarium.load('/components/wasi-poll.wasm');
    return {
      isolated: crossOriginIsolated,
      workerBlocking: window.terrarium.features.workerBlocking,
      refusal: await window.harness.failure(() => component.instantiate({}, { blocking: 'worker' })),
      auto: (await component.instantiate({}, { blocking: 'auto' })).blocking,
    };
  });
  expect(result.isolated).toBe(false);
  expect(result.workerBlocking).toBe(false);
  expect(result.refusal).toMatchObject({ kind: 'unsupported', isTerrariumError: true });
  expect(result.refusal.message).toBe(
    "blocking: 'worker' is not available here: SharedArrayBuffer is missing: the page must be cross-origin isolated (COOP: same-origin and COEP: require-corp)",
  );
  expect(result.auto).toBe('jspi');
});
