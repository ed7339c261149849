// wasi:filesystem@0.2 (types, preopens) over Terrarium's virtual filesystem, and @0.3 over the
// same descriptors (p3/filesystem.js). The filesystem itself is Rust (polyfill-wasi/src/fs/,
// tested natively), compiled into the `wasi` build of the web crate; this module only turns its
// handles into WASI resources and plain values. In Node, a
// preopen may also be a folder of the host (`{ hostPath }`), served with the same handles by
// host-dir.js, which js/platform-node.js provides (a browser bundle never loads it).
//
// A page makes filesystems with createFilesystem() (in memory) or openFilesystem() (kept in OPFS,
// ./opfs.js). The first call downloads the `wasi` build, so a page that never makes one never
// fetches it; a component that imports wasi:filesystem but is given no preopens sees no
// directories and needs nothing downloaded either.
//
// Writes through an output stream are published to the file when the guest flushes the stream
// (or drops it, or syncs its descriptor). An instance that ends otherwise (a trap, an exit,
// disposal) publishes nothing more: the embedder never sees half of a guest's write.

import { engine } from '../../js/engine.js';
import { hostDirectories } from '#platform';
import { DESCRIPTOR_FLAGS, DESCRIPTOR_TYPES, OPEN_FLAGS, SYMLINK_FOLLOW } from './fs-codes.js';
import { InputStream, IoError, OutputStream, closedError, dispose } from './io.js';
import { createFilesystemP3 } from './p3/filesystem.js';

/** The loaded `wasi` build of the web crate, once a filesystem has been made. */
let wasm = null;

const NEW_TIMESTAMP = { 'no-change': 0, now: 1, timestamp: 2 };

const toBits = (flags, table) => {
  let bits = 0;
  if (flags) for (const [name, bit] of table) if (flags[name]) bits |= bit;
  return bits;
};
const fromBits = (bits, table) => Object.fromEntries(table.map(([name, bit]) => [name, (bits & bit) !== 0]));
const pathBits = (flags) => (flags?.symlinkFollow ? SYMLINK_FOLLOW : 0);
const u64 = (n) => (typeof n === 'bigint' ? n : BigInt(n));

/** `[kind, seconds, nanoseconds]` of a `new-timestamp`, as the Rust side takes them. */
function newTimestamp(value) {
  const kind = NEW_TIMESTAMP[value?.tag];
  if (kind === undefined) throw new TypeError(`wasi:filesystem: not a new-timestamp: ${value?.tag}`);
  return kind === 2 ? [2, u64(value.val.seconds), value.val.nanoseconds >>> 0] : [kind, 0n, 0];
}

const datetime = (seconds, nanoseconds) => ({ seconds, nanoseconds: Number(nanoseconds) });

/** A `descriptor-stat` from the Rust side's `[type, links, size, atime s, ns, mtime s, ns, ctime s, ns]`. */
function descriptorStat(v) {
  return {
    type: DESCRIPTOR_TYPES[Number(v[0])],
    linkCount: v[1],
    size: v[2],
    dataAccessTimestamp: datetime(v[3], v[4]),
    dataModificationTimestamp: datetime(v[5], v[6]),
    statusChangeTimestamp: datetime(v[7], v[8]),
  };
}

/** A directory entry from the Rust side's "<type digit><name>". */
const directoryEntry = (text) => ({ type: DESCRIPTOR_TYPES[Number(text[0])], name: text.slice(1) });

/** The filesystem error code behind each stream error this module made (filesystem-error-code). */
const streamErrorCodes = new WeakMap();

/** The WIT stream-error for what the Rust side threw: `closed`, or an error code. */
function streamError(thrown) {
  if (thrown === 'closed') return closedError();
  if (typeof thrown !== 'string') return thrown;
  const error = new IoError(`wasi:filesystem: ${thrown}`);
  streamErrorCodes.set(error, thrown);
  return { tag: 'last-operation-failed', val: error };
}

/**
 * One guest instance's descriptors and streams on one backend (a Rust `Vfs` for the in-memory
 * filesystems, a host-dir.js `HostVfs` for host directories), made on first use. `end()` drops
 * them all at once without publishing any unflushed write.
 */
class Session {
  #vfs = null;
  #ended = false;
  #make;

  /**
   * @param {() => any} make makes the backend
   * @param {object} instance what this session's guest instance's sessions share
   */
  constructor(make, instance) {
    this.#make = make;
    this.instance = instance;
  }

  get vfs() {
    if (this.#ended) throw 'bad-descriptor';
    this.#vfs ??= this.#make();
    return this.#vfs;
  }

  get ended() {
    return this.#ended;
  }

  /** Runs `release(vfs)` unless the session has ended (drops after the end are no-ops). */
  release(release) {
    if (!this.#ended && this.#vfs !== null) release(this.#vfs);
  }

  end() {
    this.#ended = true;
    this.#vfs?.free();
    this.#vfs = null;
  }
}

/** An input stream's source: a Rust file input stream. */
class FileSource {
  #session;
  #id;

  constructor(session, id) {
    this.#session = session;
    this.#id = id;
  }

  read(n) {
    try {
      return this.#session.vfs.inputRead(this.#id, BigInt(n));
    } catch (thrown) {
      throw streamError(thrown);
    }
  }

  close() {
    this.#session.release((vfs) => vfs.dropInput(this.#id));
  }
}

/** An output stream's sink: a Rust file output stream, which journals until a flush. */
class FileSink {
  closed = false;
  budget;
  #session;
  #id;

  constructor(session, id) {
    this.#session = session;
    this.#id = id;
    this.budget = Number(session.vfs.outputCheckWrite(id));
  }

  #call(method, ...args) {
    try {
      return this.#session.vfs[method](this.#id, ...args);
    } catch (thrown) {
      this.closed = true;
      throw streamError(thrown);
    }
  }

  write(bytes) {
    this.#call('outputWrite', bytes);
  }

  /** Publishes what was written since the last flush. */
  flush() {
    this.#call('outputFlush');
  }

  commit() {
    this.flush();
  }

  /** The guest dropped the stream: what it wrote is published, as on close. */
  close() {
    this.#session.release((vfs) => vfs.dropOutput(this.#id));
  }
}

/** wasi:filesystem/types.descriptor: an open file or directory of one session. */
export class Descriptor {
  #session;
  #fd;
  #dropped = false;

  /** Host-only: descriptors come from get-directories and open-at. */
  constructor(session, fd) {
    if (!(session instanceof Session)) throw new TypeError('wasi:filesystem: descriptors come from get-directories');
    this.#session = session;
    this.#fd = fd;
  }

  get #vfs() {
    if (this.#dropped) throw 'bad-descriptor';
    return this.#session.vfs;
  }

  /**
   * The handle of `other` in this descriptor's session: `bad-descriptor` if it is not a live
   * descriptor of this instance, `cross-device` if it is on the instance's other backend (a host
   * directory and an in-memory filesystem are never one filesystem).
   */
  #peer(other) {
    if (!(other instanceof Descriptor) || other.#dropped || other.#session.instance !== this.#session.instance) throw 'bad-descriptor';
    if (other.#session !== this.#session) throw 'cross-device';
    return other.#fd;
  }

  readViaStream(offset) {
    return new InputStream(new FileSource(this.#session, this.#vfs.readViaStream(this.#fd, u64(offset))));
  }

  writeViaStream(offset) {
    return new OutputStream(new FileSink(this.#session, this.#vfs.writeViaStream(this.#fd, u64(offset))));
  }

  appendViaStream() {
    return new OutputStream(new FileSink(this.#session, this.#vfs.appendViaStream(this.#fd)));
  }

  advise(_offset, _length, _advice) {
    this.#vfs.advise(this.#fd);
  }

  syncData() {
    this.#vfs.sync(this.#fd);
  }

  getFlags() {
    return fromBits(this.#vfs.getFlags(this.#fd), DESCRIPTOR_FLAGS);
  }

  getType() {
    return DESCRIPTOR_TYPES[this.#vfs.getType(this.#fd)];
  }

  setSize(size) {
    this.#vfs.setSize(this.#fd, u64(size));
  }

  setTimes(dataAccessTimestamp, dataModificationTimestamp) {
    this.#vfs.setTimes(this.#fd, ...newTimestamp(dataAccessTimestamp), ...newTimestamp(dataModificationTimestamp));
  }

  /** `[bytes, end-of-file]`; as in wasmtime, the end is reported by an empty read. */
  read(length, offset) {
    const bytes = this.#vfs.read(this.#fd, u64(length), u64(offset));
    return [bytes, bytes.length === 0];
  }

  write(buffer, offset) {
    return this.#vfs.write(this.#fd, buffer, u64(offset));
  }

  readDirectory() {
    return new DirectoryEntryStream(this.#session, this.#vfs.readDirectory(this.#fd));
  }

  sync() {
    this.#vfs.sync(this.#fd);
  }

  createDirectoryAt(path) {
    this.#vfs.createDirectoryAt(this.#fd, path);
  }

  stat() {
    return descriptorStat(this.#vfs.stat(this.#fd));
  }

  statAt(pathFlags, path) {
    return descriptorStat(this.#vfs.statAt(this.#fd, pathBits(pathFlags), path));
  }

  setTimesAt(pathFlags, path, dataAccessTimestamp, dataModificationTimestamp) {
    this.#vfs.setTimesAt(
      this.#fd,
      pathBits(pathFlags),
      path,
      ...newTimestamp(dataAccessTimestamp),
      ...newTimestamp(dataModificationTimestamp),
    );
  }

  linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
    this.#vfs.linkAt(this.#fd, pathBits(oldPathFlags), oldPath, this.#peer(newDescriptor), newPath);
  }

  openAt(pathFlags, path, openFlags, flags) {
    const fd = this.#vfs.openAt(
      this.#fd,
      pathBits(pathFlags),
      path,
      toBits(openFlags, OPEN_FLAGS),
      toBits(flags, DESCRIPTOR_FLAGS),
    );
    return new Descriptor(this.#session, fd);
  }

  readlinkAt(path) {
    return this.#vfs.readlinkAt(this.#fd, path);
  }

  removeDirectoryAt(path) {
    this.#vfs.removeDirectoryAt(this.#fd, path);
  }

  renameAt(oldPath, newDescriptor, newPath) {
    this.#vfs.renameAt(this.#fd, oldPath, this.#peer(newDescriptor), newPath);
  }

  symlinkAt(oldPath, newPath) {
    this.#vfs.symlinkAt(this.#fd, oldPath, newPath);
  }

  unlinkFileAt(path) {
    this.#vfs.unlinkFileAt(this.#fd, path);
  }

  isSameObject(other) {
    if (!(other instanceof Descriptor) || other.#session !== this.#session || this.#session.ended) return false;
    return this.#session.vfs.isSameObject(this.#fd, other.#fd);
  }

  metadataHash() {
    const [lower, upper] = this.#vfs.metadataHash(this.#fd);
    return { lower, upper };
  }

  metadataHashAt(pathFlags, path) {
    const [lower, upper] = this.#vfs.metadataHashAt(this.#fd, pathBits(pathFlags), path);
    return { lower, upper };
  }

  [dispose]() {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#session.release((vfs) => vfs.dropDescriptor(this.#fd));
  }
}

/** wasi:filesystem/types.directory-entry-stream: a directory's entries at read-directory time. */
export class DirectoryEntryStream {
  #session;
  #id;
  #dropped = false;

  /** Host-only: made by read-directory. */
  constructor(session, id) {
    if (!(session instanceof Session)) throw new TypeError('wasi:filesystem: entry streams come from read-directory');
    this.#session = session;
    this.#id = id;
  }

  readDirectoryEntry() {
    if (this.#dropped) throw 'bad-descriptor';
    const entry = this.#session.vfs.readDirectoryEntry(this.#id);
    return entry === undefined ? undefined : directoryEntry(entry);
  }

  [dispose]() {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#session.release((vfs) => vfs.dropDirectoryEntries(this.#id));
  }
}

/** wasi:filesystem/types.filesystem-error-code: the error code behind a file stream's error. */
export function filesystemErrorCode(error) {
  return streamErrorCodes.get(error);
}

/** A failed operation on a Filesystem: `code` is the WASI error code (`'no-entry'`, …). */
export class FilesystemError extends Error {
  constructor(code, operation, path, detail) {
    super(`${operation} '${path}': ${code}${detail ? ` (${detail})` : ''}`);
    this.code = code;
    this.path = path;
  }

  get name() {
    return 'FilesystemError';
  }
}

/** Host-only: what a Filesystem's constructor asks for (createFilesystem, openFilesystem). */
export const filesystemToken = Symbol('terrarium.filesystem');
const token = filesystemToken;
let innerOf;

function toBytes(data, path) {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`filesystem: the content of '${path}' must be a string, bytes or an ArrayBuffer`);
}

const isContent = (value) =>
  typeof value === 'string' || value instanceof ArrayBuffer || ArrayBuffer.isView(value);

const toDate = (v, i) => new Date(Number(v[i]) * 1000 + Math.floor(Number(v[i + 1]) / 1e6));

/**
 * A filesystem in memory, made by createFilesystem(), that guests mount through preopens. The
 * page fills it before a run and reads it after; paths are relative to its root (a leading `/` is
 * allowed) and symbolic links are followed.
 */
export class Filesystem {
  #inner;

  /** Use createFilesystem(). */
  constructor(secret, inner) {
    if (secret !== token) throw new TypeError('use createFilesystem() to make a Filesystem');
    this.#inner = inner;
  }

  static {
    innerOf = (fs) => fs.#inner;
  }

  #call(operation, path, fn) {
    try {
      return fn(this.#inner);
    } catch (thrown) {
      if (typeof thrown === 'string') throw new FilesystemError(thrown, operation, path);
      throw thrown;
    }
  }

  /** The content of file `path`. */
  readFile(path) {
    return this.#call('readFile', path, (fs) => fs.readFile(String(path)));
  }

  /** The content of file `path`, decoded as UTF-8. */
  readText(path) {
    return new TextDecoder().decode(this.readFile(path));
  }

  /** Replaces (or creates) file `path`, and its parent directories if missing. */
  writeFile(path, data) {
    const bytes = toBytes(data, path);
    this.#call('writeFile', path, (fs) => fs.writeFile(String(path), bytes));
  }

  /** Makes directory `path` and any missing parents. */
  mkdir(path) {
    this.#call('mkdir', path, (fs) => fs.makeDirs(String(path)));
  }

  /** The names in directory `path`, sorted. */
  readdir(path = '/') {
    return this.#call('readdir', path, (fs) => fs.readDir(String(path)).map((entry) => entry.slice(1)));
  }

  /**
   * `{ type, size, linkCount, accessed, modified, changed }` of `path` (the times as Dates);
   * `follow: false` describes a final symbolic link itself.
   */
  stat(path, { follow = true } = {}) {
    const v = this.#call('stat', path, (fs) => fs.stat(String(path), follow));
    return {
      type: DESCRIPTOR_TYPES[Number(v[0])],
      size: Number(v[2]),
      linkCount: Number(v[1]),
      accessed: toDate(v, 3),
      modified: toDate(v, 5),
      changed: toDate(v, 7),
    };
  }

  /** Whether `path` names something (a dangling symbolic link counts). */
  exists(path) {
    try {
      this.#inner.stat(String(path), false);
      return true;
    } catch (thrown) {
      if (typeof thrown === 'string') return false;
      throw thrown;
    }
  }

  /** Removes a file, a symbolic link, or a directory with everything in it. */
  remove(path) {
    this.#call('remove', path, (fs) => fs.remove(String(path)));
  }

  /** Makes a symbolic link at `path` holding `target` (relative to the link's directory). */
  symlink(target, path) {
    this.#call('symlink', path, (fs) => fs.symlink(String(target), String(path)));
  }

  /** The target of symbolic link `path`. */
  readlink(path) {
    return this.#call('readlink', path, (fs) => fs.readlink(String(path)));
  }
}

/** Fills `fs` from a createFilesystem()-style tree of entries. */
export async function fill(fs, prefix, tree) {
  for (const [name, value] of Object.entries(tree)) {
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (isContent(value)) {
      fs.writeFile(path, value);
    } else if (typeof Blob !== 'undefined' && value instanceof Blob) {
      fs.writeFile(path, new Uint8Array(await value.arrayBuffer()));
    } else if (value !== null && typeof value === 'object') {
      fs.mkdir(path);
      await fill(fs, path, value);
    } else {
      throw new TypeError(`createFilesystem: '${path}' must be a string, bytes, a Blob or an object of entries`);
    }
  }
}

/**
 * A new filesystem, filled from `files`: keys are paths (`'sub/b.bin'` makes `sub/`), values are
 * file contents (a string, bytes, an ArrayBuffer or a Blob) or objects of further entries (a
 * directory). The first call loads the filesystem's wasm.
 * @param {Record<string, any>} [files]
 * @returns {Promise<Filesystem>}
 */
export async function createFilesystem(files = {}) {
  await filesystemWasm();
  const fs = new Filesystem(token, new wasm.Filesystem());
  await fill(fs, '', files ?? {});
  return fs;
}

/** The `wasi` build of the web crate, loaded on first use. */
export async function filesystemWasm() {
  wasm ??= await engine('wasi');
  return wasm;
}

/**
 * `[{path, fs, readOnly}]` (an in-memory filesystem) or `[{path, host, readOnly}]` (a host
 * directory, opened now so that a missing one is refused before the guest starts) from the
 * `preopens` option.
 */
function normalisePreopens(preopens) {
  if (preopens === undefined || preopens === null) return [];
  if (typeof preopens !== 'object') throw new TypeError('createWasi: preopens must be an object of guest path → filesystem');
  const entries = preopens instanceof Map ? [...preopens] : Object.entries(preopens);
  return entries.map(([path, value]) => {
    if (typeof path !== 'string' || path === '') throw new TypeError('createWasi: a preopen needs a guest path');
    const { dir, hostPath, readOnly = false } = value instanceof Filesystem ? { dir: value } : (value ?? {});
    if (hostPath !== undefined) return { path, host: hostDirectory(path, hostPath), readOnly: Boolean(readOnly) };
    if (!(dir instanceof Filesystem)) {
      throw new TypeError(
        `createWasi: preopens['${path}'] must be a Filesystem from createFilesystem() or openFilesystem(), { dir: Filesystem, readOnly }, or (in Node) { hostPath, readOnly }`,
      );
    }
    return { path, fs: innerOf(dir), readOnly: Boolean(readOnly) };
  });
}

/** The host folder `hostPath` mounted at `path`; a TypeError where there is none to mount. */
function hostDirectory(path, hostPath) {
  if (hostDirectories === null) {
    throw new TypeError(
      `createWasi: preopens['${path}'].hostPath: a browser has no host directories; mount a Filesystem from createFilesystem() or openFilesystem()`,
    );
  }
  if (typeof hostPath !== 'string' || hostPath === '') throw new TypeError(`createWasi: preopens['${path}'].hostPath must be a path`);
  try {
    return hostDirectories.open(hostPath);
  } catch (code) {
    if (typeof code !== 'string') throw code;
    throw new TypeError(`createWasi: preopens['${path}'].hostPath '${hostPath}' is not a directory that can be opened (${code})`);
  }
}

/**
 * The wasi:filesystem interfaces (0.2 and 0.3) for one guest instance, over the filesystems `preopens` mounts:
 * `{ '/data': fs, '/ro': { dir: fs, readOnly: true }, '/home': { hostPath: '.' } }`. `end()`
 * closes everything the guest has open, publishing none of its unflushed writes.
 */
export function createFilesystemInterfaces(preopens) {
  const mounts = normalisePreopens(preopens);
  const instance = {};
  const memory = new Session(() => new wasm.Vfs(), instance);
  const host = new Session(() => hostDirectories.session(), instance);
  const getDirectories = () =>
    mounts.map(({ path, fs, host: dir, readOnly }) => {
      const session = dir === undefined ? memory : host;
      return [new Descriptor(session, session.vfs.preopen(dir ?? fs, readOnly)), path];
    });
  return {
    interfaces: {
      'wasi:filesystem/types': { Descriptor, DirectoryEntryStream, filesystemErrorCode },
      'wasi:filesystem/preopens': { getDirectories },
      ...createFilesystemP3(getDirectories, filesystemErrorCode),
    },
    end: () => {
      memory.end();
      host.end();
    },
  };
}

/** @type {import('./compose.js').WasiPackage} */
export const filesystemPackage = (options) => createFilesystemInterfaces(options.preopens);
