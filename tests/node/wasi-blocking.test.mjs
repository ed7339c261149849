// Blocking in Node: `blocking: 'worker'` (the guest runs in a worker_threads Worker and waits with
// Atomics.wait while this thread works), `blocking: 'none'` (a wait traps, saying why), the
// virtual clock (waits take no time, in any mode), and the guests of tests/guests that check
// clocks (wasi-clocks), poll (wasi-poll), stdin from a ReadableStream (wasi-stdin) and the
// configuration options (wasi-config). Node has no JSPI: that path is tested in Chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilesystem, features, load, run, TerrariumError } from '../../js/index.js';
import { createWasi, mayWait, waitingFunctions } from '../../polyfill-wasi/js/index.js';
import { idleWorkerCount } from '../../js/worker/host.js';
import { collector, guestBytes } from './support.mjs';

const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const enc = new TextEncoder();

/** Runs guest `name` and returns its exit code and stdout; fails the test on a FAIL line. */
async function runGuest(name, options = {}) {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(await guestBytes(name), { stdout, stderr, ...options });
  const text = stdout.text();
  const failures = text.split('\n').filter((l) => l.startsWith('FAIL'));
  assert.deepEqual(failures, [], `${name}: ${text}\n${stderr.text()}`);
  assert.equal(exitCode, 0, `${name} exit code\n${text}\n${stderr.text()}`);
  return { text, passed: text.split('\n').filter((l) => l.startsWith('ok ')).length, stderr: stderr.text() };
}

/** A ReadableStream that delivers `parts` one by one, `delay` ms apart. */
function slowStream(parts, delay = 20) {
  return new ReadableStream({
    async start(controller) {
      for (const part of parts) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        controller.enqueue(enc.encode(part));
      }
      controller.close();
    },
  });
}

const isTrap = (pattern) => (e) => e instanceof TerrariumError && e.kind === 'trap' && pattern.test(e.message);

test('Node offers the worker, not JSPI', () => {
  assert.equal(features.workerBlocking, true);
  assert.equal(features.jspi, false);
});

test('worker: wasi-clocks, timers really wait', async () => {
  const started = performance.now();
  const { passed } = await runGuest('wasi-clocks', { blocking: 'worker' });
  assert.equal(passed, 13);
  assert.ok(performance.now() - started >= 130, 'the guest waited 50 + 30 + 20 + 40 ms');
});

test('worker: wasi-poll, poll returns exactly the ready indices', async () => {
  const { passed, text, stderr } = await runGuest('wasi-poll', { blocking: 'worker' });
  assert.equal(passed, 14, `${text}\n${stderr}`);
});

test('virtual clock: every wait lands exactly on its deadline and takes no time, with or without a worker', async () => {
  // Under 'none' a real wait would trap ("would have to wait"), so finishing at all proves the
  // virtual waits took no real time.
  for (const blocking of ['none', 'worker']) {
    const clocks = { monotonic: 'virtual', wall: new Date(1_700_000_000_000) };
    const { text } = await runGuest('wasi-clocks', { blocking, clocks, env: { VIRTUAL: '1', WALL_START: '1700000000' } });
    assert.match(text, /^monotonic elapsed: 140000000 ns$/m, blocking);
    await runGuest('wasi-poll', { blocking, clocks, env: { VIRTUAL: '1' } });
  }
});

test('none: a wait traps, naming the call and saying JSPI or a worker is needed; the instance is dead', async () => {
  const component = await load(await guestBytes('wasi-clocks'));
  const instance = await component.instantiate({}, { wasi: { stdout: () => {} } });
  assert.equal(instance.blocking, 'none');
  const run = instance.exports['wasi:cli/run@0.2.0'].run;
  assert.throws(
    () => run(),
    isTrap(/`wasi:io\/poll#\[method\]pollable\.block` would have to wait for a timer due in [\d.]+ ms; waiting needs JSPI or a worker \(`blocking: 'jspi'` or `'worker'`\), and this instance has `blocking: 'none'`/),
  );
  assert.throws(() => run(), (e) => e.kind === 'dead');
  // run() picks a worker for it instead.
  assert.deepEqual(await run_(component), { exitCode: 0 });
});

const run_ = (component) => run(component, { stdout: () => {} });

test('none: poll over future timers traps with poll named; ready ones never wait', () => {
  const { imports } = createWasi();
  const { poll } = imports['wasi:io/poll'];
  const mono = imports['wasi:clocks/monotonic-clock'];
  const future = mono.subscribeDuration(3_600_000_000_000n);
  assert.throws(() => poll([future, future]), /`wasi:io\/poll#poll` would have to wait for any of 2 pollables \(the first: a timer due in/);
  assert.deepEqual([...poll([future, mono.subscribeDuration(0n)])], [1]);
  assert.throws(() => poll([]), /empty list/);
});

test('async waits: poll resolves with exactly the ready indices once the earliest timer is due', async () => {
  const { imports } = createWasi({}, { wait: 'async' });
  const { poll } = imports['wasi:io/poll'];
  const mono = imports['wasi:clocks/monotonic-clock'];
  const late = mono.subscribeDuration(400_000_000n);
  const soon = mono.subscribeDuration(30_000_000n);
  const start = mono.now();
  const result = poll([late, soon, late]);
  assert.ok(result instanceof Promise, 'nothing is ready: a promise');
  assert.deepEqual([...(await result)], [1]);
  assert.ok(mono.now() - start >= 30_000_000n);
  assert.deepEqual([...poll([soon])], [0], 'a ready pollable: no promise');
  assert.equal(soon.block(), undefined);
  await late.block();
  assert.equal(late.ready(), true);
});

test('worker: stdin from a ReadableStream, read as it arrives (std, lines, raw reads with waits, skip)', async () => {
  const parts = ['first line\n', 'second ', 'line\n', `${'x'.repeat(200)}\n`, 'last'];
  for (const mode of ['std', 'lines', 'raw', 'skip']) {
    const { text } = await runGuest('wasi-stdin', {
      blocking: 'worker',
      args: ['wasi-stdin', mode],
      env: { EXPECT: parts.join(''), EXPECT_WAIT: '1' },
      stdin: slowStream(parts),
    });
    if (mode === 'lines') assert.match(text, /^line: second line$/m);
  }
});

test('none: stdin from a ReadableStream traps at the first read that would wait', async () => {
  const component = await load(await guestBytes('wasi-stdin'));
  const instance = await component.instantiate({}, { wasi: { args: ['wasi-stdin', 'std'], stdin: slowStream(['x']), stdout: () => {} } });
  assert.throws(
    () => instance.exports['wasi:cli/run@0.2.0'].run(),
    isTrap(/`wasi:io\/streams#\[method\]input-stream\.blocking-read` would have to wait for data from stdin \(a ReadableStream\)/),
  );
  instance[dispose]();
});

test('auto: none for a component that can never wait, the worker for one that can (Node has no JSPI)', async () => {
  const bench = await load(await guestBytes('bench'));
  const plain = await bench.instantiate({ 'example:bench/host': { log() {} } }, { blocking: 'auto' });
  assert.equal(plain.blocking, 'none');
  assert.equal(plain.exports.api.add(1, 2), 3, 'exports stay synchronous');
  const clocks = await load(await guestBytes('wasi-clocks'));
  const waiting = await clocks.instantiate({}, { blocking: 'auto', wasi: { stdout: () => {} } });
  assert.equal(waiting.blocking, 'worker');
  waiting[dispose]();
  // stdin as a ReadableStream makes a reader of stdin one that can wait.
  const hello = await load(await guestBytes('hello'));
  const streamed = await hello.instantiate({}, { blocking: 'auto', wasi: { stdin: slowStream([]) } });
  assert.equal(streamed.blocking, 'worker');
  streamed[dispose]();
  assert.equal((await hello.instantiate({}, { blocking: 'auto', wasi: { stdin: 'bytes' } })).blocking, 'none');
});

test('the blocking option is checked; JSPI is refused where the engine has none', async () => {
  const bench = await load(await guestBytes('bench'));
  await assert.rejects(bench.instantiate({}, { blocking: 'sometimes' }), (e) => e instanceof TypeError && /blocking must be one of 'none', 'jspi', 'worker', 'auto'/.test(e.message));
  await assert.rejects(
    bench.instantiate({ 'example:bench/host': { log() {} } }, { blocking: 'jspi' }),
    (e) => e instanceof TerrariumError && e.kind === 'unsupported' && /no JSPI/.test(e.message),
  );
});

test('worker: exports return promises; host imports run on this thread; values cross both ways', async () => {
  const bench = await load(await guestBytes('bench'));
  const logged = [];
  const instance = await bench.instantiate({ 'example:bench/host': { log: (msg) => logged.push(msg) } }, { blocking: 'worker' });
  assert.equal(instance.blocking, 'worker');
  const sum = instance.exports.api.add(20, 22);
  assert.ok(sum instanceof Promise);
  assert.equal(await sum, 42);
  await instance.exports.api.callHost('héllo from the worker 😀');
  assert.deepEqual(logged, ['héllo from the worker 😀']);
  assert.equal(instance.exports.api, instance.exports['example:bench/api@0.1.0'], 'one object under both names');
  instance[dispose]();
  await assert.rejects(instance.exports.api.add(1, 2), (e) => e.kind === 'dead');
});

/** Resolves once `condition()` holds, checking every 10 ms (at most 3000 times: then it fails). */
async function until(condition, what) {
  for (let i = 0; i < 3000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(condition(), what);
}

test('worker: a worker whose instance was disposed between calls takes the next instance, which starts fresh; one disposed mid-call ends', async () => {
  const resources = await load(await guestBytes('resources'));
  class Blob {
    write() {}
    read() {}
    size() {}
    static concat() {}
  }
  const host = { 'example:resources/host': { log() {}, Blob, consume() {}, consumeTwo() {}, borrowThenOwn() {}, peek() {} } };
  const first = await resources.instantiate(host, { blocking: 'worker' });
  const { Counter } = first.exports.api;
  const counters = [await new Counter(1), await new Counter(2)];
  assert.equal(await first.exports.api.live(), 2);
  const idle = idleWorkerCount();
  first[dispose]();
  await until(() => idleWorkerCount() === idle + 1, 'the worker went back to the pool');
  // The next instance runs in that worker, from a fresh start: none of the first one's counters.
  const second = await resources.instantiate(host, { blocking: 'worker' });
  assert.equal(idleWorkerCount(), idle);
  assert.equal(await second.exports.api.live(), 0);
  assert.equal(await (await new second.exports.api.Counter(5)).get(), 5);
  // The first instance's objects are dead, and dropping them does not reach the second's.
  await assert.rejects(counters[0].get(), (e) => e.kind === 'dead');
  counters.forEach((c) => c[dispose]());
  assert.equal(await second.exports.api.live(), 1);
  second[dispose]();
  await until(() => idleWorkerCount() === idle + 1, 'the worker went back to the pool again');

  // Mid-call (a host import that never answers): the worker is ended, not kept.
  const bench = await load(await guestBytes('bench'));
  const stuck = await bench.instantiate({ 'example:bench/host': { log: () => new Promise(() => {}) } }, { blocking: 'worker' });
  const call = stuck.exports.api.callHost('never answered');
  const before = idleWorkerCount();
  stuck[dispose]();
  await assert.rejects(call, (e) => e.kind === 'dead');
  const after = await bench.instantiate({ 'example:bench/host': { log() {} } }, { blocking: 'worker' });
  assert.equal(await after.exports.api.add(2, 3), 5);
  after[dispose]();
  await until(() => idleWorkerCount() === before, 'only the worker of the instance disposed between calls was kept');
});

test('worker: a missing import is a link error before any worker starts', async () => {
  const bench = await load(await guestBytes('bench'));
  await assert.rejects(bench.instantiate({}, { blocking: 'worker' }), (e) => e.kind === 'link' && /example:bench\/host/.test(e.message));
});

test('worker: traps and exits come back as in the page, and the instance is dead after', async () => {
  const trap = await load(await guestBytes('trap'));
  const instance = await trap.instantiate({}, { blocking: 'worker' });
  const { api } = instance.exports;
  assert.equal(await api.ok(), 7);
  await assert.rejects(api.boom(), (e) => e instanceof TerrariumError && e.kind === 'trap' && /^trap in `example:trap\/api#boom`: /.test(e.message));
  await assert.rejects(api.ok(), (e) => e instanceof TerrariumError && e.kind === 'dead');
  instance[dispose]();

  const quitting = await trap.instantiate({}, { blocking: 'worker', wasi: { stdout: () => {}, stderr: () => {} } });
  await assert.rejects(quitting.exports.api.quit(7), (e) => e instanceof TerrariumError && e.kind === 'exit' && e.exitCode === 1);
  quitting[dispose]();

  const stdout = collector();
  assert.deepEqual(await run(await guestBytes('hello'), { blocking: 'worker', args: ['hello', 'exit', '3'], stdout, stderr: () => {} }), { exitCode: 1 });
  assert.match(stdout.text(), /hello from wasi/, 'output written before the exit arrives');
});

test('worker: exported resources (await new Class()) and host resources cross as references', async () => {
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
  const host = { log: (m) => log.push(m), Blob, consume: (b) => b.size(), consumeTwo: (a, b) => a.size() + b.size(), borrowThenOwn: (a, b) => a.size() + b.size(), peek: (b) => b.size() * 10 };
  const component = await load(await guestBytes('resources'));
  const instance = await component.instantiate({ 'example:resources/host': host }, { blocking: 'worker' });
  const { api } = instance.exports;
  const a = await new api.Counter(2);
  assert.ok(a instanceof api.Counter);
  assert.equal(await a.add(3), 5);
  const b = await new api.Counter(40);
  assert.equal(await api.Counter.sum(a, b), 45);
  const dup = await b.duplicate();
  assert.equal(await dup.label(), "c40'");
  assert.equal(await a.swallow(dup), 45);
  assert.deepEqual(log, ["drop c40'"]);
  const many = await api.Counter.many(3);
  assert.equal(many.length, 3);
  assert.equal(await many[2].get(), 2);
  // Host objects go in by reference and come back as themselves.
  const blob = new Blob([1, 2, 3, 4]);
  assert.equal(await api.blobSize(blob), 4);
  assert.equal(await api.blobTake(blob), 4);
  const made = await api.blobMake(new Uint8Array([9, 9]));
  assert.ok(made instanceof Blob);
  assert.deepEqual(made.data, [9, 9]);
  assert.deepEqual([...(await api.blobRoundtrip(new Uint8Array([1, 2, 3])))], [1, 2, 3, 33]);
  await a[dispose]();
  assert.equal(log.at(-1), 'drop c2');
  assert.equal(await api.live(), 4);
  instance[dispose]();
});

test('worker: filesystems stay on this thread; the wasi-fs guest passes every check through them', async () => {
  const data = await createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } });
  const ro = await createFilesystem({ 'readme.txt': 'read only' });
  const other = await createFilesystem();
  const { passed } = await runGuest('wasi-fs', {
    blocking: 'worker',
    args: ['wasi-fs'],
    preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': other },
  });
  assert.ok(passed > 100);
  assert.equal(data.readText('result.txt'), `${passed} passed, 0 failed\n`);
  assert.equal(other.readText('cross.txt'), 'other fs');
});

test('worker: stdout and stderr reach the callbacks in order; a throwing callback closes the stream', async () => {
  const lines = [];
  const { exitCode } = await run(await guestBytes('hello'), {
    blocking: 'worker',
    args: ['hello', 'a'],
    stdout: (b) => lines.push(`out ${new TextDecoder().decode(b)}`),
    stderr: (b) => lines.push(`err ${new TextDecoder().decode(b)}`),
  });
  assert.equal(exitCode, 0);
  assert.ok(lines.join('').startsWith('out hello from wasi\n'), lines.join(''));
  assert.ok(lines.includes('err to stderr\n'));
  // A throwing callback closes stdout; the guest learns it at the same write as without a worker.
  for (const blocking of ['none', 'worker']) {
    let calls = 0;
    const stderr = collector();
    const failure = await run(await guestBytes('hello'), {
      blocking,
      stdout: () => {
        calls++;
        throw new Error('reader gone');
      },
      stderr,
    }).catch((e) => e);
    assert.equal(calls, 1, blocking);
    assert.equal(failure.kind, 'trap', blocking);
    assert.match(stderr.text(), /failed printing to stdout: Broken pipe/, blocking);
  }
});

test('configuration: args, env, cwd, a seeded random and a virtual clock make a run repeat exactly, in both modes', async () => {
  const options = {
    args: ['cfg', 'a b'],
    env: { X: '1' },
    cwd: '/work',
    clocks: { monotonic: 'virtual', wall: new Date('2024-01-02T03:04:05.678Z') },
    random: { seed: 42 },
  };
  const outputs = [];
  for (const blocking of ['none', 'worker', 'none']) {
    const stdout = collector();
    assert.deepEqual(await run(await guestBytes('wasi-config'), { ...options, blocking, stdout }), { exitCode: 0 });
    outputs.push(stdout.text());
  }
  assert.equal(outputs[1], outputs[0]);
  assert.equal(outputs[2], outputs[0]);
  const text = outputs[0];
  assert.match(text, /^args: \["cfg", "a b"\]$/m);
  assert.match(text, /^env: \[\("X", "1"\)\]$/m);
  assert.match(text, /^cwd: Some\("\/work"\)$/m);
  assert.match(text, /^monotonic: 0$/m);
  assert.match(text, /^wall: 1704164645\.678000000$/m);
  assert.match(text, /^monotonic after sleep: 1500000000$/m);
  assert.match(text, /^wall after sleep: 1704164647\.178000000$/m);
  // A different seed, different numbers; no cwd: none.
  const stdout = collector();
  await run(await guestBytes('wasi-config'), { ...options, cwd: undefined, random: { seed: 43 }, blocking: 'none', stdout });
  assert.notEqual(stdout.text().match(/^random u64: .*$/m)[0], text.match(/^random u64: .*$/m)[0]);
  assert.match(stdout.text(), /^cwd: None$/m);
});

test('configuration: clock and random functions are called for every value (in the page when the guest is in a worker)', async () => {
  for (const blocking of ['none', 'worker']) {
    let calls = 0;
    const stdout = collector();
    await run(await guestBytes('wasi-config'), {
      blocking,
      stdout,
      clocks: { wall: () => new Date(86_400_000), monotonic: 'virtual' },
      random: {
        bytes: (n) => {
          calls++;
          return new Uint8Array(n).fill(7);
        },
      },
    });
    assert.match(stdout.text(), /^wall: 86400\.000000000$/m, blocking);
    assert.match(stdout.text(), /^random bytes: 070707070707070707070707$/m);
    assert.match(stdout.text(), /^random u64: 506381209866536711 506381209866536711$/m);
    assert.ok(calls >= 5, `${blocking}: ${calls} calls`);
  }
});

test('configuration options are checked', () => {
  assert.throws(() => createWasi({ clocks: { monotonic: 'fast' } }), /clocks\.monotonic/);
  assert.throws(() => createWasi({ clocks: { wall: 'noon' } }), /clocks\.wall/);
  assert.throws(() => createWasi({ random: { seed: 1.5 } }), /random\.seed/);
  assert.throws(() => createWasi({ cwd: 7 }), /cwd/);
  assert.throws(() => createWasi({ stdin: 42 }), /stdin/);
  assert.equal(createWasi({ cwd: '/x' }).imports['wasi:cli/environment'].initialCwd(), '/x');
  assert.equal(createWasi().imports['wasi:cli/environment'].initialCwd(), undefined);
});

test('JSPI suspends only on the imports that may wait: poll always, stream calls only with HTTP or a stdin stream', () => {
  const cli = ['wasi:io/poll@0.2.6', 'wasi:io/streams@0.2.6', 'wasi:cli/stdin@0.2.6', 'wasi:clocks/monotonic-clock@0.2.6'];
  assert.deepEqual([...waitingFunctions(cli)].sort(), ['wasi:io/poll#[method]pollable.block', 'wasi:io/poll#poll']);
  const streamed = waitingFunctions(cli, { stdin: new ReadableStream() });
  assert.ok(streamed.has('wasi:io/streams#[method]input-stream.blocking-read'));
  assert.ok(streamed.has('wasi:io/streams#[method]input-stream.blocking-skip'));
  assert.ok(!streamed.has('wasi:io/streams#[method]output-stream.blocking-flush'), 'stdout never waits');
  const http = waitingFunctions([...cli, 'wasi:http/types@0.2.4', 'wasi:http/outgoing-handler@0.2.4']);
  for (const f of ['blocking-write-and-flush', 'blocking-flush', 'blocking-write-zeroes-and-flush', 'blocking-splice']) {
    assert.ok(http.has(`wasi:io/streams#[method]output-stream.${f}`), f);
  }
  assert.ok(!http.has('wasi:clocks/monotonic-clock#now') && !http.has('wasi:io/streams#[method]output-stream.write'));

  // Whether a component can wait at all (else 'auto' is 'none').
  const imports = (name, functions) => [{ name, functions }];
  assert.equal(mayWait(imports('wasi:clocks/monotonic-clock@0.2.6', ['now'])), false);
  assert.equal(mayWait(imports('wasi:clocks/monotonic-clock@0.2.6', ['now', 'subscribe-duration'])), true);
  assert.equal(mayWait(imports('wasi:http/outgoing-handler@0.2.0', ['handle'])), true);
  assert.equal(mayWait(imports('wasi:cli/stdin@0.2.6', ['get-stdin'])), false);
  assert.equal(mayWait(imports('wasi:cli/stdin@0.2.6', ['get-stdin']), { stdin: new ReadableStream() }), true);
});
