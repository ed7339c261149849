// wasi:filesystem: the wasi-fs guest (std::fs against preopens) end to end, filesystems filled and
// read back from JS, read-only preopens, and unflushed writes when a guest traps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilesystem, Filesystem, FilesystemError, load, openFilesystem, run, TerrariumError } from '../../js/index.js';
import { createWasi } from '../../polyfill-wasi/js/index.js';
import { collector, guestBytes } from './support.mjs';

const wasiFs = await load(await guestBytes('wasi-fs'));
const enc = (s) => new TextEncoder().encode(s);
const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** What the guest expects: /data (read-write), /ro (read-only), /other (a second filesystem). */
async function mounts() {
  const data = await createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } });
  const ro = await createFilesystem({ 'readme.txt': 'read only' });
  const other = await createFilesystem();
  return { data, ro, other, preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': other } };
}

/** Runs the guest and returns its output as text. */
async function runGuest(args, preopens) {
  const stdout = collector();
  const stderr = collector();
  const outcome = await run(wasiFs, { args: ['wasi-fs', ...args], preopens, stdout, stderr }).then(
    ({ exitCode }) => ({ exitCode }),
    (error) => ({ error }),
  );
  return { ...outcome, stdout: stdout.text(), stderr: stderr.text() };
}

test('the wasi-fs guest: files, directories, links, metadata, errors, confinement, read-only', async () => {
  const { data, ro, other, preopens } = await mounts();
  const { exitCode, stdout, stderr } = await runGuest([], preopens);
  const failures = stdout.split('\n').filter((line) => line.startsWith('FAIL'));
  assert.deepEqual(failures, [], stderr);
  assert.equal(exitCode, 0);
  const passed = stdout.split('\n').filter((line) => line.startsWith('ok ')).length;
  assert.ok(passed > 100, `${passed} checks`);

  // What the guest left, read back from JS.
  assert.equal(data.readText('result.txt'), `${passed} passed, 0 failed\n`);
  assert.deepEqual(data.readdir('/'), ['hard-a', 'hard-b', 'input.txt', 'link', 'renamed.txt', 'result.txt', 'sub', 'times.txt']);
  assert.equal(data.readText('input.txt'), 'from the host\n', 'the host file is untouched');
  assert.equal(data.stat('hard-a').linkCount, 2);
  assert.equal(data.readText('hard-b'), 'one file, two names');
  assert.equal(data.readlink('link'), 'renamed.txt');
  assert.equal(data.readText('link'), 'hello');
  assert.equal(data.stat('link', { follow: false }).type, 'symbolic-link');
  assert.equal(data.stat('times.txt').modified.getTime(), 1_000_000_000_123);
  assert.deepEqual(other.readdir(), ['cross.txt']);
  assert.equal(other.readText('cross.txt'), 'other fs');
  assert.deepEqual(ro.readdir(), ['readme.txt']);
  assert.equal(ro.readText('readme.txt'), 'read only');
});

test('a trap between a stream write and its flush leaves the file as it was', async () => {
  const data = await createFilesystem({ 'trap.txt': 'original content' });
  const { error, stderr } = await runGuest(['trap'], { '/data': data });
  assert.ok(error instanceof TerrariumError && error.kind === 'trap', String(error));
  assert.match(stderr, /trapping with an unflushed write/);
  assert.equal(data.readText('trap.txt'), 'original content');
});

test('a stream the guest dropped before trapping was published, like a closed file', async () => {
  const data = await createFilesystem({ 'trap.txt': 'original content' });
  const { error } = await runGuest(['drop'], { '/data': data });
  assert.equal(error?.kind, 'trap');
  assert.equal(data.readText('trap.txt'), 'published on drop');
});

test('createFilesystem: fill from paths, nested objects, bytes, buffers and blobs; read back', async () => {
  const fs = await createFilesystem({
    'a.txt': 'text',
    'sub/b.bin': new Uint8Array([1, 2]),
    'buf.bin': new Uint8Array([9, 8, 7]).buffer,
    'view.bin': new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2),
    'blob.txt': new Blob(['from a blob']),
    nested: { deeper: { 'c.txt': 'c' }, empty: {} },
  });
  assert.ok(fs instanceof Filesystem);
  assert.equal(fs.readText('a.txt'), 'text');
  assert.deepEqual(fs.readFile('sub/b.bin'), new Uint8Array([1, 2]));
  assert.deepEqual(fs.readFile('/buf.bin'), new Uint8Array([9, 8, 7]));
  assert.deepEqual(fs.readFile('view.bin'), new Uint8Array([6, 7]));
  assert.equal(fs.readText('blob.txt'), 'from a blob');
  assert.equal(fs.readText('nested/deeper/c.txt'), 'c');
  assert.deepEqual(fs.readdir('nested'), ['deeper', 'empty']);
  assert.deepEqual(fs.readdir('nested/empty'), []);
  assert.deepEqual(fs.readdir(), ['a.txt', 'blob.txt', 'buf.bin', 'nested', 'sub', 'view.bin']);

  fs.writeFile('new/dir/d.txt', 'made with parents');
  assert.equal(fs.readText('new/dir/d.txt'), 'made with parents');
  fs.writeFile('a.txt', 'replaced');
  assert.equal(fs.readText('a.txt'), 'replaced');
  fs.symlink('nested/deeper', 'shortcut');
  assert.equal(fs.readText('shortcut/c.txt'), 'c');
  assert.equal(fs.readlink('shortcut'), 'nested/deeper');
  const stat = fs.stat('sub/b.bin');
  assert.equal(stat.type, 'regular-file');
  assert.equal(stat.size, 2);
  assert.equal(stat.linkCount, 1);
  assert.ok(Math.abs(stat.modified.getTime() - Date.now()) < 60_000);
  assert.equal(fs.stat('nested').type, 'directory');
  assert.ok(fs.exists('shortcut') && !fs.exists('missing'));
  fs.remove('nested');
  assert.ok(!fs.exists('nested'));
  assert.ok(fs.exists('shortcut'), 'a dangling link still exists');

  const error = (fn) => {
    try {
      fn();
    } catch (e) {
      return e;
    }
    assert.fail('expected a throw');
  };
  for (const [fn, code] of [
    [() => fs.readFile('missing'), 'no-entry'],
    [() => fs.readFile('sub'), 'is-directory'],
    [() => fs.readFile('../outside'), 'not-permitted'],
    [() => fs.writeFile('sub', 'x'), 'is-directory'],
    [() => fs.writeFile('a.txt/x', 'x'), 'not-directory'],
    [() => fs.readdir('a.txt'), 'not-directory'],
    [() => fs.symlink('x', 'a.txt'), 'exist'],
    [() => fs.readlink('a.txt'), 'invalid'],
    [() => fs.readText('shortcut/c.txt'), 'no-entry'],
  ]) {
    const e = error(fn);
    assert.ok(e instanceof FilesystemError, String(e));
    assert.equal(e.code, code, e.message);
  }
  assert.throws(() => fs.writeFile('x', 42), TypeError);
  await assert.rejects(createFilesystem({ bad: 42 }), TypeError);
  assert.throws(() => new Filesystem(), TypeError);
});

test('preopens must be filesystems', async () => {
  const fs = await createFilesystem();
  assert.throws(() => createWasi({ preopens: { '/x': {} } }), /preopens\['\/x'\] must be a Filesystem/);
  assert.throws(() => createWasi({ preopens: { '/x': 'a path' } }), TypeError);
  assert.throws(() => createWasi({ preopens: 'nope' }), TypeError);
  assert.deepEqual(createWasi({ preopens: new Map([['/m', fs]]) }).imports['wasi:filesystem/preopens'].getDirectories()[0][1], '/m');
  assert.deepEqual(createWasi().imports['wasi:filesystem/preopens'].getDirectories(), [], 'no preopens, no directories');
  await assert.rejects(run(wasiFs, { preopens: { '/data': { dir: 'nope' } } }), TypeError);
});

/** The polyfill's wasi:filesystem interfaces, called as the runtime calls them. */
async function polyfill(files, options = {}) {
  const fs = await createFilesystem(files);
  const wasi = createWasi({ preopens: { '/data': options.readOnly ? { dir: fs, readOnly: true } : fs } });
  const [[root, path]] = wasi.imports['wasi:filesystem/preopens'].getDirectories();
  assert.equal(path, '/data');
  return { fs, wasi, root, types: wasi.imports['wasi:filesystem/types'] };
}

const thrown = (fn) => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected a throw');
};

test('descriptors as the runtime calls them: values, flags, error codes', async () => {
  const { root, types } = await polyfill({ 'a.txt': 'abc', d: {} });
  assert.ok(root instanceof types.Descriptor);
  assert.equal(root.getType(), 'directory');
  assert.deepEqual(root.getFlags(), {
    read: true,
    write: false,
    fileIntegritySync: false,
    dataIntegritySync: false,
    requestedWriteSync: false,
    mutateDirectory: true,
  });
  const file = root.openAt({ symlinkFollow: true }, 'a.txt', {}, { read: true, write: true });
  assert.deepEqual(file.read(10n, 0n), [enc('abc'), false]);
  assert.deepEqual(file.read(10n, 3n), [new Uint8Array(0), true]);
  assert.equal(file.write(enc('XY'), 1n), 2n);
  const stat = file.stat();
  assert.equal(stat.type, 'regular-file');
  assert.equal(stat.size, 3n);
  assert.equal(stat.linkCount, 1n);
  assert.equal(typeof stat.dataModificationTimestamp.seconds, 'bigint');
  assert.equal(typeof stat.dataModificationTimestamp.nanoseconds, 'number');
  file.setTimes({ tag: 'timestamp', val: { seconds: 5n, nanoseconds: 6 } }, { tag: 'no-change' });
  assert.deepEqual(file.stat().dataAccessTimestamp, { seconds: 5n, nanoseconds: 6 });
  root.setTimesAt({}, 'a.txt', { tag: 'now' }, { tag: 'timestamp', val: { seconds: 7n, nanoseconds: 8 } });
  assert.deepEqual(root.statAt({}, 'a.txt').dataModificationTimestamp, { seconds: 7n, nanoseconds: 8 });
  const hash = file.metadataHash();
  assert.deepEqual(root.metadataHashAt({}, 'a.txt'), hash);
  assert.equal(typeof hash.lower, 'bigint');
  const again = root.openAt({}, 'a.txt', {}, { read: true });
  assert.ok(file.isSameObject(again));
  assert.ok(!file.isSameObject(root));
  file.setSize(1n);
  file.advise(0n, 1n, 'sequential');
  file.sync();
  file.syncData();

  root.createDirectoryAt('made');
  root.symlinkAt('a.txt', 'link');
  assert.equal(root.readlinkAt('link'), 'a.txt');
  root.linkAt({}, 'a.txt', root, 'hard');
  root.renameAt('hard', root, 'made/hard');
  root.unlinkFileAt('made/hard');
  root.removeDirectoryAt('made');
  const listing = root.readDirectory();
  const entries = [];
  for (let e = listing.readDirectoryEntry(); e !== undefined; e = listing.readDirectoryEntry()) entries.push(e);
  assert.deepEqual(entries, [
    { type: 'regular-file', name: 'a.txt' },
    { type: 'directory', name: 'd' },
    { type: 'symbolic-link', name: 'link' },
  ]);
  listing[dispose]();

  // Errors are thrown as the WIT error-code name, which the runtime passes to the guest as `err`.
  assert.equal(thrown(() => root.openAt({}, 'missing', {}, {})), 'no-entry');
  assert.equal(thrown(() => root.openAt({}, '../escape', {}, {})), 'not-permitted');
  assert.equal(thrown(() => root.openAt({}, '/data/a.txt', {}, {})), 'not-permitted');
  assert.equal(thrown(() => root.createDirectoryAt('d')), 'exist');
  assert.equal(thrown(() => root.read(1n, 0n)), 'bad-descriptor');
  assert.equal(thrown(() => file.openAt({}, 'x', {}, {})), 'not-directory');
  assert.equal(thrown(() => root.symlinkAt('/etc/passwd', 'abs')), 'not-permitted');
  assert.equal(thrown(() => root.linkAt({ symlinkFollow: true }, 'a.txt', root, 'x')), 'invalid');
  assert.equal(thrown(() => root.renameAt('a.txt', {}, 'x')), 'bad-descriptor');
  file[dispose]();
  assert.equal(thrown(() => file.stat()), 'bad-descriptor', 'a dropped descriptor');
});

test('file streams: writes are published on flush, read streams read, errors carry their code', async () => {
  const { fs, root, types } = await polyfill({ 'f.txt': 'original' });
  const file = root.openAt({}, 'f.txt', {}, { read: true, write: true });
  const out = file.writeViaStream(0n);
  assert.ok(out.checkWrite() >= 1n << 20n);
  out.write(enc('NEW'));
  assert.equal(fs.readText('f.txt'), 'original', 'not before the flush');
  out.blockingFlush();
  assert.equal(fs.readText('f.txt'), 'NEWginal');
  out.blockingWriteAndFlush(enc('-'));
  assert.equal(fs.readText('f.txt'), 'NEW-inal', 'blocking-write-and-flush publishes');
  out.write(enc('!'));
  out[dispose]();
  assert.equal(fs.readText('f.txt'), 'NEW-!nal', 'dropping the stream publishes');
  const append = file.appendViaStream();
  append.blockingWriteZeroesAndFlush(2n);
  assert.deepEqual(fs.readFile('f.txt').subarray(8), new Uint8Array(2));
  append[dispose]();

  const input = file.readViaStream(4n);
  assert.deepEqual(input.blockingRead(3n), enc('!na'));
  assert.equal(input.skip(100n), 3n);
  assert.deepEqual(thrown(() => input.read(1n)), { tag: 'closed' });
  input[dispose]();

  // A stream error names its filesystem error code through filesystem-error-code.
  const readOnly = root.openAt({}, 'f.txt', {}, { read: true });
  const bad = readOnly.writeViaStream(0n);
  const error = thrown(() => bad.write(enc('x')));
  assert.equal(error.tag, 'last-operation-failed');
  assert.equal(types.filesystemErrorCode(error.val), 'bad-descriptor');
  assert.match(error.val.toDebugString(), /bad-descriptor/);
  assert.deepEqual(thrown(() => bad.checkWrite()), { tag: 'closed' });
  assert.equal(types.filesystemErrorCode(new Error('other')), undefined);
});

test('ending the session drops unflushed writes and closes everything', async () => {
  const { fs, wasi, root } = await polyfill({ 'f.txt': 'keep me' });
  const out = root.openAt({}, 'f.txt', {}, { write: true }).writeViaStream(0n);
  out.write(enc('half'));
  wasi.end();
  out[dispose]();
  assert.equal(fs.readText('f.txt'), 'keep me');
  assert.equal(thrown(() => root.stat()), 'bad-descriptor');
});

test('a read-only preopen refuses every change with not-permitted, as wasmtime does', async () => {
  const { fs, root } = await polyfill({ 'f.txt': 'ro', d: { 'g.txt': 'g' } }, { readOnly: true });
  assert.deepEqual(root.getFlags().mutateDirectory, false);
  const file = root.openAt({}, 'f.txt', {}, { read: true });
  assert.deepEqual(file.read(10n, 0n)[0], enc('ro'));
  for (const change of [
    () => root.openAt({}, 'f.txt', {}, { write: true }),
    () => root.openAt({}, 'new.txt', { create: true }, {}),
    () => root.openAt({}, 'f.txt', { truncate: true }, { read: true }),
    () => root.createDirectoryAt('x'),
    () => root.removeDirectoryAt('d'),
    () => root.unlinkFileAt('f.txt'),
    () => root.renameAt('f.txt', root, 'g.txt'),
    () => root.linkAt({}, 'f.txt', root, 'h.txt'),
    () => root.symlinkAt('f.txt', 'l'),
    () => root.setTimesAt({}, 'f.txt', { tag: 'now' }, { tag: 'now' }),
    () => file.setTimes({ tag: 'now' }, { tag: 'now' }),
    () => file.setSize(0n),
    () => file.write(enc('x'), 0n),
  ]) {
    assert.equal(thrown(change), 'not-permitted', String(change));
  }
  assert.equal(thrown(() => file.writeViaStream(0n)), 'bad-descriptor');
  assert.deepEqual(fs.readdir(), ['d', 'f.txt']);
  assert.equal(fs.readText('f.txt'), 'ro');
});

test('one filesystem mounted twice, and by two instances, is one filesystem', async () => {
  const shared = await createFilesystem({ 'count.txt': '0' });
  const a = createWasi({ preopens: { '/x': shared, '/y': { dir: shared, readOnly: true } } });
  const b = createWasi({ preopens: { '/z': shared } });
  const [[x], [y]] = a.imports['wasi:filesystem/preopens'].getDirectories();
  const [[z]] = b.imports['wasi:filesystem/preopens'].getDirectories();
  x.openAt({}, 'count.txt', {}, { write: true }).write(enc('1'), 0n);
  assert.deepEqual(y.openAt({}, 'count.txt', {}, {}).read(1n, 0n)[0], enc('1'));
  assert.deepEqual(z.openAt({}, 'count.txt', {}, {}).read(1n, 0n)[0], enc('1'));
  assert.ok(x.isSameObject(y), 'two preopens of one root are one directory');
  assert.equal(thrown(() => x.renameAt('count.txt', z, 'moved')), 'bad-descriptor', 'descriptors of another instance');
  a.end();
  b.end();
  assert.equal(shared.readText('count.txt'), '1');
});

test('instances: disposing one ends its filesystem session', async () => {
  const data = await createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } });
  const instance = await wasiFs.instantiate({}, { wasi: { preopens: { '/data': data }, stdout: () => {}, stderr: () => {} } });
  instance[dispose]();
  assert.throws(() => Object.values(instance.exports)[0].run(), (e) => e instanceof TerrariumError && e.kind === 'dead');
  assert.equal(data.readText('input.txt'), 'from the host\n');
});

test('openFilesystem: Node has no OPFS, and says so', async () => {
  await assert.rejects(openFilesystem({ opfs: 'my-app' }), (error) => {
    assert.ok(error instanceof FilesystemError, String(error));
    assert.equal(error.code, 'unsupported');
    assert.match(error.message, /^openFilesystem 'my-app': unsupported \(no Origin Private File System here/);
    assert.match(error.message, /use createFilesystem\(\)/);
    return true;
  });
  for (const opfs of [undefined, '', 'a//b', '../up', 'a/./b', 7]) {
    await assert.rejects(openFilesystem({ opfs }), TypeError, String(opfs));
  }
  await assert.rejects(openFilesystem(), TypeError);
});
