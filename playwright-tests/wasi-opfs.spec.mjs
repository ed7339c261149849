// Filesystems kept in OPFS (openFilesystem): what a guest writes survives a page reload, a trap
// mid-write leaves the previous content, a failure just before the commit (the move of the
// temporary manifest into place) leaves the old files and the next open cleans up, a reload in
// the middle of a commit never leaves a torn file, and the page's own changes, flush/persisted,
// the directory lock and close. Each test has its own browser context, so its own OPFS.

import { test, expect } from '@playwright/test';

test.beforeEach(async ({ page }) => {
  // Helpers for every document of the page, reloads included.
  await page.addInitScript(() => {
    window.opfsTools = {
      /** An OPFS directory by path. */
      async dir(path) {
        let dir = await navigator.storage.getDirectory();
        for (const name of path.split('/')) dir = await dir.getDirectoryHandle(name, { create: true });
        return dir;
      },
      /** Every entry under OPFS directory `path`, sorted; directories end with `/`. */
      async list(path) {
        const out = [];
        const walk = async (dir, prefix) => {
          for await (const [name, handle] of dir.entries()) {
            if (handle.kind === 'directory') {
              out.push(`${prefix}${name}/`);
              await walk(handle, `${prefix}${name}/`);
            } else {
              out.push(`${prefix}${name}`);
            }
          }
        };
        await walk(await this.dir(path), '');
        return out.sort();
      },
      /** Writes a raw OPFS file (to plant what a crash would leave). */
      async write(path, name, text) {
        const handle = await (await this.dir(path)).getFileHandle(name, { create: true });
        const writable = await handle.createWritable();
        await writable.write(text);
        await writable.close();
      },
      /** Everything a Filesystem holds: each path's type, size, links, times, content or target. */
      dump(fs, dir = '') {
        const out = {};
        for (const name of fs.readdir(dir || '/')) {
          const path = dir ? `${dir}/${name}` : name;
          const { type, size, linkCount, accessed, modified } = fs.stat(path, { follow: false });
          const entry = { type, size, linkCount, accessed: accessed.getTime(), modified: modified.getTime() };
          if (type === 'regular-file') entry.content = fs.readText(path);
          if (type === 'symbolic-link') entry.target = fs.readlink(path);
          out[path] = entry;
          if (type === 'directory') Object.assign(out, this.dump(fs, path));
        }
        return out;
      },
    };
  });
  await open(page);
});

async function open(page) {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/demo-site/test-harness.html');
  await page.waitForFunction(() => window.harnessReady === true);
  expect(errors).toEqual([]);
}

async function reload(page) {
  await page.reload();
  await page.waitForFunction(() => window.harnessReady === true);
}

test('what the wasi-fs guest writes into OPFS preopens is all there after a reload', async ({ page }) => {
  const before = await page.evaluate(async () => {
    const { openFilesystem, createFilesystem, run } = window.terrarium;
    const data = await openFilesystem({
      opfs: 'guest/data',
      files: { 'input.txt': 'from the host\n', sub: { 'nested.txt': 'nested' } },
    });
    const other = await openFilesystem({ opfs: 'guest/other' });
    const ro = await createFilesystem({ 'readme.txt': 'read only' });
    const stdout = window.harness.collector();
    const stderr = window.harness.collector();
    const { exitCode } = await run('/components/wasi-fs.wasm', {
      args: ['wasi-fs'],
      preopens: { '/data': data, '/ro': { dir: ro, readOnly: true }, '/other': other },
      stdout,
      stderr,
    });
    await Promise.all([data.flush(), other.flush()]);
    return {
      exitCode,
      stderr: stderr.text(),
      failures: stdout.text().split('\n').filter((l) => l.startsWith('FAIL')),
      persisted: data.persisted && other.persisted,
      data: window.opfsTools.dump(data),
      other: window.opfsTools.dump(other),
    };
  });
  expect(before.failures, before.stderr).toEqual([]);
  expect(before.exitCode).toBe(0);
  expect(before.persisted).toBe(true);

  await reload(page);
  const after = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    // `files` fills a new directory only: this one holds a filesystem already.
    const data = await openFilesystem({ opfs: 'guest/data', files: { 'input.txt': 'not used' } });
    const other = await openFilesystem({ opfs: 'guest/other' });
    return {
      data: window.opfsTools.dump(data),
      other: window.opfsTools.dump(other),
      persisted: data.persisted,
      raw: await window.opfsTools.list('guest/data'),
    };
  });
  expect(after.data).toEqual(before.data);
  expect(after.other).toEqual(before.other);
  expect(after.persisted).toBe(true);
  // Spot checks of what the guest left (the dumps compare everything).
  expect(Object.keys(after.data).sort()).toEqual([
    'hard-a', 'hard-b', 'input.txt', 'link', 'renamed.txt', 'result.txt', 'sub', 'sub/nested.txt', 'times.txt',
  ]);
  expect(after.data['input.txt'].content).toBe('from the host\n');
  expect(after.data['result.txt'].content).toMatch(/^\d+ passed, 0 failed\n$/);
  expect(after.data['hard-a']).toMatchObject({ linkCount: 2, content: 'one file, two names' });
  expect(after.data['hard-b']).toMatchObject({ linkCount: 2, content: 'one file, two names' });
  expect(after.data.link).toMatchObject({ type: 'symbolic-link', target: 'renamed.txt' });
  expect(after.data['times.txt'].modified).toBe(1_000_000_000_123);
  expect(after.other['cross.txt'].content).toBe('other fs');
  // The layout: the manifest and one blob per file with content (hard-a and hard-b are one).
  const blobs = after.raw.filter((p) => p.startsWith('files/') && p !== 'files/');
  expect(after.raw).toContain('files/');
  expect(after.raw.filter((p) => !p.startsWith('files/'))).toEqual(['manifest']);
  const withContent = Object.values(after.data).filter((e) => e.type === 'regular-file' && e.size > 0);
  expect(blobs.length).toBe(withContent.length - 1);
});

test('a guest that traps mid-write leaves the previous content in OPFS', async ({ page }) => {
  const before = await page.evaluate(async () => {
    const { openFilesystem, run } = window.terrarium;
    const out = {};
    for (const mode of ['trap', 'drop']) {
      const data = await openFilesystem({ opfs: `trap-${mode}`, files: { 'trap.txt': 'original content' } });
      const failure = await window.harness.failure(() =>
        run('/components/wasi-fs.wasm', { args: ['wasi-fs', mode], preopens: { '/data': data }, stdout: () => {}, stderr: () => {} }),
      );
      await data.flush();
      out[mode] = { kind: failure.kind, content: data.readText('trap.txt') };
    }
    return out;
  });
  expect(before).toEqual({
    trap: { kind: 'trap', content: 'original content' },
    drop: { kind: 'trap', content: 'published on drop' },
  });

  await reload(page);
  const after = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    const out = {};
    for (const mode of ['trap', 'drop']) {
      const data = await openFilesystem({ opfs: `trap-${mode}` });
      out[mode] = { listing: data.readdir(), content: data.readText('trap.txt') };
    }
    return out;
  });
  expect(after).toEqual({
    trap: { listing: ['trap.txt'], content: 'original content' },
    drop: { listing: ['trap.txt'], content: 'published on drop' },
  });
});

test('a failure between writing the temporary and moving it leaves the old files; the next open cleans up', async ({ page }) => {
  const failed = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    window.failMove = false;
    const reported = [];
    const fs = await openFilesystem({
      opfs: 'inject',
      files: { 'a.txt': 'old', 'keep.txt': 'kept' },
      onPersistError: (error) => reported.push(error.message),
      hooks: {
        async move(file, dir, name) {
          if (window.failMove) throw new Error('injected failure before the move');
          await file.move(dir, name);
        },
      },
    });
    const committed = await window.opfsTools.list('inject');
    window.failMove = true;
    fs.writeFile('a.txt', 'new');
    fs.writeFile('b.txt', 'a new file');
    fs.remove('keep.txt');
    const flush = await window.harness.failure(() => fs.flush());
    return {
      committed,
      flush: flush.message,
      reported,
      persisted: fs.persisted,
      memory: { a: fs.readText('a.txt'), listing: fs.readdir() },
      raw: await window.opfsTools.list('inject'),
    };
  });
  const blobsIn = (raw) => raw.filter((p) => p.startsWith('files/') && p !== 'files/');
  expect(failed.committed).toEqual(['files/', ...blobsIn(failed.committed), 'manifest']);
  expect(blobsIn(failed.committed).length).toBe(2);
  expect(failed.flush).toBe('injected failure before the move');
  expect(failed.reported).toEqual(['injected failure before the move']);
  expect(failed.persisted).toBe(false);
  expect(failed.memory).toEqual({ a: 'new', listing: ['a.txt', 'b.txt'] });
  // The new blobs and the temporary manifest were written; the old manifest and blobs are intact.
  expect(failed.raw).toContain('manifest.tmp');
  expect(blobsIn(failed.raw).length).toBe(4);
  for (const blob of blobsIn(failed.committed)) expect(failed.raw).toContain(blob);

  // A crash can also leave a browser swap file and blobs of a commit that never happened.
  await page.evaluate(async () => {
    await window.opfsTools.write('inject', 'manifest.tmp.crswap', 'partial');
    await window.opfsTools.write('inject/files', '99-99', 'orphan');
  });
  await reload(page);
  const reopened = await page.evaluate(async () => {
    const fs = await window.terrarium.openFilesystem({ opfs: 'inject' });
    const state = { listing: fs.readdir(), a: fs.readText('a.txt'), keep: fs.readText('keep.txt'), raw: await window.opfsTools.list('inject') };
    // And the next commit works.
    fs.writeFile('a.txt', 'newer');
    await fs.flush();
    await fs.close();
    const again = await window.terrarium.openFilesystem({ opfs: 'inject' });
    return { ...state, afterRetry: again.readText('a.txt'), rawAfterRetry: await window.opfsTools.list('inject') };
  });
  expect(reopened.listing).toEqual(['a.txt', 'keep.txt']);
  expect(reopened.a).toBe('old');
  expect(reopened.keep).toBe('kept');
  expect(reopened.raw).toEqual(failed.committed);
  expect(reopened.afterRetry).toBe('newer');
  // a.txt's new blob replaced its old one; keep.txt's stayed.
  const kept = blobsIn(reopened.rawAfterRetry).filter((blob) => failed.committed.includes(blob));
  expect(blobsIn(reopened.rawAfterRetry).length).toBe(2);
  expect(kept.length).toBe(1);
});

test('after a failed commit, the next change commits again without a flush()', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    const reported = [];
    let failures = 0;
    const fs = await openFilesystem({
      opfs: 'retry',
      onPersistError: (error) => reported.push(error.message),
      hooks: {
        async move(file, dir, name) {
          if (failures > 0) {
            failures--;
            // A change while the failing commit runs: it must not be lost.
            if (window.changeDuringFailure) fs.writeFile('during.txt', 'written while a commit failed');
            throw new Error('injected');
          }
          await file.move(dir, name);
        },
      },
    });
    const until = async (condition) => {
      for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      return condition();
    };
    // A failure with no change during it: the next change retries.
    failures = 1;
    fs.writeFile('a.txt', '1');
    const firstFailed = await until(() => reported.length === 1);
    fs.writeFile('a.txt', '2');
    const retried = await until(() => fs.persisted);
    // A failure with a change during it: that change retries.
    failures = 1;
    window.changeDuringFailure = true;
    fs.writeFile('a.txt', '3');
    const secondFailed = await until(() => reported.length === 2);
    const retriedAgain = await until(() => fs.persisted);
    await fs.close();
    const again = await openFilesystem({ opfs: 'retry' });
    return { firstFailed, retried, secondFailed, retriedAgain, reported, dump: window.opfsTools.dump(again) };
  });
  expect(result).toMatchObject({ firstFailed: true, retried: true, secondFailed: true, retriedAgain: true });
  expect(result.reported).toEqual(['injected', 'injected']);
  expect(result.dump['a.txt'].content).toBe('3');
  expect(result.dump['during.txt'].content).toBe('written while a commit failed');
});

test('a reload in the middle of a commit leaves each file whole, old or new', async ({ page }) => {
  const size = 4 << 20;
  await page.evaluate(async (size) => {
    const fs = await window.terrarium.openFilesystem({
      opfs: 'torn',
      files: { 'big.bin': new Uint8Array(size).fill(0x41), 'small.txt': 'A' },
    });
    await fs.close();
  }, size);
  const seen = [];
  for (const delay of [0, 5, 20, 60]) {
    await page.evaluate(
      async ([size, delay, round]) => {
        const fs = await window.terrarium.openFilesystem({ opfs: 'torn' });
        const byte = 0x42 + round;
        fs.writeFile('big.bin', new Uint8Array(size).fill(byte));
        fs.writeFile('small.txt', String.fromCharCode(byte));
        await new Promise((resolve) => setTimeout(resolve, delay));
      },
      [size, delay, seen.length],
    );
    // Reload without waiting for the commit.
    await reload(page);
    const state = await page.evaluate(async () => {
      const fs = await window.terrarium.openFilesystem({ opfs: 'torn' });
      const big = fs.readFile('big.bin');
      const whole = big.every((b) => b === big[0]);
      const raw = await window.opfsTools.list('torn');
      await fs.close();
      return { length: big.length, whole, byte: big[0], small: fs.readText('small.txt').charCodeAt(0), raw };
    });
    expect(state.length).toBe(size);
    expect(state.whole).toBe(true);
    // One commit holds both files: they are from the same state.
    expect(state.small).toBe(state.byte);
    // Opening cleaned up whatever the interrupted commit left: one blob per file, no temporaries.
    expect(state.raw.filter((p) => !p.startsWith('files/'))).toEqual(['manifest']);
    expect(state.raw.filter((p) => p.startsWith('files/') && p !== 'files/').length).toBe(2);
    seen.push(state.byte);
  }
  // The contents are some earlier round's or the last one's, never from before what was committed.
  for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
});

test('the page changes an OPFS filesystem; flush, persisted, the directory lock and close', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { openFilesystem, FilesystemError, PersistentFilesystem, Filesystem } = window.terrarium;
    const fs = await openFilesystem({ opfs: 'apps/editor' });
    const out = { kinds: [fs instanceof PersistentFilesystem, fs instanceof Filesystem], name: fs.name };
    out.emptyPersisted = fs.persisted;
    fs.writeFile('docs/a.txt', 'alpha');
    fs.writeFile('bytes.bin', new Uint8Array([0, 1, 2, 255]));
    fs.mkdir('empty/dir');
    fs.symlink('docs/a.txt', 'link');
    fs.writeFile('gone.txt', 'x');
    out.afterWrite = fs.persisted;
    await fs.flush();
    out.afterFlush = fs.persisted;
    fs.remove('gone.txt');
    await fs.flush();
    const busy = await window.harness.failure(() => openFilesystem({ opfs: 'apps/editor', lockTimeout: 0 }));
    out.busy = { isFilesystemError: busy.name === 'FilesystemError', message: busy.message };
    const waited = Date.now();
    await window.harness.failure(() => openFilesystem({ opfs: 'apps/editor', lockTimeout: 300 }));
    out.waited = Date.now() - waited;
    await fs.close();
    fs.writeFile('after-close.txt', 'memory only');
    out.afterClose = { persisted: fs.persisted, flush: (await window.harness.failure(() => fs.flush())).message };
    const again = await openFilesystem({ opfs: 'apps/editor', lockTimeout: 0 });
    out.again = window.opfsTools.dump(again);
    out.original = window.opfsTools.dump(fs);
    return out;
  });
  expect(result.kinds).toEqual([true, true]);
  expect(result.name).toBe('apps/editor');
  expect(result.emptyPersisted).toBe(true);
  expect(result.afterWrite).toBe(false);
  expect(result.afterFlush).toBe(true);
  expect(result.busy).toEqual({
    isFilesystemError: true,
    message: "openFilesystem 'apps/editor': busy (another tab, worker or filesystem has this OPFS directory open; close() it first)",
  });
  expect(result.waited).toBeGreaterThanOrEqual(250);
  expect(result.afterClose).toEqual({
    persisted: false,
    flush: "flush 'apps/editor': bad-descriptor (closed: later changes stay in memory)",
  });
  delete result.original['after-close.txt'];
  expect(result.again).toEqual(result.original);
  expect(Object.keys(result.again).sort()).toEqual(['bytes.bin', 'docs', 'docs/a.txt', 'empty', 'empty/dir', 'link']);

  await reload(page);
  const after = await page.evaluate(async () => {
    const fs = await window.terrarium.openFilesystem({ opfs: 'apps/editor' });
    return { dump: window.opfsTools.dump(fs), bytes: Array.from(fs.readFile('bytes.bin')), link: fs.readText('link') };
  });
  expect(after.dump).toEqual(result.again);
  expect(after.bytes).toEqual([0, 1, 2, 255]);
  expect(after.link).toBe('alpha');
});

test('what OPFS holds is checked when opened: a damaged manifest or a missing file is an io error', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const { openFilesystem } = window.terrarium;
    const fs = await openFilesystem({ opfs: 'damaged', files: { 'a.txt': 'alpha' } });
    await fs.close();
    const manifest = await (await (await window.opfsTools.dir('damaged')).getFileHandle('manifest')).getFile();
    const bytes = new Uint8Array(await manifest.arrayBuffer());
    bytes[bytes.length - 20] ^= 1;
    await window.opfsTools.write('damaged', 'manifest', bytes);
    const corrupt = await window.harness.failure(() => openFilesystem({ opfs: 'damaged' }));

    const ok = await openFilesystem({ opfs: 'missing', files: { 'a.txt': 'alpha' } });
    await ok.close();
    const files = await window.opfsTools.dir('missing/files');
    for await (const name of files.keys()) await files.removeEntry(name);
    const missing = await window.harness.failure(() => openFilesystem({ opfs: 'missing' }));
    // A failed open lets go of the directory.
    const retry = await window.harness.failure(() => openFilesystem({ opfs: 'missing', lockTimeout: 0 }));
    return { corrupt: corrupt.message, missing: missing.message, retry: retry.message };
  });
  expect(result.corrupt).toBe("openFilesystem 'damaged': io (corrupt manifest: checksum mismatch)");
  expect(result.missing).toMatch(/^openFilesystem 'missing': io \(the content of a file, files\/\d+-\d+, is missing\)$/);
  expect(result.retry).toBe(result.missing);
});

test('a module worker opens an OPFS filesystem, and the page reads it once the worker closes it', async ({ page }) => {
  const result = await page.evaluate(async () => {
    const source = `
      import { openFilesystem, run } from '${location.origin}/js/index.js';
      const fs = await openFilesystem({ opfs: 'from-worker', files: { 'trap.txt': 'before the guest' } });
      fs.writeFile('note.txt', 'written in a worker');
      const { exitCode } = await run('${location.origin}/components/wasi-fs.wasm', {
        args: ['wasi-fs', 'drop'], preopens: { '/data': fs }, stdout: () => {}, stderr: () => {},
      }).catch((error) => ({ exitCode: error.kind }));
      await fs.close();
      postMessage({ exitCode, isWorker: typeof window === 'undefined' });
    `;
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { type: 'module' });
    const answer = await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => resolve(data);
      worker.onerror = (event) => reject(new Error(`worker error: ${event.message}`));
    });
    const fs = await window.terrarium.openFilesystem({ opfs: 'from-worker', lockTimeout: 5000 });
    worker.terminate();
    return { ...answer, listing: fs.readdir(), note: fs.readText('note.txt'), trap: fs.readText('trap.txt') };
  });
  expect(result).toEqual({
    exitCode: 'trap',
    isWorker: true,
    listing: ['note.txt', 'trap.txt'],
    note: 'written in a worker',
    trap: 'published on drop',
  });
});
