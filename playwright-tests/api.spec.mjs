// The public API in a real page (Chromium): load from a URL and from bytes, call exports with
// every value type, host imports, commands, traps and malformed input.
// The page is demo-site/test-harness.html, which exposes `/js/index.js` as `window.terrarium`.

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';

test.beforeEach(({ page }) => openHarness(page));

test('features: every flag is a boolean; SIMD, threads and worker blocking are on in cross-origin-isolated Chromium', async ({ page }) => {
  const result = await page.evaluate(() => ({
    features: { ...window.terrarium.features },
    frozen: Object.isFrozen(window.terrarium.features),
    isolated: self.crossOriginIsolated,
  }));
  expect(Object.keys(result.features).sort()).toEqual([
    'exceptions', 'gc', 'jsStringBuiltins', 'jspi', 'legacyExceptions', 'memory64', 'multiMemory', 'relaxedSimd', 'simd',
    'tailCall', 'threads', 'workerBlocking',
  ]);
  for (const [name, on] of Object.entries(result.features)) expect(typeof on, name).toBe('boolean');
  expect(result.frozen).toBe(true);
  expect(result.isolated).toBe(true);
  expect(result.features.simd).toBe(true);
  expect(result.features.threads).toBe(true);
  expect(result.features.workerBlocking).toBe(true);
});

test('bench from a URL and from bytes: metadata, add, and the host import callback', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const url = '/components/bench.wasm';
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const out = { byteLength: bytes.byteLength };
    for (const [how, source] of [['url', url], ['bytes', bytes], ['response', fetch(url).then((r) => r)], ['blob', new Blob([bytes])]]) {
      const component = await load(await source);
      const logged = [];
      const { exports } = await component.instantiate({ 'example:bench/host': { log: (msg) => logged.push(msg) } });
      exports.api.callHost('hi ✓ 🌍');
      exports.api.callHost('');
      out[how] = {
        byteLength: component.byteLength,
        imports: component.imports,
        exports: component.exports,
        add: exports.api.add(2, 3),
        wrapped: exports['example:bench/api@0.1.0'].add(0xffffffff, 1),
        noop: exports.api.noop() === undefined,
        logged,
      };
    }
    return out;
  });
  for (const how of ['url', 'bytes', 'response', 'blob']) {
    const r = result[how];
    expect(r.byteLength, how).toBe(result.byteLength);
    expect(r.add, how).toBe(5);
    expect(r.wrapped, `${how}: u32 wraps in the guest`).toBe(0);
    expect(r.noop, how).toBe(true);
    expect(r.logged, how).toEqual(['hi ✓ 🌍', '']);
    expect(r.imports, how).toEqual([{
      name: 'example:bench/host@0.1.0', kind: 'instance', versionless: 'example:bench/host',
      members: [{ name: 'log', jsName: 'log', kind: 'func' }], functions: ['log'], providedByWasi: false,
    }]);
    const functions = ['noop', 'add', 'call-host', 'echo-string', 'sum-bytes', 'sum-floats', 'string-length'];
    const jsNames = ['noop', 'add', 'callHost', 'echoString', 'sumBytes', 'sumFloats', 'stringLength'];
    expect(r.exports, how).toEqual([{
      name: 'example:bench/api@0.1.0', jsName: 'api', kind: 'instance', versionless: 'example:bench/api', functions,
      members: functions.map((name, i) => ({ name, jsName: jsNames[i], kind: 'func' })),
    }]);
  }
});

test('bench: strings round-trip (empty, non-BMP, 1 MiB) and a 16 MiB list<u8> is summed', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const component = await load('/components/bench.wasm');
    const { exports } = await component.instantiate({ 'example:bench/host': { log() {} } });
    const strings = ['', 'a', 'héllo wörld', '𝄞 clef and 🎉', '\u{10ffff}\0end', 'x'.repeat(1 << 20), '🎉'.repeat(1 << 18)];
    const echoed = strings.map((s) => exports.api.echoString(s) === s);

    const data = new Uint8Array(16 << 20);
    for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
    const started = performance.now();
    const sum = exports.api.sumBytes(data);
    return {
      echoed,
      sumType: typeof sum,
      sum: String(sum),
      expected: String(BigInt((16 << 20) / 256) * BigInt((255 * 256) / 2)),
      small: String(exports.api.sumBytes([1, 2, 3])),
      empty: String(exports.api.sumBytes(new Uint8Array())),
      ms: performance.now() - started,
      afterwards: exports.api.add(40, 2),
    };
  });
  expect(result.echoed).toEqual(result.echoed.map(() => true));
  expect(result.sumType).toBe('bigint');
  expect(result.sum).toBe(result.expected);
  expect(result.small).toBe('6');
  expect(result.empty).toBe('0');
  expect(result.afterwards).toBe(42);
});

test('bench: a missing import is a link error naming it', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const { failure } = window.harness;
    const component = await load('/components/bench.wasm');
    return {
      none: await failure(() => component.instantiate({})),
      member: await failure(() => component.instantiate({ 'example:bench/host': {} })),
    };
  });
  expect(result.none).toMatchObject({ isTerrariumError: true, kind: 'link' });
  expect(result.none.message).toMatch(/example:bench\/host/);
  expect(result.member).toMatchObject({ isTerrariumError: true, kind: 'link' });
  expect(result.member.message).toMatch(/log/);
});

test('bench: wit() prints the world and the api interface', async ({ page }) => {
  const wit = await page.evaluate(async () => (await window.terrarium.load('/components/bench.wasm')).wit());
  expect(wit).toMatch(/world \S+ \{/);
  expect(wit).toContain('import example:bench/host@0.1.0;');
  expect(wit).toContain('export example:bench/api@0.1.0;');
  expect(wit).toContain('add: func(a: u32, b: u32) -> u32;');
  expect(wit).toContain('sum-bytes: func(data: list<u8>) -> u64;');
});

/** Loads `types` into `window.rt` / `window.typesExports`, with host imports like the Node test's. */
async function loadTypes(page) {
  await page.evaluate(async () => {
    const { load, ComponentError } = window.terrarium;
    const component = await load('/components/types.wasm');
    window.hostCalls = [];
    const host = {
      getSeed: () => 0xfeedfacecafebeefn,
      'example:types/host-values': {
        makePoint: (x, y) => ({ x, y, label: `made by host ${x},${y}` }),
        failWith: (code) => {
          window.hostCalls.push(code);
          if (code !== 0) throw new ComponentError(`failed with ${code}`);
          return code;
        },
      },
    };
    const { exports } = await component.instantiate(host, { wasi: { stdout: () => {}, stderr: () => {} } });
    window.typesExports = exports;
    window.rt = exports.roundtrip;
    window.failures = [];
    /** Checks fn(value) deep-equals value (or `expected`), recording the difference if not. */
    window.echoes = (fn, values) => {
      for (const value of values) {
        try {
          const diff = window.harness.difference(fn(value), value);
          if (diff) window.failures.push(`${fn.name}(${window.harness.describe(value)}): ${diff}`);
        } catch (error) {
          window.failures.push(`${fn.name}(${window.harness.describe(value)}) threw ${error.name}: ${error.message}`);
        }
      }
    };
    window.same = (label, actual, expected) => {
      const diff = window.harness.difference(actual, expected);
      if (diff) window.failures.push(`${label}: ${diff}`);
    };
  });
}

test.describe('types: every canonical-ABI value type, with jco conventions', () => {
  test.beforeEach(async ({ page }) => loadTypes(page));

  test('world-level export and both names of the interface', async ({ page }) => {
    const result = await page.evaluate(() => ({
      version: window.typesExports.version(),
      sameFunction: window.typesExports['example:types/roundtrip@0.1.0'].echoU8 === window.rt.echoU8,
    }));
    expect(result).toEqual({ version: '0.1.0', sameFunction: true });
  });

  test('integers at their extremes, 64-bit as BigInt', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes } = window;
      echoes(rt.echoBool, [true, false]);
      echoes(rt.echoS8, [-128, -1, 0, 127]);
      echoes(rt.echoU8, [0, 1, 255]);
      echoes(rt.echoS16, [-32768, 32767]);
      echoes(rt.echoU16, [0, 65535]);
      echoes(rt.echoS32, [-(2 ** 31), 2 ** 31 - 1, 0]);
      echoes(rt.echoU32, [0, 2 ** 32 - 1]);
      echoes(rt.echoS64, [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n]);
      echoes(rt.echoU64, [0n, 2n ** 64n - 1n, 2n ** 53n + 1n]);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('floats: NaN, -0, infinities, f32 rounding', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes, same } = window;
      echoes(rt.echoF64, [0, -0, 1.5, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]);
      same('echoF64(NaN) is NaN', Number.isNaN(rt.echoF64(NaN)), true);
      same('echoF32(NaN) is NaN', Number.isNaN(rt.echoF32(NaN)), true);
      same('echoF32(-0)', rt.echoF32(-0), -0);
      same('echoF32(0.1)', rt.echoF32(0.1), Math.fround(0.1));
      same('echoF32(3.5)', rt.echoF32(3.5), 3.5);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('chars and strings, non-BMP included', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes } = window;
      echoes(rt.echoChar, ['a', 'é', '𝄞', '\0', '\u{10ffff}']);
      echoes(rt.echoString, ['', 'plain', 'ünïcödé', '🎉🎉', 'nul\0inside']);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('lists as typed arrays, lists of strings and nested lists', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes, same } = window;
      same('echoBytes', rt.echoBytes(new Uint8Array([0, 1, 255])), new Uint8Array([0, 1, 255]));
      same('echoBytes(empty)', rt.echoBytes(new Uint8Array()), new Uint8Array());
      same('echoListU32', rt.echoListU32(new Uint32Array([1, 2 ** 32 - 1])), new Uint32Array([1, 2 ** 32 - 1]));
      same('echoListU32(array)', rt.echoListU32([7, 8]), new Uint32Array([7, 8]));
      same('echoListF64', rt.echoListF64(new Float64Array([1.5, -0, Infinity])), new Float64Array([1.5, -0, Infinity]));
      echoes(rt.echoListString, [[], ['a', '', '🎉']]);
      same('echoListListU16', rt.echoListListU16([[1, 2], [], [65535]]), [new Uint16Array([1, 2]), new Uint16Array(), new Uint16Array([65535])]);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('records, tuples and lists of records', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, same } = window;
      const point = { x: -1, y: 2 ** 31 - 1, label: 'p' };
      same('echoPoint', rt.echoPoint(point), point);
      same('echoPoints', rt.echoPoints([point, { x: 0, y: 0, label: '' }]), [point, { x: 0, y: 0, label: '' }]);
      same('echoPoints([])', rt.echoPoints([]), []);
      const mixed = {
        a: 255, b: 2n ** 64n - 1n, c: 65535, d: 1.25, e: -128, f: -2.5, g: true, h: '𝄞',
        i: 'text', j: -(2n ** 63n), k: 4000000000, l: -32768, m: new Uint8Array([9, 8]), n: 7, o: -0.5,
      };
      same('echoMixed', rt.echoMixed(mixed), mixed);
      same('echoMixed(n: none)', rt.echoMixed({ ...mixed, n: undefined }), { ...mixed, n: undefined });
      same('echoTuple4', rt.echoTuple4([1, 2n ** 64n - 1n, 'four', 0.5]), [1, 2n ** 64n - 1n, 'four', 0.5]);
      same('echoTuple3', rt.echoTuple3([0, '', -1n]), [0, '', -1n]);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('more than 16 flat parameters travel through memory', async ({ page }) => {
    const sum = await page.evaluate(() =>
      window.rt.sumMany(1, -2, 3, -4, 5, -6, 7n, -8n, 0.5, 0.25, 11, -12, 13, -14, 15, -16, 17n, 0.125));
    expect(sum).toBe(1 - 2 + 3 - 4 + 5 - 6 + 7 - 8 + 0.5 + 0.25 + 11 - 12 + 13 - 14 + 15 - 16 + 17 + 0.125);
  });

  test('variants, enums, options and nested options', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes, same } = window;
      echoes(rt.echoShape, [
        { tag: 'circle', val: 1.5 },
        { tag: 'rectangle', val: { x: 1, y: 2, label: 'r' } },
        { tag: 'none' },
      ]);
      echoes(rt.echoColor, ['red', 'green', 'blue-ish']);
      echoes(rt.echoOptionU32, [undefined, 0, 42]);
      same('echoOptionU32(null) is none', rt.echoOptionU32(null), undefined);
      echoes(rt.echoOptionOptionString, [undefined, { tag: 'none' }, { tag: 'some', val: 'inner' }]);
      echoes(rt.echoOptionPoint, [undefined, { x: 3, y: 4, label: 'o' }]);
      echoes(rt.echoPayload, [
        { tag: 'small', val: 255 },
        { tag: 'big', val: 2n ** 64n - 1n },
        { tag: 'float', val: -1.5 },
        { tag: 'text', val: 'payload' },
        { tag: 'empty' },
      ]);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('results: ok returns the value, err throws ComponentError with the payload', async ({ page }) => {
    const result = await page.evaluate(async () => {
      const { rt } = window;
      const { failure } = window.harness;
      return {
        ok: rt.echoResult({ tag: 'ok', val: 5 }),
        err: await failure(() => rt.echoResult({ tag: 'err', val: 'bad' })),
        unitOk: rt.echoUnitResult({ tag: 'ok' }) === undefined,
        unitErr: await failure(() => rt.echoUnitResult({ tag: 'err' })),
        enumOk: rt.echoResultEnum({ tag: 'ok', val: 'fine' }),
        enumErr: await failure(() => rt.echoResultEnum({ tag: 'err', val: 'denied' })),
      };
    });
    expect(result.ok).toBe(5);
    expect(result.err).toMatchObject({ isComponentError: true, name: 'ComponentError', payload: '"bad"' });
    expect(result.unitOk).toBe(true);
    expect(result.unitErr).toMatchObject({ isComponentError: true });
    expect(result.unitErr.payload).toBeUndefined();
    expect(result.enumOk).toBe('fine');
    expect(result.enumErr).toMatchObject({ isComponentError: true, payload: '"denied"' });
  });

  test('flags as objects of booleans, up to 20 members', async ({ page }) => {
    const failures = await page.evaluate(() => {
      const { rt, echoes } = window;
      echoes(rt.echoPermissions, [
        { read: false, write: false, exec: false },
        { read: true, write: false, exec: true },
      ]);
      echoes(rt.echoManyFlags, [Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i % 3 === 0]))]);
      return window.failures;
    });
    expect(failures).toEqual([]);
  });

  test('imports: a world-level function, records and results from the host', async ({ page }) => {
    const result = await page.evaluate(async () => {
      const { rt } = window;
      return {
        seed: String(rt.callGetSeed()),
        point: rt.callMakePoint(-5, 6),
        ok: rt.callFailWith(0),
        err: await window.harness.failure(() => rt.callFailWith(7)),
        hostCalls: window.hostCalls,
      };
    });
    expect(result.seed).toBe(String(0xfeedfacecafebeefn));
    expect(result.point).toEqual({ x: -5, y: 6, label: 'made by host -5,6' });
    expect(result.ok).toBe(0);
    expect(result.err).toMatchObject({ isComponentError: true, payload: '"failed with 7"' });
    expect(result.hostCalls).toEqual([0, 7]);
  });

  test('invalid values are refused before reaching the guest; the instance goes on', async ({ page }) => {
    const result = await page.evaluate(async () => {
      const { rt } = window;
      const { failure } = window.harness;
      const cases = {
        u8Big: () => rt.echoU8(256),
        u8Negative: () => rt.echoU8(-1),
        s32Big: () => rt.echoS32(2 ** 31),
        u32Fraction: () => rt.echoU32(1.5),
        u64String: () => rt.echoU64('5'),
        u64Negative: () => rt.echoU64(-1n),
        charTwo: () => rt.echoChar('ab'),
        charEmpty: () => rt.echoChar(''),
        stringNumber: () => rt.echoString(5),
        colorUnknown: () => rt.echoColor('purple'),
        shapeUnknown: () => rt.echoShape({ tag: 'hexagon' }),
        pointMissing: () => rt.echoPoint({ x: 1, label: 'no y' }),
      };
      const out = {};
      for (const [name, call] of Object.entries(cases)) out[name] = await failure(call);
      out.u64Number = rt.echoU64(5) === 5n;
      out.after = rt.echoU8(200);
      return out;
    });
    expect(result.u8Big.message).toMatch(/echo-u8|echoU8/);
    expect(result.u8Negative.name).toBe('RangeError');
    expect(result.s32Big.name).toBe('RangeError');
    // The spec leaves the JS error type open: a TypeError or a RangeError, naming the function.
    for (const name of ['u32Fraction', 'u64String', 'u64Negative', 'charTwo', 'charEmpty', 'stringNumber', 'colorUnknown', 'shapeUnknown', 'pointMissing']) {
      expect(['TypeError', 'RangeError'], name).toContain(result[name].name);
      expect(result[name].message, name).toMatch(/roundtrip#echo/);
    }
    expect(result.u64Number, 'an integral number is accepted for u64').toBe(true);
    expect(result.after).toBe(200);
  });
});

test('hello: args, env and stdin in; stdout, stderr and exit code out', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { run, load } = window.terrarium;
    const stdout = window.harness.collector();
    const stderr = window.harness.collector();
    const { exitCode } = await run('/components/hello.wasm', {
      args: ['hello', 'x', 'y z', '🎉'],
      env: { A: '1', B: 'two' },
      stdin: 'piped in',
      stdout,
      stderr,
    });
    const hello = await load('/components/hello.wasm');
    const codes = [];
    for (const code of ['0', '3']) {
      codes.push((await run(hello, { args: ['hello', 'exit', code], stdout: () => {}, stderr: () => {} })).exitCode);
    }
    const envPairs = window.harness.collector();
    await run(hello, { env: [['A', 'pairs']], stdout: envPairs, stderr: () => {} });
    return { exitCode, stdout: stdout.text(), stderr: stderr.text(), codes, envPairs: envPairs.text() };
  });
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toBe('hello from wasi\narg: hello\narg: x\narg: y z\narg: 🎉\nenv A=1\nstdin: piped in\n');
  expect(result.stderr).toBe('to stderr\n');
  expect(result.codes).toEqual([0, 1]);
  expect(result.envPairs).toContain('env A=pairs\n');
});

test('hello: a panic is a trap, after the panic message reached stderr', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const stderr = window.harness.collector();
    const error = await window.harness.failure(() =>
      window.terrarium.run('/components/hello.wasm', { args: ['hello', 'panic'], stdout: () => {}, stderr }));
    return { error, stderr: stderr.text() };
  });
  expect(result.error).toMatchObject({ isTerrariumError: true, kind: 'trap' });
  expect(result.error.message).toMatch(/wasi:cli\/run/);
  expect(result.stderr).toMatch(/panic requested/);
});

test('exit-code: exit-with-code(42) gives 42', async ({ page }) => {
  const exitCode = await page.evaluate(async () =>
    (await window.terrarium.run('/components/exit-code.wasm', { stdout: () => {}, stderr: () => {} })).exitCode);
  expect(exitCode).toBe(42);
});

test('trap: a trap kills its instance only, and the page stays responsive', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const { failure } = window.harness;
    const trap = await load('/components/trap.wasm');
    const stderr = window.harness.collector();
    const doomed = await trap.instantiate({}, { wasi: { stdout: () => {}, stderr } });
    const bystander = await trap.instantiate({}, { wasi: { stdout: () => {}, stderr: () => {} } });
    const before = doomed.exports.api.ok();
    const boom = await failure(() => doomed.exports.api.boom());
    const dead = await failure(() => doomed.exports.api.ok());
    const deadAgain = await failure(() => doomed.exports.api.boom());
    const other = bystander.exports.api.ok();
    const fresh = (await trap.instantiate({}, { wasi: { stdout: () => {}, stderr: () => {} } })).exports.api.ok();
    const quitter = await trap.instantiate({}, { wasi: { stdout: () => {}, stderr: () => {} } });
    const quit = await failure(() => quitter.exports.api.quit(5));
    const quitDead = await failure(() => quitter.exports.api.ok());
    // Still responsive: timers and animation frames run.
    const tick = await new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => resolve('tick')), 10));
    return { before, boom, dead, deadAgain, other, fresh, quit, quitDead, tick, stderr: stderr.text() };
  });
  expect(result.before).toBe(7);
  expect(result.boom).toMatchObject({ isTerrariumError: true, name: 'TerrariumError', kind: 'trap' });
  expect(result.boom.message).toMatch(/boom/);
  expect(result.stderr).toMatch(/boom/);
  expect(result.dead).toMatchObject({ isTerrariumError: true, kind: 'dead' });
  expect(result.deadAgain).toMatchObject({ kind: 'dead' });
  expect(result.other).toBe(7);
  expect(result.fresh).toBe(7);
  expect(result.quit).toMatchObject({ isTerrariumError: true, kind: 'exit', exitCode: 1 });
  expect(result.quitDead).toMatchObject({ kind: 'dead' });
  expect(result.tick).toBe('tick');
  // The page itself still works.
  await expect(page.locator('#state')).toHaveText('ready');
  expect(await page.evaluate(() => document.title)).toContain('Terrarium');
});

test('garbage bytes are malformed at offset 0; a core module is not a component', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { load } = window.terrarium;
    const { failure } = window.harness;
    return {
      garbage: await failure(() => load(new TextEncoder().encode('this is not wasm at all'))),
      zeros: await failure(() => load(new Uint8Array(64))),
      core: await failure(() => load(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]))),
      missing: await failure(() => load('/components/no-such-component.wasm')),
    };
  });
  for (const name of ['garbage', 'zeros']) {
    expect(result[name], name).toMatchObject({ isTerrariumError: true, name: 'TerrariumError', kind: 'malformed', offset: 0 });
  }
  expect(result.core).toMatchObject({ isTerrariumError: true, kind: 'not-a-component' });
  expect(result.missing).toMatchObject({ isTerrariumError: true });
  expect(result.missing.message).toMatch(/404/);
});
