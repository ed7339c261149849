// Host directories as preopens in Node (`preopens: { '/data': { hostPath, readOnly } }` and
// `terrarium run --dir HOST[::GUEST]`): the wasi-fs guest over temporary folders, escapes out of
// the folder refused, read-only folders left unchanged, the CLI end to end, and the refusals of a
// missing folder and of a browser.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createFilesystem, load, run } from '../../js/index.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { collector, componentsDir, guestBytes } from './support.mjs';

const hello = await load(await guestBytes('hello'));
const wasiFs = await load(await guestBytes('wasi-fs'));
const cli = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

const folders = [];
after(() => {
  for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A new temporary folder (removed after the tests) holding `files`: relative path → content. */
function tempFolder(files = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'terrarium-host-dir-'));
  folders.push(root);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
  return root;
}

/** Everything under `root`: relative path → content, link target or `dir`, with mtimes. */
function snapshot(root) {
  const out = {};
  for (const name of fs.readdirSync(root, { recursive: true }).sort()) {
    const full = path.join(root, name);
    const stat = fs.lstatSync(full, { bigint: true });
    const what = stat.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : stat.isDirectory() ? 'dir' : fs.readFileSync(full, 'utf8');
    out[name] = `${what} @${stat.mtimeNs}`;
  }
  return out;
}

/** The error code `fn` throws (as a guest would get it). */
function code(fn) {
  try {
    fn();
  } catch (thrown) {
    return thrown;
  }
  return 'no error';
}

async function runHello(args, preopens) {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(hello, { args: ['hello', ...args], stdout, stderr, preopens });
  return { exitCode, out: stdout.text(), err: stderr.text() };
}

test('the wasi-fs guest over host folders: every check but exact nanosecond times, and its files on disk', async () => {
  const data = tempFolder({ 'input.txt': 'from the host\n', 'sub/nested.txt': 'nested' });
  const ro = tempFolder({ 'readme.txt': 'read only' });
  const other = tempFolder();
  const roBefore = snapshot(ro);
  const stdout = collector();
  const stderr = collector();
  const preopens = { '/data': { hostPath: data }, '/ro': { hostPath: ro, readOnly: true }, '/other': { hostPath: other, readOnly: false } };
  const { exitCode } = await run(wasiFs, { args: ['wasi-fs'], preopens, stdout, stderr });
  const lines = stdout.text().split('\n');
  const passed = lines.filter((line) => line.startsWith('ok ')).length;
  // node:fs sets file times to the microsecond only (utimes takes a number of seconds), so the
  // two checks of times set to the nanosecond see them cut there; everything else passes.
  assert.deepEqual(
    lines.filter((line) => line.startsWith('FAIL')),
    [
      'FAIL modified as set: "got Some(SystemTime { tv_sec: 1000000000, tv_nsec: 123456000 }), want Some(SystemTime { tv_sec: 1000000000, tv_nsec: 123456789 })"',
      'FAIL accessed as set: "got Some(SystemTime { tv_sec: 900000000, tv_nsec: 0 }), want Some(SystemTime { tv_sec: 900000000, tv_nsec: 1 })"',
    ],
    stderr.text(),
  );
  assert.ok(passed > 100, `${passed} checks`);
  assert.equal(exitCode, 1, 'the guest exits 1 for the two time checks');

  // What the guest left, read from disk.
  assert.equal(fs.readFileSync(path.join(data, 'result.txt'), 'utf8'), `${passed} passed, 2 failed\n`);
  assert.deepEqual(fs.readdirSync(data).sort(), ['hard-a', 'hard-b', 'input.txt', 'link', 'renamed.txt', 'result.txt', 'sub', 'times.txt']);
  assert.equal(fs.readFileSync(path.join(data, 'input.txt'), 'utf8'), 'from the host\n');
  assert.equal(fs.statSync(path.join(data, 'hard-a')).nlink, 2);
  assert.equal(fs.statSync(path.join(data, 'hard-a')).ino, fs.statSync(path.join(data, 'hard-b')).ino);
  assert.equal(fs.readFileSync(path.join(data, 'hard-b'), 'utf8'), 'one file, two names');
  assert.equal(fs.readlinkSync(path.join(data, 'link')), 'renamed.txt');
  assert.equal(fs.readFileSync(path.join(data, 'link'), 'utf8'), 'hello');
  assert.equal(fs.statSync(path.join(data, 'times.txt'), { bigint: true }).mtimeNs, 1_000_000_000_123_456_000n);
  assert.deepEqual(fs.readdirSync(path.join(data, 'sub')), ['nested.txt']);
  assert.deepEqual(fs.readdirSync(other), ['cross.txt']);
  assert.equal(fs.readFileSync(path.join(other, 'cross.txt'), 'utf8'), 'other fs');
  assert.deepEqual(snapshot(ro), roBefore, 'the read-only folder is unchanged');
});

test("blocking: 'worker': the guest in its worker reads and writes the host folder (served by the page's side)", async () => {
  const data = tempFolder({ 'a.txt': 'via the worker\n' });
  const stdout = collector();
  const args = ['hello', 'upper', '/data/a.txt', '/data/b.txt'];
  const instance = await hello.instantiate({}, { blocking: 'worker', wasi: { args, stdout, preopens: { '/data': { hostPath: data } } } });
  try {
    await Object.values(instance.exports)[0].run();
  } finally {
    instance[Symbol.dispose ?? Symbol.for('nodejs.dispose')]();
  }
  assert.equal(stdout.text(), 'wrote 15 bytes to /data/b.txt\n');
  assert.equal(fs.readFileSync(path.join(data, 'b.txt'), 'utf8'), 'VIA THE WORKER\n');
});

test('a trap between a stream write and its flush leaves the host file as it was', async () => {
  const data = tempFolder({ 'trap.txt': 'original content' });
  const error = await run(wasiFs, { args: ['wasi-fs', 'trap'], preopens: { '/data': { hostPath: data } }, stderr: collector() }).then(
    () => assert.fail('the guest should trap'),
    (e) => e,
  );
  assert.equal(error.kind, 'trap');
  assert.equal(fs.readFileSync(path.join(data, 'trap.txt'), 'utf8'), 'original content');
});

test('escapes are refused: links out, `..` past the root, absolute paths', async () => {
  const outside = tempFolder({ 'secret.txt': 'secret', 'data/inside.txt': 'inside', 'data/sub/x.txt': 'x' });
  const data = path.join(outside, 'data');
  fs.symlinkSync('../secret.txt', path.join(data, 'out'));
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(data, 'abs'));
  fs.symlinkSync('..', path.join(data, 'up'));
  fs.symlinkSync('../inside.txt', path.join(data, 'sub', 'back'));
  const preopens = { '/data': { hostPath: data } };

  for (const args of [['cat', '/data/out'], ['cat', '/data/abs'], ['cat', '/data/up/secret.txt'], ['cat', '/data/../secret.txt'], ['ls', '/data/up']]) {
    const { exitCode, out, err } = await runHello(args, preopens);
    assert.equal(exitCode, 1, args.join(' '));
    assert.equal(out, '', args.join(' '));
    assert.match(err, /Operation not permitted \(os error 63\)/, args.join(' '));
  }
  const before = snapshot(outside);
  assert.equal((await runHello(['upper', '/data/inside.txt', '/data/up/planted.txt'], preopens)).exitCode, 1);
  assert.deepEqual(snapshot(outside), before, 'nothing written outside');
  // A link that stays inside the folder is followed.
  assert.deepEqual(await runHello(['cat', '/data/sub/back'], preopens), { exitCode: 0, out: 'inside', err: '' });

  // The same, one call at a time, with the error codes the guest is given.
  const { imports, end } = createWasi({ preopens });
  const [[dir]] = imports['wasi:filesystem/preopens'].getDirectories();
  const follow = { symlinkFollow: true };
  assert.equal(code(() => dir.openAt(follow, outside, {}, { read: true })), 'not-permitted', 'an absolute path');
  assert.equal(code(() => dir.openAt(follow, '/secret.txt', {}, { read: true })), 'not-permitted');
  assert.equal(code(() => dir.openAt(follow, '../secret.txt', {}, { read: true })), 'not-permitted');
  assert.equal(code(() => dir.openAt(follow, 'sub/../../secret.txt', {}, { read: true })), 'not-permitted');
  assert.equal(code(() => dir.openAt(follow, 'out', {}, { read: true })), 'not-permitted');
  assert.equal(code(() => dir.openAt({}, 'out', {}, { read: true })), 'loop', 'a last link not followed (O_NOFOLLOW)');
  assert.equal(code(() => dir.statAt(follow, 'abs')), 'not-permitted');
  assert.equal(code(() => dir.statAt({}, 'up/secret.txt')), 'not-permitted');
  assert.equal(code(() => dir.readlinkAt('abs')), 'not-permitted', 'an absolute target is not shown');
  assert.equal(code(() => dir.symlinkAt('/etc/passwd', 'new-link')), 'not-permitted');
  assert.equal(code(() => dir.openAt(follow, 'missing.txt', {}, { read: true })), 'no-entry');
  assert.equal(code(() => dir.createDirectoryAt('sub')), 'exist');
  assert.equal(code(() => dir.openAt(follow, 'inside.txt/x', {}, { read: true })), 'not-directory');
  assert.equal(code(() => dir.removeDirectoryAt('sub')), 'not-empty');
  assert.equal(code(() => dir.unlinkFileAt('sub')), 'is-directory');
  const sub = dir.openAt(follow, 'sub', { directory: true }, { read: true });
  assert.equal(code(() => sub.openAt(follow, 'back', {}, { read: true })), 'not-permitted', 'confined to the descriptor');
  assert.equal(dir.statAt(follow, 'sub/back').size, 6n);
  end();
  assert.deepEqual(snapshot(outside), before);
});

test('a read-only host folder refuses every change with not-permitted and is left unchanged', async () => {
  const data = tempFolder({ 'a.txt': 'abc', 'sub/b.txt': 'b' });
  const before = snapshot(data);
  const preopens = { '/data': { hostPath: data, readOnly: true } };
  assert.deepEqual(await runHello(['cat', '/data/a.txt'], preopens), { exitCode: 0, out: 'abc', err: '' });
  const upper = await runHello(['upper', '/data/a.txt', '/data/b.txt'], preopens);
  assert.equal(upper.exitCode, 1);
  assert.match(upper.err, /^upper: \/data\/b\.txt: Operation not permitted \(os error 63\)\n$/);
  assert.equal((await runHello(['upper', '/data/sub/b.txt', '/data/a.txt'], preopens)).exitCode, 1, 'overwrite');

  const { imports, end } = createWasi({ preopens });
  const [[dir]] = imports['wasi:filesystem/preopens'].getDirectories();
  const refused = (fn) => assert.throws(fn, (thrown) => thrown === 'not-permitted');
  refused(() => dir.openAt({}, 'new.txt', { create: true }, { write: true }));
  refused(() => dir.openAt({}, 'a.txt', {}, { write: true }));
  refused(() => dir.openAt({}, 'a.txt', { truncate: true }, { read: true }));
  refused(() => dir.createDirectoryAt('d'));
  refused(() => dir.unlinkFileAt('a.txt'));
  refused(() => dir.removeDirectoryAt('sub'));
  refused(() => dir.renameAt('a.txt', dir, 'c.txt'));
  refused(() => dir.linkAt({}, 'a.txt', dir, 'c.txt'));
  refused(() => dir.symlinkAt('a.txt', 'c.txt'));
  refused(() => dir.setTimesAt({}, 'a.txt', { tag: 'now' }, { tag: 'now' }));
  const file = dir.openAt({}, 'a.txt', {}, { read: true });
  refused(() => file.setSize(0n));
  refused(() => file.write(new Uint8Array([1]), 0n));
  assert.throws(() => file.writeViaStream(0n), (thrown) => thrown === 'bad-descriptor', "wasmtime's answer for a stream");
  assert.deepEqual(file.getFlags(), { read: true, write: false, fileIntegritySync: false, dataIntegritySync: false, requestedWriteSync: false, mutateDirectory: false });
  end();
  assert.deepEqual(snapshot(data), before);
});

test('terrarium run --dir HOST::GUEST: the guest reads and writes the folder', () => {
  const data = tempFolder({ 'a.txt': 'shout\n' });
  const r = spawnSync(process.execPath, [cli, 'run', '--dir', `${data}::/data`, `${componentsDir}hello.wasm`, 'upper', '/data/a.txt', '/data/b.txt'], {
    encoding: 'utf8',
    input: '',
  });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'wrote 6 bytes to /data/b.txt\n');
  assert.equal(r.status, 0);
  assert.equal(fs.readFileSync(path.join(data, 'b.txt'), 'utf8'), 'SHOUT\n');
  // Without `::GUEST` the folder is mounted at its own path.
  const same = spawnSync(process.execPath, [cli, 'run', '--dir', data, `${componentsDir}hello.wasm`, 'cat', `${data}/b.txt`], { encoding: 'utf8', input: '' });
  assert.equal(same.stdout, 'SHOUT\n', same.stderr);
});

test('terrarium run --dir of a missing folder is a usage error before the guest starts', () => {
  const missing = path.join(tempFolder(), 'missing');
  const r = spawnSync(process.execPath, [cli, 'run', '--dir', `${missing}::/data`, `${componentsDir}hello.wasm`], { encoding: 'utf8', input: '' });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '', 'the guest never ran');
  assert.ok(r.stderr.startsWith(`terrarium run: --dir ${missing}::/data: '${missing}' is not a directory\nusage:\n`), r.stderr);
  const file = path.join(tempFolder({ 'f.txt': 'x' }), 'f.txt');
  assert.equal(spawnSync(process.execPath, [cli, 'run', '--dir', file, `${componentsDir}hello.wasm`], { encoding: 'utf8', input: '' }).status, 2, 'a file');
});

test('a host folder beside an in-memory filesystem: both served, moves between them cross-device', async () => {
  const data = tempFolder({ 'a.txt': 'on disk' });
  const memory = await createFilesystem({ 'm.txt': 'in memory' });
  const { imports, end } = createWasi({ preopens: { '/host': { hostPath: data }, '/mem': memory } });
  const [[host], [mem]] = imports['wasi:filesystem/preopens'].getDirectories();
  const text = (dir, name) => new TextDecoder().decode(dir.openAt({}, name, {}, { read: true }).read(100n, 0n)[0]);
  assert.equal(text(host, 'a.txt'), 'on disk');
  assert.equal(text(mem, 'm.txt'), 'in memory');
  assert.equal(code(() => host.renameAt('a.txt', mem, 'a.txt')), 'cross-device');
  assert.equal(code(() => mem.linkAt({}, 'm.txt', host, 'm.txt')), 'cross-device');
  assert.equal(host.isSameObject(mem), false);
  end();
  assert.deepEqual(fs.readdirSync(data), ['a.txt']);
  assert.deepEqual(memory.readdir(), ['m.txt']);
});

test('run refuses a missing host folder with a TypeError before the guest starts', async () => {
  const missing = path.join(tempFolder(), 'missing');
  await assert.rejects(
    run(hello, { args: ['hello'], preopens: { '/data': { hostPath: missing } }, stdout: collector() }),
    (e) => e instanceof TypeError && e.message === `createWasi: preopens['/data'].hostPath '${missing}' is not a directory that can be opened (no-entry)`,
  );
  assert.throws(() => createWasi({ preopens: { '/data': { hostPath: 7 } } }), TypeError);
});

test('in a browser (the browser #platform) a host folder is a TypeError', () => {
  // A fresh process where `#platform` resolves as in a browser bundle.
  const browser = pathToFileURL(fileURLToPath(new URL('../../js/platform-browser.js', import.meta.url))).href;
  const hook = `export async function resolve(s, c, next) { return s === '#platform' ? { url: ${JSON.stringify(browser)}, shortCircuit: true } : next(s, c); }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { createWasi } = await import(${JSON.stringify(new URL('../../polyfill-wasi/js/index.js', import.meta.url).href)});
    try { createWasi({ preopens: { '/data': { hostPath: '.' } } }); console.log('accepted'); }
    catch (e) { console.log(e.constructor.name + ': ' + e.message); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(
    r.stdout,
    "TypeError: createWasi: preopens['/data'].hostPath: a browser has no host directories; mount a Filesystem from createFilesystem() or openFilesystem()\n",
    r.stderr,
  );
});
