// Filesystems kept in the Origin Private File System: openFilesystem({ opfs: 'my-app' }).
//
// The in-memory filesystem (Rust, polyfill-wasi/src/fs/) stays the live state, so every WASI call
// stays synchronous; this module writes it behind, asynchronously and in order:
//
//   <dir>/manifest        the tree: every node, its metadata, and which blob holds each file
//   <dir>/files/<ino>-<r> a file's content as of revision <r>; written once, never changed
//   <dir>/manifest.tmp    a manifest being written
//
// Persisting takes a snapshot (polyfill_wasi::fs::persist) in one synchronous step: the manifest
// and the contents of the files changed since the last commit. It writes those blobs under their
// fresh names, writes the manifest to manifest.tmp and moves it onto `manifest` (the commit
// point), then deletes the blobs the new manifest no longer names. A failure or a closed page at
// any step leaves the previous manifest and every blob it names untouched: a file in OPFS is
// whole, as of one commit. Opening recovers: it deletes manifest.tmp, swap files of unfinished
// writes (`*.crswap`) and every blob the manifest does not name.
//
// Changes are noticed through the filesystem's observer (told of the first change after each
// snapshot), so a guest's published writes and the page's calls schedule a commit; several
// changes made before the commit starts go into one. One commit runs at a time.
//
// Workers use the same asynchronous path as pages: createSyncAccessHandle (workers only) would
// write synchronously but still needs the temporary-and-move for atomicity, locks each file
// exclusively, and would give pages and workers two code paths to keep equal.

import { Filesystem, FilesystemError, fill, filesystemToken, filesystemWasm } from './filesystem.js';

const MANIFEST = 'manifest';
const TEMPORARY = 'manifest.tmp';
const FILES = 'files';

const blobName = (ino, revision) => `${ino}-${revision}`;

/** The names in an OPFS directory. */
async function namesIn(dir) {
  const names = [];
  for await (const name of dir.keys()) names.push(name);
  return names;
}

/** Runs `fn` over `items`, at most `width` at a time. */
async function inParallel(items, width, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

/** Replaces the content of `handle` with `bytes`, or leaves it as it was. */
async function writeWhole(handle, bytes) {
  const writable = await handle.createWritable();
  try {
    await writable.write(bytes);
  } catch (error) {
    await writable.abort().catch(() => {});
    throw error;
  }
  await writable.close();
}

/** The bytes of a file of `dir`, or null if there is none. */
async function readIn(dir, name) {
  let handle;
  try {
    handle = await dir.getFileHandle(name);
  } catch (error) {
    if (error?.name === 'NotFoundError' || error?.name === 'TypeMismatchError') return null;
    throw error;
  }
  return new Uint8Array(await (await handle.getFile()).arrayBuffer());
}

/** One filesystem's OPFS directory: its layout and the steps of a commit. */
class OpfsStore {
  #dir;
  #files;
  #move;

  constructor(dir, files, move) {
    this.#dir = dir;
    this.#files = files;
    this.#move = move;
  }

  /** The store in OPFS directory `path` (names separated by `/`), made if missing. */
  static async open(path, move) {
    let dir = await navigator.storage.getDirectory();
    for (const name of path.split('/')) dir = await dir.getDirectoryHandle(name, { create: true });
    const files = await dir.getDirectoryHandle(FILES, { create: true });
    return new OpfsStore(dir, files, move);
  }

  readManifest() {
    return readIn(this.#dir, MANIFEST);
  }

  readBlob(name) {
    return readIn(this.#files, name);
  }

  blobNames() {
    return namesIn(this.#files);
  }

  async writeBlob(name, bytes) {
    await writeWhole(await this.#files.getFileHandle(name, { create: true }), bytes);
  }

  /** Writes the manifest to a temporary, then moves it into place: the commit point. */
  async commit(manifest) {
    const temporary = await this.#dir.getFileHandle(TEMPORARY, { create: true });
    await writeWhole(temporary, manifest);
    await this.#move(temporary, this.#dir, MANIFEST);
  }

  async removeBlob(name) {
    await this.#files.removeEntry(name);
  }

  /** Deletes what an interrupted commit leaves: the temporary manifest and browser swap files. */
  async removeTemporaries() {
    for (const dir of [this.#dir, this.#files]) {
      for (const name of await namesIn(dir)) {
        if (name === TEMPORARY || name.endsWith('.crswap')) await dir.removeEntry(name).catch(() => {});
      }
    }
  }
}

/**
 * Takes the Web Lock of `path`, so that one tab, worker or filesystem at a time writes the
 * directory; waits up to `timeout` ms for another holder. Returns the function that releases it.
 */
async function acquire(path, timeout) {
  if (typeof navigator.locks?.request !== 'function') return () => {};
  const name = `terrarium:opfs:${path}`;
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const request = (options) =>
    new Promise((resolve, reject) => {
      navigator.locks
        .request(name, options, (lock) => {
          resolve(lock !== null);
          return lock === null ? undefined : held;
        })
        .catch(reject);
    });
  let granted = await request({ ifAvailable: true });
  if (!granted && timeout > 0) {
    granted = await request({ signal: AbortSignal.timeout(timeout) }).catch(() => false);
  }
  if (!granted) {
    throw new FilesystemError(
      'busy',
      'openFilesystem',
      path,
      'another tab, worker or filesystem has this OPFS directory open; close() it first',
    );
  }
  return release;
}

/** A `path` of OPFS directory names, checked. */
function checkedPath(opfs) {
  if (typeof opfs !== 'string' || opfs === '') {
    throw new TypeError("openFilesystem: `opfs` must name an OPFS directory, e.g. { opfs: 'my-app' }");
  }
  const names = opfs.split('/');
  if (names.some((name) => name === '' || name === '.' || name === '..')) {
    throw new TypeError(`openFilesystem: '${opfs}' is not a path of directory names ('a' or 'a/b')`);
  }
  return opfs;
}

const ioError = (path, detail) => new FilesystemError('io', 'openFilesystem', path, detail);

/**
 * A filesystem kept in an OPFS directory, made by openFilesystem(). It is a `Filesystem` (mount it
 * in `preopens`, read and change it from the page) whose changes are written to OPFS behind it:
 * `await fs.flush()` says when they are durable.
 */
export class PersistentFilesystem extends Filesystem {
  #inner;
  #store;
  #path;
  #onError;
  #release;
  /** The revision of the manifest in OPFS. */
  #committed;
  /** Blob names that exist in OPFS, as far as this filesystem knows. */
  #present;
  /** The running commit loop: resolves to its error, or null. */
  #running = null;
  #closed = false;
  /** The revision of the snapshot being committed. */
  #attempt = null;
  /** Whether to start again once the running commit ends (a change came during a failed one). */
  #again = false;

  /** Use openFilesystem(). */
  constructor(secret, inner, state) {
    super(secret, inner);
    this.#inner = inner;
    ({ store: this.#store, path: this.#path, onError: this.#onError, release: this.#release } = state);
    this.#committed = state.committed;
    this.#present = state.present;
    inner.observe({ changed: () => this.#closed || this.#start() });
  }

  /** The OPFS directory this filesystem lives in. */
  get name() {
    return this.#path;
  }

  /** Whether OPFS holds every change made so far. */
  get persisted() {
    return this.#inner.revision() === this.#committed;
  }

  /**
   * Resolves once every change made before the call is in OPFS. Rejects with the error if writing
   * failed; OPFS then still holds the previous state, and the next change or flush() tries again.
   */
  async flush() {
    const target = this.#inner.revision();
    while (this.#committed < target) {
      if (this.#closed) {
        throw new FilesystemError('bad-descriptor', 'flush', this.#path, 'closed: later changes stay in memory');
      }
      const error = await this.#start();
      if (this.#committed < target) throw error ?? new FilesystemError('io', 'flush', this.#path);
    }
  }

  /**
   * Flushes, then stops persisting and releases the directory for another tab or worker. The
   * filesystem stays usable in memory. If the flush fails, this rejects and nothing is closed.
   */
  async close() {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#release();
  }

  /** Starts committing, unless a commit runs already; the promise resolves when it ends. */
  #start() {
    this.#running ??= this.#drain().finally(() => {
      this.#running = null;
      if (this.#again && !this.#closed) {
        this.#again = false;
        this.#start();
      }
    });
    return this.#running;
  }

  /** Commits until OPFS holds the latest revision; returns the error that stopped it, or null. */
  async #drain() {
    // Never inside the change that told us: the filesystem is busy until it returns.
    await null;
    try {
      while (!this.#closed && this.#inner.revision() !== this.#committed) await this.#commit();
      return null;
    } catch (error) {
      // A change made during the failed commit was announced while it ran, and will not be
      // again: that change is the cue to retry, as any later one is (snapshots re-arm).
      this.#again = this.#attempt !== null && this.#inner.revision() !== this.#attempt;
      try {
        this.#onError(error);
      } catch {
        // A listener's failure must not hide the first one.
      }
      return error;
    }
  }

  async #commit() {
    const snapshot = this.#inner.snapshot(this.#committed);
    let revision, manifest, files, changed;
    const contents = [];
    try {
      ({ revision, manifest, files, changed } = snapshot);
      this.#attempt = revision;
      for (let i = 0; i < changed.length / 2; i++) contents.push(snapshot.takeContent(i));
    } finally {
      snapshot.free();
    }
    for (let i = 0; i < contents.length; i++) {
      const name = blobName(changed[2 * i], changed[2 * i + 1]);
      // Known before it is written: a failed write may leave it behind.
      this.#present.add(name);
      await this.#store.writeBlob(name, contents[i]);
      contents[i] = null;
    }
    await this.#store.commit(manifest);
    this.#committed = revision;
    const named = new Set();
    for (let i = 0; i < files.length; i += 2) named.add(blobName(files[i], files[i + 1]));
    for (const name of this.#present) {
      if (named.has(name)) continue;
      // Left for the next open to delete if this fails.
      await this.#store.removeBlob(name).catch(() => {});
      this.#present.delete(name);
    }
  }
}

/**
 * A filesystem kept in OPFS directory `opfs` (`'my-app'`, or `'apps/editor'`), made if missing:
 * its tree and contents are loaded now, and every change, by a guest (as its writes are published)
 * or by the page, is written back behind it. `files` fills a directory opened for the first time.
 * @param {{ opfs: string, files?: Record<string, any>, onPersistError?: (error: Error) => void,
 *   lockTimeout?: number, hooks?: { move?: Function } }} options
 * @returns {Promise<PersistentFilesystem>}
 */
export async function openFilesystem(options) {
  const { opfs, files, onPersistError, lockTimeout = 2000, hooks } = options ?? {};
  const path = checkedPath(opfs);
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') {
    throw new FilesystemError(
      'unsupported',
      'openFilesystem',
      path,
      'no Origin Private File System here (navigator.storage.getDirectory): it needs a browser page or worker ' +
        'in a secure context; Node has none, use createFilesystem() for a filesystem in memory',
    );
  }
  const wasm = await filesystemWasm();
  const release = await acquire(path, lockTimeout);
  try {
    const move = hooks?.move ?? ((file, dir, name) => file.move(dir, name));
    const store = await OpfsStore.open(path, move);
    await store.removeTemporaries();
    const manifest = await store.readManifest();
    let inner;
    const named = new Set();
    if (manifest) {
      try {
        inner = wasm.Filesystem.restore(manifest);
      } catch (thrown) {
        throw ioError(path, String(thrown));
      }
      const list = inner.restoreList();
      const blobs = [];
      for (let i = 0; i < list.length; i += 3) blobs.push(blobName(list[i], list[i + 1]));
      await inParallel(blobs, 8, async (name, i) => {
        named.add(name);
        const bytes = await store.readBlob(name);
        if (bytes === null) throw ioError(path, `the content of a file, ${FILES}/${name}, is missing`);
        try {
          inner.restoreContent(i, bytes);
        } catch (thrown) {
          throw ioError(path, String(thrown));
        }
      });
    } else {
      inner = new wasm.Filesystem();
    }
    const present = new Set();
    for (const name of await store.blobNames()) {
      if (named.has(name)) present.add(name);
      else await store.removeBlob(name).catch(() => present.add(name));
    }
    const onError =
      onPersistError ?? ((error) => console.error(`terrarium: writing filesystem '${path}' to OPFS failed:`, error));
    const fs = new PersistentFilesystem(filesystemToken, inner, {
      store,
      path,
      onError,
      release,
      committed: inner.revision(),
      present,
    });
    if (!manifest && files) {
      await fill(fs, '', files);
      await fs.flush();
    }
    return fs;
  } catch (error) {
    release();
    throw error;
  }
}
