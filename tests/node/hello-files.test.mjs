// The `hello` guest's file commands (ls, cat, upper, tee), which the playground's file browser
// runs over an in-memory filesystem mounted at a preopen: they print only their own output, and a
// failure is a message on stderr and exit code 1.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load, run, createFilesystem } from '../../js/index.js';
import { collector, guestBytes } from './support.mjs';

const hello = await load(await guestBytes('hello'));

async function hello$(fs, args, stdin = '') {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(hello, { args: ['hello', ...args], stdin, stdout, stderr, preopens: { '/data': fs } });
  return { exitCode, out: stdout.text(), err: stderr.text() };
}

test('ls, cat, upper and tee read and write the mounted filesystem', async () => {
  const fs = await createFilesystem({ 'notes.txt': 'héllo files\n', 'sub/x.bin': new Uint8Array([1, 2, 3]) });
  assert.deepEqual(await hello$(fs, ['ls', '/data']), { exitCode: 0, out: '        13  notes.txt\n         -  sub/\n', err: '' });
  assert.deepEqual(await hello$(fs, ['cat', '/data/notes.txt', '/data/sub/x.bin']), { exitCode: 0, out: 'héllo files\n\x01\x02\x03', err: '' });
  assert.deepEqual(await hello$(fs, ['upper', '/data/notes.txt', '/data/out/UP.txt']).then((r) => r.exitCode), 1, 'no out/ directory');
  fs.mkdir('out');
  assert.deepEqual(await hello$(fs, ['upper', '/data/notes.txt', '/data/out/UP.txt']), { exitCode: 0, out: 'wrote 13 bytes to /data/out/UP.txt\n', err: '' });
  assert.equal(fs.readText('out/UP.txt'), 'HÉLLO FILES\n');
  assert.deepEqual(await hello$(fs, ['tee', '/data/t.bin'], new Uint8Array([0, 255, 10])), { exitCode: 0, out: '\0\ufffd\n', err: '' });
  assert.deepEqual([...fs.readFile('t.bin')], [0, 255, 10]);
});

test('a missing file or a bad command line is a message on stderr and exit code 1', async () => {
  const fs = await createFilesystem();
  const missing = await hello$(fs, ['cat', '/data/nope.txt']);
  assert.equal(missing.exitCode, 1);
  assert.match(missing.err, /^cat: \/data\/nope\.txt: /);
  const usage = await hello$(fs, ['upper', '/data/a']);
  assert.equal(usage.exitCode, 1);
  assert.match(usage.err, /^upper: usage: ls DIR \| cat FILE… \| upper FROM TO \| tee FILE\n$/);
  // Other arguments are the usual greeting.
  assert.match((await hello$(fs, ['lsx'])).out, /^hello from wasi\narg: hello\narg: lsx\n/);
});
