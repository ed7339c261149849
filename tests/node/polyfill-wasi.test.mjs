// Unit tests for the WASI 0.2 polyfill (polyfill-wasi/js), calling its JS API
// directly the way the runtime does. Run: node --test tests/node/polyfill-wasi.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { register } from 'node:module';

// cli.js imports WasiExit from js/errors.js, which the runtime owns. Until that
// file exists, resolve it to a stand-in with the same shape so these tests can
// run on their own; once it exists the real module is used unchanged.
register(
  'data:text/javascript,' +
    encodeURIComponent(`
      const stub = 'data:text/javascript,' + encodeURIComponent(
        'export class WasiExit extends Error { constructor(code) { super("exit " + code); this.name = "WasiExit"; this.code = code; } }');
      export async function resolve(specifier, context, next) {
        try { return await next(specifier, context); }
        catch (e) {
          if (e?.code === 'ERR_MODULE_NOT_FOUND' && specifier.endsWith('/js/errors.js')) {
            return { url: stub, shortCircuit: true };
          }
          throw e;
        }
      }`),
  import.meta.url,
);

const { createWasi, interfaces } = await import('../../polyfill-wasi/js/index.js');
const { WasiExit } = await import('../../js/errors.js');

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const enc = (s) => new TextEncoder().encode(s);
const dec = (b) => new TextDecoder().decode(b);

/** Runs fn and returns what it threw (fails if it returned). */
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
}

/** Replaces console[method] while fn runs, returning the printed lines. */
function captureConsole(method, fn) {
  const original = console[method];
  const lines = [];
  console[method] = (...a) => lines.push(a.join(' '));
  try {
    fn();
  } finally {
    console[method] = original;
  }
  return lines;
}

test('imports has exactly the advertised interfaces', async () => {
  const { createHttp } = await import('../../polyfill-wasi/js/http.js');
  const { imports } = createWasi({}, { http: createHttp });
  assert.deepEqual(Object.keys(imports).sort(), [...interfaces].sort());
  assert.equal(imports['wasi:io/error'].Error.name, 'IoError');
  assert.equal(new imports['wasi:io/error'].Error('boom').toDebugString(), 'boom');
  assert.equal(typeof imports['wasi:io/streams'].OutputStream, 'function');
  assert.equal(typeof imports['wasi:cli/terminal-input'].TerminalInput, 'function');
  assert.equal(typeof imports['wasi:cli/terminal-output'].TerminalOutput, 'function');
});

test('environment: args, env (object and pairs), cwd', () => {
  const { imports } = createWasi({ args: ['prog', 'a b'], env: { A: '1', B: 'two' } });
  const e = imports['wasi:cli/environment'];
  assert.deepEqual(e.getArguments(), ['prog', 'a b']);
  assert.deepEqual(e.getEnvironment(), [['A', '1'], ['B', 'two']]);
  assert.equal(e.initialCwd(), undefined);
  // Results are fresh copies: mutating one does not change the next.
  e.getArguments().push('x');
  assert.deepEqual(e.getArguments(), ['prog', 'a b']);

  const pairs = createWasi({ env: [['X', 'y'], ['X', 'z']] }).imports['wasi:cli/environment'];
  assert.deepEqual(pairs.getEnvironment(), [['X', 'y'], ['X', 'z']]);
  const empty = createWasi().imports['wasi:cli/environment'];
  assert.deepEqual(empty.getEnvironment(), []);
  assert.deepEqual(empty.getArguments(), []);
});

test('terminals: none', () => {
  const { imports } = createWasi();
  assert.equal(imports['wasi:cli/terminal-stdin'].getTerminalStdin(), undefined);
  assert.equal(imports['wasi:cli/terminal-stdout'].getTerminalStdout(), undefined);
  assert.equal(imports['wasi:cli/terminal-stderr'].getTerminalStderr(), undefined);
});

test('stdout callback receives exact bytes, as a copy', () => {
  const got = [];
  const { imports } = createWasi({ stdout: (b) => got.push(b) });
  const out = imports['wasi:cli/stdout'].getStdout();
  assert.ok(out instanceof imports['wasi:io/streams'].OutputStream);
  assert.equal(out.checkWrite(), 1048576n);
  const buf = new Uint8Array([0, 1, 2, 255, 0xe2, 0x82]);
  out.write(buf);
  buf.fill(9); // the runtime may reuse its view: the callback must have a copy
  out.blockingWriteAndFlush(enc('hi\n'));
  out.writeZeroes(3n);
  out.flush();
  out.blockingFlush();
  assert.deepEqual(got.map((b) => Array.from(b)), [[0, 1, 2, 255, 0xe2, 0x82], [104, 105, 10], [0, 0, 0]]);
  assert.ok(got.every((b) => b instanceof Uint8Array));
});

test('stderr callback is separate from stdout', () => {
  const out = [];
  const err = [];
  const { imports } = createWasi({ stdout: (b) => out.push(dec(b)), stderr: (b) => err.push(dec(b)) });
  imports['wasi:cli/stderr'].getStderr().blockingWriteAndFlush(enc('oops'));
  imports['wasi:cli/stdout'].getStdout().blockingWriteAndFlush(enc('fine'));
  assert.deepEqual(out, ['fine']);
  assert.deepEqual(err, ['oops']);
});

test('write beyond the check-write budget traps', () => {
  const { imports } = createWasi({ stdout: () => {} });
  const out = imports['wasi:cli/stdout'].getStdout();
  const e = thrown(() => out.write(new Uint8Array(1048577)));
  assert.ok(e instanceof Error && /budget/.test(e.message));
  out.write(new Uint8Array(1048576)); // exactly the budget is fine
});

test('console sink is line-buffered and flushes partial lines on flush and drop', () => {
  const { imports, flush } = createWasi();
  const lines = captureConsole('log', () => {
    const out = imports['wasi:cli/stdout'].getStdout();
    out.blockingWriteAndFlush(enc('hello '));
    out.blockingWriteAndFlush(enc('world\nsecond'));
    out.blockingWriteAndFlush(enc(' line\r\nthird'));
    out.blockingFlush(); // explicit flush emits the partial "third"
    out.write(enc('caf'));
    out.write(new Uint8Array([0xc3])); // "é" split across writes
    out.write(new Uint8Array([0xa9]));
    out[dispose](); // last handle dropped: emits "café"
    const again = imports['wasi:cli/stdout'].getStdout();
    again.write(enc('tail'));
    flush(); // embedder flush after the guest returns
  });
  assert.deepEqual(lines, ['hello world', 'second line', 'third', 'café', 'tail']);
});

test('stderr console sink uses console.error', () => {
  const { imports } = createWasi({ stderr: 'console' });
  let logged;
  const errors = captureConsole('error', () => {
    logged = captureConsole('log', () => {
      imports['wasi:cli/stderr'].getStderr().blockingWriteAndFlush(enc('bad\n'));
    });
  });
  assert.deepEqual(errors, ['bad']);
  assert.deepEqual(logged, []);
});

test('a throwing stdout callback closes the stream for this and later writes', () => {
  let calls = 0;
  const { imports } = createWasi({
    stdout: () => {
      calls++;
      throw new Error('reader gone');
    },
  });
  const out = imports['wasi:cli/stdout'].getStdout();
  assert.deepEqual(thrown(() => out.blockingWriteAndFlush(enc('a'))), { tag: 'closed' });
  assert.deepEqual(thrown(() => out.write(enc('b'))), { tag: 'closed' });
  assert.deepEqual(thrown(() => out.checkWrite()), { tag: 'closed' });
  assert.deepEqual(thrown(() => out.flush()), { tag: 'closed' });
  // A fresh handle sees the same closed sink, and the callback is not retried.
  const other = imports['wasi:cli/stdout'].getStdout();
  assert.deepEqual(thrown(() => other.write(enc('c'))), { tag: 'closed' });
  assert.equal(calls, 1);
  // Subscribing to a closed stream is still fine (immediately ready).
  assert.equal(other.subscribe().ready(), true);
});

test('stdin string is UTF-8, read in chunks, then closed', () => {
  const { imports } = createWasi({ stdin: 'héllo' });
  const input = imports['wasi:cli/stdin'].getStdin();
  assert.ok(input instanceof imports['wasi:io/streams'].InputStream);
  const a = input.read(2n);
  const b = input.blockingRead(100n);
  assert.deepEqual(Array.from(a), [0x68, 0xc3]);
  assert.equal(dec(new Uint8Array([...a, ...b])), 'héllo');
  assert.deepEqual(thrown(() => input.read(1n)), { tag: 'closed' });
  assert.deepEqual(thrown(() => input.blockingRead(1n)), { tag: 'closed' });
});

test('stdin bytes: shared position across handles, skip, huge len', () => {
  const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const { imports } = createWasi({ stdin: bytes });
  bytes[0] = 99; // later changes by the embedder do not leak in
  const s1 = imports['wasi:cli/stdin'].getStdin();
  assert.deepEqual(Array.from(s1.read(2n)), [1, 2]);
  s1[dispose](); // dropping one handle does not close stdin
  const s2 = imports['wasi:cli/stdin'].getStdin();
  assert.equal(s2.skip(1n), 1n);
  assert.deepEqual(Array.from(s2.read(0xffffffffffffffffn)), [4, 5, 6]);
  assert.deepEqual(thrown(() => s2.blockingSkip(1n)), { tag: 'closed' });
});

test('stdin undefined is closed at once', () => {
  const { imports } = createWasi();
  const input = imports['wasi:cli/stdin'].getStdin();
  assert.deepEqual(thrown(() => input.read(10n)), { tag: 'closed' });
  assert.equal(input.subscribe().ready(), true);
});

test('splice moves stdin to stdout', () => {
  const got = [];
  const { imports } = createWasi({ stdin: 'abcdef', stdout: (b) => got.push(dec(b)) });
  const input = imports['wasi:cli/stdin'].getStdin();
  const out = imports['wasi:cli/stdout'].getStdout();
  assert.equal(out.splice(input, 4n), 4n);
  assert.equal(out.blockingSplice(input, 100n), 2n);
  assert.deepEqual(thrown(() => out.splice(input, 1n)), { tag: 'closed' });
  assert.deepEqual(got, ['abcd', 'ef']);
});

test('exit: ok -> 0, err -> 1, exitWithCode(n) -> n, flushing console first', () => {
  const { imports } = createWasi();
  const ex = imports['wasi:cli/exit'];
  for (const [call, code] of [
    [() => ex.exit({ tag: 'ok' }), 0],
    [() => ex.exit({ tag: 'ok', val: undefined }), 0],
    [() => ex.exit({ tag: 'err' }), 1],
    [() => ex.exitWithCode(42), 42],
  ]) {
    const e = thrown(call);
    assert.ok(e instanceof WasiExit, 'throws WasiExit');
    assert.ok(e instanceof Error);
    assert.equal(e.code, code);
  }
  const lines = captureConsole('log', () => {
    imports['wasi:cli/stdout'].getStdout().write(enc('no newline'));
    thrown(() => ex.exit({ tag: 'ok' }));
  });
  assert.deepEqual(lines, ['no newline']);
});

test('one stream handle dispose does not affect another', () => {
  const got = [];
  const { imports } = createWasi({ stdout: (b) => got.push(dec(b)) });
  const a = imports['wasi:cli/stdout'].getStdout();
  const b = imports['wasi:cli/stdout'].getStdout();
  assert.notEqual(a, b);
  a.write(enc('1'));
  a[dispose]();
  a[dispose](); // idempotent
  b.write(enc('2'));
  imports['wasi:cli/stdout'].getStdout().write(enc('3'));
  assert.deepEqual(got, ['1', '2', '3']);
  assert.throws(() => a.write(enc('x')), /after drop/);
});

test('console sink: dropping one of two handles keeps the partial line', () => {
  const { imports } = createWasi();
  const lines = captureConsole('log', () => {
    const a = imports['wasi:cli/stdout'].getStdout();
    const b = imports['wasi:cli/stdout'].getStdout();
    a.write(enc('x'));
    a[dispose](); // b is still open: no line break yet
    b.write(enc('y\n'));
    b[dispose]();
  });
  assert.deepEqual(lines, ['xy']);
});

test('monotonic clock never decreases; wall clock shape', () => {
  const { imports } = createWasi();
  const mono = imports['wasi:clocks/monotonic-clock'];
  let prev = mono.now();
  assert.equal(typeof prev, 'bigint');
  for (let i = 0; i < 10000; i++) {
    const t = mono.now();
    assert.ok(t >= prev, `${t} < ${prev}`);
    prev = t;
  }
  assert.equal(typeof mono.resolution(), 'bigint');
  assert.ok(mono.resolution() > 0n);

  const wall = imports['wasi:clocks/wall-clock'];
  const now = wall.now();
  assert.equal(typeof now.seconds, 'bigint');
  assert.equal(typeof now.nanoseconds, 'number');
  assert.ok(now.nanoseconds >= 0 && now.nanoseconds < 1e9);
  assert.ok(Math.abs(Number(now.seconds) - Date.now() / 1000) < 5);
  assert.deepEqual(wall.resolution(), { seconds: 0n, nanoseconds: 1e6 });
});

test('random: lengths, chunking beyond 65536, u64s, fixed seed', () => {
  const { imports } = createWasi();
  const r = imports['wasi:random/random'];
  assert.equal(r.getRandomBytes(0n).length, 0);
  assert.equal(r.getRandomBytes(17n).length, 17);
  const big = r.getRandomBytes(200000n); // > 65536: needs several getRandomValues calls
  assert.ok(big instanceof Uint8Array);
  assert.equal(big.length, 200000);
  // Every chunk is filled, including the last partial one (all-zero 4 KiB is ~impossible).
  for (const off of [0, 65536, 131072, 196608]) {
    assert.ok(big.subarray(off, off + 3392).some((x) => x !== 0), `chunk at ${off} filled`);
  }
  // getRandomValues throws above 65536 bytes, so a 200000-byte request must be split.
  const sizes = [];
  const original = globalThis.crypto.getRandomValues;
  globalThis.crypto.getRandomValues = function (view) {
    sizes.push(view.byteLength);
    return original.call(this, view);
  };
  try {
    r.getRandomBytes(200000n);
  } finally {
    delete globalThis.crypto.getRandomValues;
  }
  assert.equal(globalThis.crypto.getRandomValues, original);
  assert.deepEqual(sizes, [65536, 65536, 65536, 3392]);
  assert.equal(typeof r.getRandomU64(), 'bigint');
  assert.ok(r.getRandomU64() < 2n ** 64n);
  assert.throws(() => r.getRandomBytes(2n ** 40n), RangeError);

  const ins = imports['wasi:random/insecure'];
  assert.equal(ins.getInsecureRandomBytes(70000n).length, 70000);
  assert.equal(typeof ins.getInsecureRandomU64(), 'bigint');

  const seed = imports['wasi:random/insecure-seed'].insecureSeed();
  assert.ok(Array.isArray(seed) && seed.length === 2);
  assert.equal(typeof seed[0], 'bigint');
  assert.deepEqual(imports['wasi:random/insecure-seed'].insecureSeed(), seed);
});

test('poll: ready indices, empty list traps, future timers refuse to block', () => {
  const { imports } = createWasi({ stdout: () => {} });
  const { poll, Pollable } = imports['wasi:io/poll'];
  const mono = imports['wasi:clocks/monotonic-clock'];

  const past = mono.subscribeInstant(0n);
  const zero = mono.subscribeDuration(0n);
  const future = mono.subscribeDuration(3600n * 1_000_000_000n);
  const stream = imports['wasi:cli/stdout'].getStdout().subscribe();
  for (const p of [past, zero, future, stream]) assert.ok(p instanceof Pollable);

  assert.equal(past.ready(), true);
  assert.equal(zero.ready(), true);
  assert.equal(future.ready(), false);
  assert.equal(stream.ready(), true);
  past.block(); // already due: returns at once
  stream.block();

  const ready = poll([future, past, future, stream]);
  assert.ok(ready instanceof Uint32Array);
  assert.deepEqual(Array.from(ready), [1, 3]);

  assert.throws(() => future.block(), /JSPI or a worker/);
  assert.throws(() => poll([future]), /JSPI or a worker/);
  assert.throws(() => poll([]), /empty/);
});

test('a short timer becomes ready once its time has passed', async () => {
  const { imports } = createWasi();
  const p = imports['wasi:clocks/monotonic-clock'].subscribeDuration(5_000_000n); // 5 ms
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(p.ready(), true);
  p.block();
  assert.deepEqual(Array.from(imports['wasi:io/poll'].poll([p])), [0]);
});

test('uses no Node built-ins (runs unchanged in a page or worker)', async () => {
  const { readFile } = await import('node:fs/promises');
  // host-*.js serve Node only, but are handed node:fs (js/platform-node.js) rather than import it.
  const files = ['index.js', 'cli.js', 'clocks.js', 'random.js', 'io.js', 'wait.js', 'http.js', 'filesystem.js', 'fs-codes.js'];
  files.push(...['fields', 'requests', 'responses', 'errors', 'handler'].map((part) => `http/${part}.js`));
  for (const f of [...files, 'host-dir.js', 'host-errors.js', 'host-path.js', 'host-streams.js']) {
    const src = await readFile(new URL(`../../polyfill-wasi/js/${f}`, import.meta.url), 'utf8');
    assert.doesNotMatch(src, /from\s+['"]node:|require\(|\bprocess\.|\bBuffer\b/, f);
  }
});
