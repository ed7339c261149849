// WASI 0.3 (polyfill-wasi/js/p3/). Two kinds of tests:
// - at the JS level, the host functions called the way the runtime calls them (a stream is a
//   ReadableStream, an async iterable or an array; a future is a promise);
// - end to end, the wasi-p3 guest (tests/guests/wasi-p3, built with the `wasip3` crate): clocks,
//   random, environment, terminals, sockets and the filesystem, then stdio, file streams and
//   read-directory through `stream<T>`, a trap mid-write, and a 0.2 guest sharing one Filesystem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilesystem, load, run } from '../../js/index.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { WasiExit } from '../../js/errors.js';
import { collector, guestBytes } from './support.mjs';

const enc = (s) => new TextEncoder().encode(s);
const dec = (chunks) => new TextDecoder().decode(Buffer.concat(chunks.map((c) => Buffer.from(c))));
const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');
const OK = { tag: 'ok', val: undefined };

/** Every item of a ReadableStream. */
async function drain(stream) {
  const items = [];
  for await (const item of stream) items.push(item);
  return items;
}

/** A ReadableStream of `chunks` that the test can hold open (`release()` lets it end). */
function heldStream(chunks) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  const stream = new ReadableStream({
    async start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      await released;
      controller.close();
    },
  });
  return { stream, release };
}

test('stdout and stderr: write-via-stream goes to the same sinks as 0.2, from any stream value', async () => {
  const stdout = collector();
  const stderr = collector();
  const { imports } = createWasi({ stdout, stderr });
  const out = imports['wasi:cli/stdout@0.3'];
  assert.deepEqual(await out.writeViaStream(new ReadableStream({ start: (c) => (c.enqueue(enc('a ')), c.close()) })), OK);
  assert.deepEqual(await out.writeViaStream([enc('b ')]), OK);
  assert.deepEqual(await out.writeViaStream((async function* () { yield enc('c'); })()), OK);
  imports['wasi:cli/stdout'].getStdout().blockingWriteAndFlush(enc(' and 0.2'));
  assert.deepEqual(await imports['wasi:cli/stderr@0.3'].writeViaStream([enc('oops')]), OK);
  assert.equal(stdout.text(), 'a b c and 0.2');
  assert.equal(stderr.text(), 'oops');
});

test('stdout: a console line is printed whole, and the last stream ending prints the rest', async (t) => {
  const lines = t.mock.method(console, 'log', () => {});
  const { imports } = createWasi({});
  const { stream, release } = heldStream([enc('hel'), enc('lo\nwor')]);
  const done = imports['wasi:cli/stdout@0.3'].writeViaStream(stream);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(lines.mock.calls.map((c) => c.arguments[0]), ['hello']);
  release();
  assert.deepEqual(await done, OK);
  assert.deepEqual(lines.mock.calls.map((c) => c.arguments[0]), ['hello', 'wor']);
});

test('stdout: a reader that is gone (the callback throws) is a broken pipe', async () => {
  const { imports } = createWasi({ stdout: () => { throw new Error('gone'); } });
  assert.deepEqual(await imports['wasi:cli/stdout@0.3'].writeViaStream([enc('x'), enc('y')]), { tag: 'err', val: 'pipe' });
});

test('stdin: read-via-stream reads the stdin option, bytes or a ReadableStream as it arrives', async () => {
  const [bytes, ended] = createWasi({ stdin: 'from bytes' }).imports['wasi:cli/stdin@0.3'].readViaStream();
  assert.equal(dec(await drain(bytes)), 'from bytes');
  assert.deepEqual(await ended, OK);

  const { stream, release } = heldStream([enc('first ')]);
  const [live, liveEnded] = createWasi({ stdin: stream }).imports['wasi:cli/stdin@0.3'].readViaStream();
  const reader = live.getReader();
  assert.equal(dec([(await reader.read()).value]), 'first ');
  release();
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(await liveEnded, OK);
});

test('environment, exit and terminals: the 0.2 options, one exit', () => {
  const { imports } = createWasi({ args: ['p', 'q'], env: { A: '1' }, cwd: '/here' });
  const env = imports['wasi:cli/environment@0.3'];
  assert.deepEqual(env.getArguments(), ['p', 'q']);
  assert.deepEqual(env.getEnvironment(), [['A', '1']]);
  assert.equal(env.getInitialCwd(), '/here');
  assert.throws(() => imports['wasi:cli/exit@0.3'].exitWithCode(9), (e) => e instanceof WasiExit && e.code === 9);
  assert.throws(() => imports['wasi:cli/exit@0.3'].exit({ tag: 'err' }), (e) => e instanceof WasiExit && e.code === 1);
  for (const name of ['stdin', 'stdout', 'stderr']) {
    const get = imports[`wasi:cli/terminal-${name}@0.3`][`getTerminal${name[0].toUpperCase()}${name.slice(1)}`];
    assert.equal(get(), undefined, name);
  }
});

test('clocks: wait-for and wait-until end no earlier than their deadlines, without blocking the host\'s timers', async () => {
  // Real time on a shared machine: only what holds however long the machine stalls is asserted.
  // The host's timer is armed first and due first, so it fires before any wait that did not
  // block this thread; a wait that blocked would settle before it.
  const clocks = createWasi({}).imports['wasi:clocks/monotonic-clock@0.3'];
  const ended = [];
  const end = (what, due) => () => ended.push({ what, at: clocks.now(), due });
  const host = new Promise((resolve) => setTimeout(resolve, 1)).then(() => ended.push({ what: 'host 1 ms' }));
  const start = clocks.now();
  const waitFor = clocks.waitFor(40_000_000n);
  assert.ok(waitFor instanceof Promise, 'a wait for the future is a promise');
  // Undefined only if the machine stalled 20 ms since `start`: it is due already, and ends first.
  const waitUntil = clocks.waitUntil(start + 20_000_000n);
  await Promise.all([
    host,
    waitFor.then(end('wait-for 40 ms', start + 40_000_000n)),
    Promise.resolve(waitUntil).then(end('wait-until +20 ms', start + 20_000_000n)),
  ]);
  const expected = waitUntil === undefined ? ['wait-until +20 ms', 'host 1 ms'] : ['host 1 ms', 'wait-until +20 ms'];
  assert.deepEqual(ended.map((e) => e.what), [...expected, 'wait-for 40 ms']);
  for (const { what, at, due } of ended.filter((e) => e.due !== undefined)) assert.ok(at >= due, `${what} ended ${due - at} ns early`);
  assert.equal(clocks.waitUntil(0n), undefined, 'a past deadline returns at once');
  assert.ok(clocks.getResolution() > 0n);
});

test('clocks: a virtual clock makes waits instant and exact, for 0.2 and 0.3 alike', async () => {
  const { imports } = createWasi({ clocks: { monotonic: 'virtual', wall: new Date(1_000_000_000_000) } });
  const clocks = imports['wasi:clocks/monotonic-clock@0.3'];
  await clocks.waitFor(3_600_000_000_000n);
  assert.equal(clocks.now(), 3_600_000_000_000n);
  assert.equal(imports['wasi:clocks/monotonic-clock'].now(), 3_600_000_000_000n);
  assert.deepEqual(imports['wasi:clocks/system-clock@0.3'].now(), { seconds: 1_000_003_600n, nanoseconds: 0 });
  assert.equal(imports['wasi:clocks/system-clock@0.3'].getResolution(), 1_000_000n);
  assert.throws(() => clocks.waitFor(-1n), RangeError);
});

test('clocks: concurrent waits on a virtual clock end in deadline order, each at its deadline', async () => {
  const clocks = createWasi({ clocks: { monotonic: 'virtual' } }).imports['wasi:clocks/monotonic-clock@0.3'];
  const ended = [];
  const wait = (ns) => Promise.resolve(clocks.waitFor(ns)).then(() => ended.push([ns, clocks.now()]));
  await Promise.all([wait(300n), wait(100n), wait(200n), wait(100n)]);
  assert.deepEqual(ended, [[100n, 100n], [100n, 100n], [200n, 200n], [300n, 300n]]);
});

test('timezone: the page\'s IANA zone and its UTC offset in nanoseconds', () => {
  const tz = createWasi({}).imports['wasi:clocks/timezone@0.3'];
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  assert.equal(tz.ianaId(), zone);
  assert.equal(tz.toDebugString(), zone);
  const when = { seconds: 1_700_000_000n, nanoseconds: 0 };
  assert.equal(tz.utcOffset(when), BigInt(-new Date(1_700_000_000_000).getTimezoneOffset()) * 60_000_000_000n);
  assert.equal(tz.utcOffset({ seconds: 10n ** 15n, nanoseconds: 0 }), undefined, 'outside Date\'s range: none');
});

test('random: 0.3 draws from the same source as 0.2', () => {
  const a = createWasi({ random: { seed: 7 } }).imports;
  const b = createWasi({ random: { seed: 7 } }).imports;
  assert.deepEqual(a['wasi:random/random@0.3'].getRandomBytes(16n), b['wasi:random/random'].getRandomBytes(16n));
  assert.equal(a['wasi:random/insecure@0.3'].getInsecureRandomU64(), b['wasi:random/insecure'].getInsecureRandomU64());
  assert.deepEqual(a['wasi:random/insecure-seed@0.3'].getInsecureSeed(), b['wasi:random/insecure-seed'].insecureSeed());
});

test('sockets: every call is refused as access-denied', async () => {
  const { imports } = createWasi({});
  const { TcpSocket, UdpSocket } = imports['wasi:sockets/types@0.3'];
  const denied = { tag: 'access-denied' };
  assert.throws(() => TcpSocket.create('ipv4'), (e) => assert.deepEqual(e, denied) ?? true);
  assert.throws(() => UdpSocket.create('ipv6'), (e) => assert.deepEqual(e, denied) ?? true);
  assert.throws(() => imports['wasi:sockets/ip-name-lookup@0.3'].resolveAddresses('example.com'), (e) => assert.deepEqual(e, denied) ?? true);
});

/** A guest instance's 0.3 and 0.2 filesystem interfaces over /data and a read-only /ro. */
async function mounted() {
  const data = await createFilesystem({ 'a.txt': 'alpha', sub: { 'b.txt': 'beta' } });
  const ro = await createFilesystem({ 'r.txt': 'read only' });
  const wasi = createWasi({ preopens: { '/data': data, '/ro': { dir: ro, readOnly: true } } });
  const dirs = Object.fromEntries(wasi.imports['wasi:filesystem/preopens@0.3'].getDirectories().map(([d, p]) => [p, d]));
  return { data, ro, wasi, dirs };
}

const RW = { read: true, write: true };

test('filesystem: read-via-stream reads a file from an offset, then ok', async () => {
  const { dirs } = await mounted();
  const file = dirs['/data'].openAt({ symlinkFollow: true }, 'a.txt', {}, { read: true });
  const [bytes, ended] = file.readViaStream(2n);
  assert.equal(dec(await drain(bytes)), 'pha');
  assert.deepEqual(await ended, OK);
});

test('filesystem: write-via-stream and append-via-stream publish when the stream ends', async () => {
  const { data, dirs } = await mounted();
  const file = dirs['/data'].openAt({}, 'new.txt', { create: true }, RW);
  const { stream, release } = heldStream([enc('hello '), enc('world')]);
  const written = file.writeViaStream(stream, 0n);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.equal(data.readText('new.txt'), '', 'nothing is published before the stream ends');
  release();
  assert.deepEqual(await written, OK);
  assert.equal(data.readText('new.txt'), 'hello world');
  assert.deepEqual(await file.writeViaStream([enc('W')], 6n), OK);
  assert.deepEqual(await file.appendViaStream([enc('!')]), OK);
  assert.equal(data.readText('new.txt'), 'hello World!');
  assert.equal(file.stat().size, 12n);
});

test('filesystem: read-directory streams the entries, types as 0.3 variants', async () => {
  const { dirs } = await mounted();
  const [entries, ended] = dirs['/data'].readDirectory();
  const listed = (await drain(entries)).sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(listed, [
    { type: { tag: 'regular-file' }, name: 'a.txt' },
    { type: { tag: 'directory' }, name: 'sub' },
  ]);
  assert.deepEqual(await ended, OK);
  const file = dirs['/data'].openAt({}, 'a.txt', {}, { read: true });
  const [none, notDir] = file.readDirectory();
  assert.deepEqual(await drain(none), []);
  assert.deepEqual(await notDir, { tag: 'err', val: { tag: 'not-directory' } });
});

test('filesystem: errors are 0.3 error-code variants; read-only preopens and confinement hold', async () => {
  const { ro, dirs } = await mounted();
  const code = (tag) => (e) => assert.deepEqual(e, { tag }) ?? true;
  assert.throws(() => dirs['/data'].openAt({}, 'missing', {}, { read: true }), code('no-entry'));
  assert.throws(() => dirs['/data'].statAt({}, '../ro/r.txt'), code('not-permitted'));
  assert.throws(() => dirs['/ro'].createDirectoryAt('x'), code('not-permitted'));
  assert.throws(() => dirs['/ro'].openAt({}, 'r.txt', {}, RW), code('not-permitted'));
  const readOnly = dirs['/ro'].openAt({}, 'r.txt', {}, { read: true });
  assert.deepEqual((await readOnly.writeViaStream([enc('x')], 0n)).tag, 'err');
  assert.equal(ro.readText('r.txt'), 'read only');
  assert.deepEqual(dirs['/data'].getType(), { tag: 'directory' });
  assert.deepEqual(dirs['/data'].statAt({}, 'a.txt').type, { tag: 'regular-file' });
  assert.throws(() => dirs['/data'].renameAt('a.txt', {}, 'b.txt'), code('bad-descriptor'));
});

test('filesystem: an instance that ends mid-stream publishes none of it', async () => {
  const { data, wasi, dirs } = await mounted();
  const file = dirs['/data'].openAt({}, 'a.txt', {}, RW);
  const { stream, release } = heldStream([enc('torn')]);
  const written = file.writeViaStream(stream, 0n);
  await new Promise((resolve) => setTimeout(resolve, 0));
  wasi.end();
  release();
  assert.deepEqual(await written, { tag: 'err', val: { tag: 'bad-descriptor' } });
  assert.equal(data.readText('a.txt'), 'alpha');
});

test('filesystem: 0.2 and 0.3 descriptors of one guest see one set of files', async () => {
  const { wasi, dirs } = await mounted();
  const [[p2]] = wasi.imports['wasi:filesystem/preopens'].getDirectories();
  const out = p2.openAt({}, 'via-p2.txt', { create: true }, RW).writeViaStream(0n);
  out.blockingWriteAndFlush(enc('from 0.2'));
  out[dispose]();
  const [bytes] = dirs['/data'].openAt({}, 'via-p2.txt', {}, { read: true }).readViaStream(0n);
  assert.equal(dec(await drain(bytes)), 'from 0.2');
});

// End to end: the wasi-p3 guest.

const wasiP3 = await load(await guestBytes('wasi-p3'));

/** Runs the wasi-p3 guest with `env` (and the preopens it expects), and what it said. */
async function runP3(env, options = {}) {
  const stdout = collector();
  const marks = [];
  const host = { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)), mark: (label) => marks.push(label) };
  const data = options.data ?? (await createFilesystem());
  const ro = await createFilesystem({ 'hello.txt': 'hello' });
  const { exitCode } = await run(wasiP3, {
    imports: { 'test:wasi-p3/host': host },
    args: ['wasi-p3', 'one', 'two words'],
    env: { A: '1', CWD: '/work', ...env },
    cwd: '/work',
    stdout,
    preopens: { '/data': data, '/ro': { dir: ro, readOnly: true } },
    ...options.wasi,
  });
  const lines = stdout.text().split('\n');
  return { exitCode, marks, lines, failures: lines.filter((l) => l.startsWith('FAIL')), passed: lines.filter((l) => l.startsWith('ok ')) };
}

test('the wasi-p3 guest: its imports are WASI, but for the host\'s', () => {
  const versions = new Set(wasiP3.imports.filter((i) => i.name.startsWith('wasi:')).map((i) => i.name.split('@')[1].slice(0, 3)));
  assert.deepEqual([...versions].sort(), ['0.2', '0.3'], 'Rust std speaks 0.2, the wasip3 crate 0.3');
  for (const imp of wasiP3.imports) assert.equal(imp.providedByWasi, !imp.name.startsWith('test:'), imp.name);
});

test('the wasi-p3 guest: clocks, random, environment, terminals, sockets, filesystem', async () => {
  const { exitCode, marks, failures, passed } = await runP3({});
  assert.deepEqual(failures, []);
  assert.equal(exitCode, 0);
  assert.ok(passed.length >= 45, `${passed.length} checks`);
  assert.deepEqual(marks.sort(), ['host sleep 1 ms', 'wait-for 100 ms'], 'both waits ended (in either order on a busy machine)');
});

test('the wasi-p3 guest on a virtual clock: waits are exact', async () => {
  const { exitCode, failures, passed } = await runP3({ VIRTUAL: '1' }, { wasi: { clocks: { monotonic: 'virtual' } } });
  assert.deepEqual(failures, []);
  assert.equal(exitCode, 0);
  assert.ok(passed.includes('ok wait-for 100 ms takes exactly 100 ms of virtual time'));
});

test('the wasi-p3 guest: exit-with-code is the run\'s exit code', async () => {
  const { exitCode, lines } = await runP3({ MODE: 'exit', EXIT_CODE: '7' });
  assert.equal(exitCode, 7);
  assert.deepEqual(lines, ['']);
});

test('the wasi-p3 guest: stdin, stdout and stderr, file streams and read-directory, all through stream<T>', async () => {
  const data = await createFilesystem();
  const stderr = collector();
  const { exitCode, lines, failures, passed } = await runP3({ MODE: 'streams' }, { data, wasi: { stdin: 'typed in\n', stderr } });
  assert.deepEqual(failures, []);
  assert.equal(exitCode, 0);
  assert.equal(passed.length, 12);
  assert.ok(lines.includes('through 0.3 stdout: stdin said: typed in'), lines.join('\n'));
  assert.equal(stderr.text(), 'through 0.3 stderr\n');
  assert.equal(data.readText('streamed.txt'), 'hello Streams!', 'the streams wrote to the host\'s Filesystem');
});

test('the wasi-p3 guest trapping in the middle of write-via-stream: a trap, and the file is whole', async () => {
  const data = await createFilesystem({ 'a.txt': 'alpha beta' });
  await assert.rejects(runP3({ MODE: 'torn', FILE: 'a.txt' }, { data }), (e) => e.kind === 'trap');
  assert.equal(data.readText('a.txt'), 'alpha beta');
});

test('one Filesystem, mounted in a 0.2 guest and a 0.3 guest at once: each sees the other\'s writes', async () => {
  const data = await createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } });
  const ro = await createFilesystem({ 'readme.txt': 'read only' });
  const p2Out = collector();
  const p2 = await (await load(await guestBytes('wasi-fs'))).instantiate({}, {
    wasi: { args: ['wasi-fs'], stdout: p2Out, preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': await createFilesystem() } },
  });
  // The 0.3 guest checks the 0.2 guest's /data/hard-b, "one file, two names" (19 bytes).
  const p3Out = collector();
  const p3 = await wasiP3.instantiate({ 'test:wasi-p3/host': { sleep: async () => {}, mark: () => {} } }, {
    wasi: { stdout: p3Out, preopens: { '/data': data }, env: { MODE: 'shared', P2_FILE: 'hard-b', P2_SIZE: '19' } },
  });
  const runOf = (instance) => Object.entries(instance.exports).find(([name]) => name.startsWith('wasi:cli/run@'))[1];
  await runOf(p2).run();
  assert.match(p2Out.text(), / passed, 0 failed/);
  await runOf(p3).run();
  assert.deepEqual(p3Out.text().split('\n').filter((l) => l.startsWith('FAIL')), []);
  assert.match(p3Out.text(), /ok the 0.2 guest's file is there with its size/);
  // A 0.2 guest lists what the 0.3 guest made.
  const ls = collector();
  assert.equal((await run(await guestBytes('hello'), { args: ['hello', 'ls', '/data/from-p3'], stdout: ls, preopens: { '/data': data } })).exitCode, 0);
  assert.match(ls.text(), /file/);
  assert.deepEqual(data.readFile('from-p3/file'), new Uint8Array(7));
  p2[dispose]();
  p3[dispose]();
});

test("a WASI 0.3 command under blocking 'worker' (Node's 'auto' with a ReadableStream stdin) copies stdin to stdout as on this thread: a future a host function returns crosses unawaited", async () => {
  const component = await load(await guestBytes('cli-p3'));
  const runWith = async (blocking) => {
    const out = [];
    const stdin = new ReadableStream({ start: (c) => (c.enqueue(enc('up\n')), c.close()) });
    const instance = await component.instantiate({}, { blocking, wasi: { stdin, stdout: (b) => out.push(b), stderr: () => {} } });
    await instance.exports['wasi:cli/run@0.3.2'].run();
    instance[dispose]();
    return { mode: instance.blocking, out: dec(out) };
  };
  assert.deepEqual(await runWith('none'), { mode: 'none', out: 'UP\n' });
  assert.deepEqual(await runWith('worker'), { mode: 'worker', out: 'UP\n' });
  // A ReadableStream on stdin makes its 0.2 stdin import one that may wait: Node has no JSPI.
  assert.deepEqual(await runWith('auto'), { mode: 'worker', out: 'UP\n' });
});
