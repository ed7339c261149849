// A filesystem survives what a guest or the page throws at it: directory chains 10,000 deep (no
// operation recurses on the depth), and a change listener that throws or calls back in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFilesystem, load, run } from '../../js/index.js';
import { filesystemWasm } from '../../polyfill-wasi/js/filesystem.js';
import { collector, guestBytes } from './support.mjs';

const wasiFs = await load(await guestBytes('wasi-fs'));
const enc = (s) => new TextEncoder().encode(s);
const dec = (bytes) => new TextDecoder().decode(bytes);

const DEPTH = 10_000;
/** Levels per link: `d/` 2,000 times fits in a path (4095 bytes at most). */
const STEP = 2_000;

/**
 * Makes `d/d/…/d` `DEPTH` deep (or finds it, mkdir being `-p`) from the page, whose paths cannot
 * name such depths: links `hop0`…`hop4` each point 2,000 levels below the last. Returns the last.
 */
function reachBottom(fs) {
  const step = Array(STEP).fill('d').join('/');
  let base = '';
  for (let hop = 0; hop < DEPTH / STEP; hop++) {
    const path = base ? `${base}/${step}` : step;
    fs.mkdir(path);
    fs.symlink(path, `hop${hop}`);
    base = `hop${hop}`;
  }
  return base;
}

function removeHops(fs) {
  for (let hop = 0; hop < DEPTH / STEP; hop++) fs.remove(`hop${hop}`);
}

async function runGuest(args, preopens) {
  const stdout = collector();
  const stderr = collector();
  const { exitCode } = await run(wasiFs, { args: ['wasi-fs', ...args], preopens, stdout, stderr });
  return { exitCode, stderr: stderr.text() };
}

test('a 10,000-deep chain made from the page, removed from the page', async () => {
  const fs = await createFilesystem();
  const bottom = reachBottom(fs);
  fs.writeFile(`${bottom}/bottom.txt`, 'from the page');
  assert.equal(fs.readText(`${bottom}/bottom.txt`), 'from the page');
  fs.remove('d');
  assert.throws(() => fs.readText(`${bottom}/bottom.txt`), { code: 'no-entry' });
  removeHops(fs);
  assert.deepEqual(fs.readdir(), []);
  fs.writeFile('after.txt', 'still works');
  assert.equal(fs.readText('after.txt'), 'still works');
});

test('a 10,000-deep chain made by a guest, removed from the page; then a guest mounts it again', async () => {
  const fs = await createFilesystem();
  const made = await runGuest(['deep', String(DEPTH)], { '/data': fs });
  assert.equal(made.exitCode, 0, made.stderr);
  const bottom = reachBottom(fs);
  assert.equal(fs.readText(`${bottom}/bottom.txt`), 'the bottom', 'the guest went all the way down');
  assert.deepEqual(fs.readdir(`${bottom}`), ['bottom.txt'], 'and no further');
  removeHops(fs);
  fs.remove('d');
  assert.deepEqual(fs.readdir(), []);
  fs.writeFile('after.txt', 'still works');
  assert.equal(fs.readText('after.txt'), 'still works');
  const again = await runGuest(['deep', '3'], { '/data': fs });
  assert.equal(again.exitCode, 0, again.stderr);
  assert.equal(fs.readText('d/d/d/bottom.txt'), 'the bottom');
  assert.deepEqual(fs.readdir(), ['after.txt', 'd']);
});

test('a change listener that throws, or calls back in, leaves the filesystem usable', async () => {
  const wasm = await filesystemWasm();
  const inner = new wasm.Filesystem();
  try {
    inner.observe({
      changed() {
        throw new Error('listener failed');
      },
    });
    inner.writeFile('a.txt', enc('one'));
    assert.equal(dec(inner.readFile('a.txt')), 'one');
    let inside;
    inner.observe({
      changed() {
        try {
          inside = dec(inner.readFile('a.txt'));
        } catch (thrown) {
          inside = thrown;
        }
      },
    });
    inner.writeFile('b.txt', enc('two'));
    assert.equal(inside, 'busy', 'the filesystem is in the middle of a change');
    assert.equal(dec(inner.readFile('b.txt')), 'two');
    inner.remove('a.txt');
    assert.deepEqual(inner.readDir('/'), ['6b.txt']);
  } finally {
    inner.free();
  }
});
