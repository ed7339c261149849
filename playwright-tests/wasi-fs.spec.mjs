// wasi:filesystem in Chromium: the wasi-fs guest (std::fs against preopens) end to end, filling and
// reading back filesystems from the page, read-only preopens, a trap mid-write, and the filesystem
// wasm fetched only by a page that makes a filesystem.

import { test, expect } from '@playwright/test';
import { openHarness } from './support.mjs';

test.beforeEach(({ page }) => openHarness(page));

test('the wasi-fs guest passes every check, and the page reads back what it left', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createFilesystem, run } = window.terrarium;
    const data = await createFilesystem({ 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } });
    const ro = await createFilesystem({ 'readme.txt': 'read only' });
    const other = await createFilesystem();
    const stdout = window.harness.collector();
    const stderr = window.harness.collector();
    const { exitCode } = await run('/components/wasi-fs.wasm', {
      args: ['wasi-fs'],
      preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': other },
      stdout,
      stderr,
    });
    const lines = stdout.text().split('\n');
    return {
      exitCode,
      stderr: stderr.text(),
      failures: lines.filter((l) => l.startsWith('FAIL')),
      passed: lines.filter((l) => l.startsWith('ok ')).length,
      result: data.readText('result.txt'),
      listing: data.readdir('/'),
      links: data.stat('hard-a').linkCount,
      hardB: data.readText('hard-b'),
      symlink: data.readlink('link'),
      modified: data.stat('times.txt').modified.getTime(),
      other: other.readText('cross.txt'),
      readOnly: ro.readdir(),
    };
  });
  expect(result.failures, result.stderr).toEqual([]);
  expect(result.exitCode).toBe(0);
  expect(result.passed).toBeGreaterThan(100);
  expect(result.result).toBe(`${result.passed} passed, 0 failed\n`);
  expect(result.listing).toEqual(['hard-a', 'hard-b', 'input.txt', 'link', 'renamed.txt', 'result.txt', 'sub', 'times.txt']);
  expect(result.links).toBe(2);
  expect(result.hardB).toBe('one file, two names');
  expect(result.symlink).toBe('renamed.txt');
  expect(result.modified).toBe(1_000_000_000_123);
  expect(result.other).toBe('other fs');
  expect(result.readOnly).toEqual(['readme.txt']);
});

test('a trap between a stream write and its flush leaves the file as it was; a dropped stream was published', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createFilesystem, run } = window.terrarium;
    const out = {};
    for (const mode of ['trap', 'drop']) {
      const data = await createFilesystem({ 'trap.txt': 'original content' });
      const failure = await window.harness.failure(() =>
        run('/components/wasi-fs.wasm', { args: ['wasi-fs', mode], preopens: { '/data': data }, stdout: () => {}, stderr: () => {} }),
      );
      out[mode] = { kind: failure.kind, content: data.readText('trap.txt') };
    }
    return out;
  });
  expect(result.trap).toEqual({ kind: 'trap', content: 'original content' });
  expect(result.drop).toEqual({ kind: 'trap', content: 'published on drop' });
});

test('filesystems filled and read back from the page; errors carry their code', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { createFilesystem, FilesystemError } = window.terrarium;
    const fs = await createFilesystem({
      'a.txt': 'text',
      'sub/b.bin': new Uint8Array([1, 2]),
      'blob.txt': new Blob(['from a blob']),
      nested: { 'c.txt': 'c' },
    });
    fs.writeFile('made/with/parents.txt', 'yes');
    let missing;
    try {
      fs.readFile('missing');
    } catch (e) {
      missing = { isFilesystemError: e instanceof FilesystemError, code: e.code };
    }
    return {
      root: fs.readdir(),
      a: fs.readText('a.txt'),
      b: Array.from(fs.readFile('sub/b.bin')),
      blob: fs.readText('blob.txt'),
      c: fs.readText('nested/c.txt'),
      made: fs.readText('made/with/parents.txt'),
      stat: (({ type, size, linkCount }) => ({ type, size, linkCount }))(fs.stat('sub/b.bin')),
      missing,
    };
  });
  expect(result).toEqual({
    root: ['a.txt', 'blob.txt', 'made', 'nested', 'sub'],
    a: 'text',
    b: [1, 2],
    blob: 'from a blob',
    c: 'c',
    made: 'yes',
    stat: { type: 'regular-file', size: 2, linkCount: 1 },
    missing: { isFilesystemError: true, code: 'no-entry' },
  });
});

test('a page that makes no filesystem never fetches the filesystem wasm', async ({ page }) => {
  const fetched = [];
  page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
  const exitCode = await page.evaluate(
    async () => (await window.terrarium.run('/components/hello.wasm', { stdout: () => {}, stderr: () => {} })).exitCode,
  );
  expect(exitCode).toBe(0);
  expect(fetched.filter((p) => p.startsWith('/dist/wasm/wasi/'))).toEqual([]);
  await page.evaluate(async () => window.terrarium.createFilesystem());
  expect(fetched.filter((p) => p.startsWith('/dist/wasm/wasi/')).sort()).toEqual([
    '/dist/wasm/wasi/terrarium.js',
    '/dist/wasm/wasi/terrarium_bg.wasm',
  ]);
});
