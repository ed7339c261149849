// Host directories as WASI preopens, in Node (like wasmtime's `--dir`): a folder of the host in,
// one guest instance's descriptors, streams and directory listings over it out, as handles with
// the same methods, argument shapes and thrown error codes as the Rust filesystem's `Vfs` (see
// filesystem.js, which serves both). node:fs is handed in by js/platform-node.js, so this module
// (never loaded in a browser) imports nothing from Node itself.
//
// Permissions and answers follow polyfill-wasi/src/fs/descriptor.rs (itself modelled on
// wasmtime): a read-only preopen refuses every change with `not-permitted`, a file descriptor's
// open mode is checked before the OS is asked, and each preopen is its own filesystem (a rename
// or link between two is `cross-device`). Paths are confined by host-path.js.

import { DESCRIPTOR_FLAGS, DESCRIPTOR_TYPES, OPEN_FLAGS, SYMLINK_FOLLOW, bit } from './fs-codes.js';
import { os } from './host-errors.js';
import { checkSymlinkTarget, endsWithSlash, existing, lstat, walk, walkedPath } from './host-path.js';
import { HostFile, HostInput, HostOutput } from './host-streams.js';

const READ = bit(DESCRIPTOR_FLAGS, 'read');
const WRITE = bit(DESCRIPTOR_FLAGS, 'write');
const MUTATE_DIRECTORY = bit(DESCRIPTOR_FLAGS, 'mutateDirectory');
const SYNC_FLAGS = ['fileIntegritySync', 'dataIntegritySync', 'requestedWriteSync'].reduce((b, n) => b | bit(DESCRIPTOR_FLAGS, n), 0);
const CREATE = bit(OPEN_FLAGS, 'create');
const DIRECTORY = bit(OPEN_FLAGS, 'directory');
const EXCLUSIVE = bit(OPEN_FLAGS, 'exclusive');
const TRUNCATE = bit(OPEN_FLAGS, 'truncate');
const NS_PER_S = 1_000_000_000n;

/** A host folder mounted as a preopen: each is a filesystem of its own. */
export class HostDirectory {
  /** Throws the error code if `hostPath` is not a directory that can be opened. */
  constructor(fs, hostPath) {
    this.root = os(() => fs.realpathSync(hostPath));
    if (!os(() => fs.statSync(this.root)).isDirectory()) throw 'not-directory';
  }
}

/** The `descriptor-type` number of what a Stats or Dirent describes. */
function typeOf(entry) {
  const name = entry.isFile()
    ? 'regular-file'
    : entry.isDirectory()
      ? 'directory'
      : entry.isSymbolicLink()
        ? 'symbolic-link'
        : entry.isFIFO()
          ? 'fifo'
          : entry.isSocket()
            ? 'socket'
            : entry.isBlockDevice()
              ? 'block-device'
              : entry.isCharacterDevice()
                ? 'character-device'
                : 'unknown';
  return DESCRIPTOR_TYPES.indexOf(name);
}

const split = (ns) => (ns < 0n ? [0n, 0n] : [ns / NS_PER_S, ns % NS_PER_S]);

/** A stat as the Rust side gives it: `[type, links, size, atime s, ns, mtime s, ns, ctime s, ns]`. */
const statValues = (s) => [BigInt(typeOf(s)), s.nlink, s.size, ...split(s.atimeNs), ...split(s.mtimeNs), ...split(s.ctimeNs)];

/** `[lower, upper]`: the same for the same unchanged file, as wasmtime's hash of device, inode, size and times. */
function metadataHash(s) {
  const mix = (seed) => {
    let h = seed;
    for (const v of [s.dev, s.ino, s.size, s.mtimeNs, s.ctimeNs]) {
      h = BigInt.asUintN(64, (h ^ BigInt.asUintN(64, v)) * 0x100000001b3n);
    }
    return h;
  };
  return [mix(0xcbf29ce484222325n), mix(0x84222325cbf29ce4n)];
}

/**
 * A `new-timestamp` as node:fs takes it (seconds, as a number), from the Rust side's
 * `[kind, seconds, nanoseconds]`; `current` (ns) is kept for `no-change`. node:fs rounds to a
 * double, so a time set here keeps about a tenth of a microsecond of precision.
 */
function hostTime(kind, seconds, nanoseconds, current) {
  if (kind === 1) return Date.now() / 1000;
  if (kind === 2) {
    if (nanoseconds >= 1_000_000_000) throw 'invalid';
    return Number(seconds) + nanoseconds / 1e9;
  }
  return Number(current) / 1e9;
}

/** One guest instance's view of its host directories. */
export class HostVfs {
  #fs;
  #next = 0;
  #descriptors = new Map();
  #inputs = new Map();
  #outputs = new Map();
  #listings = new Map();

  constructor(fs) {
    this.#fs = fs;
  }

  #add(table, value) {
    table.set(this.#next, value);
    return this.#next++;
  }

  #get(fd) {
    const d = this.#descriptors.get(fd);
    if (d === undefined) throw 'bad-descriptor';
    return d;
  }

  /** Descriptor `fd` as a directory to resolve paths from. */
  #dir(fd) {
    const d = this.#get(fd);
    if (d.file !== null) throw 'not-directory';
    return d;
  }

  /** Descriptor `fd` as a file to read or write. */
  #file(fd) {
    const d = this.#get(fd);
    if (d.file === null) throw 'bad-descriptor';
    return d;
  }

  #stat(d) {
    return d.file !== null ? os(() => this.#fs.fstatSync(d.file.fd, { bigint: true })) : lstat(this.#fs, d.path) ?? missing();
  }

  /** The existing thing `path` names from directory `d`, following a last link as `pathFlags` say. */
  #resolve(d, pathFlags, path) {
    const follow = (pathFlags & SYMLINK_FOLLOW) !== 0 || endsWithSlash(path);
    return existing(this.#fs, walk(this.#fs, d.path, path, follow));
  }

  /** A descriptor for the root of `dir`, read-write or read-only. */
  preopen(dir, readOnly) {
    return this.#add(this.#descriptors, { dir, path: dir.root, file: null, read: true, write: !readOnly, mutable: !readOnly });
  }

  dropDescriptor(fd) {
    this.#descriptors.get(fd)?.file?.release();
    this.#descriptors.delete(fd);
  }

  openAt(fd, pathFlags, path, openFlags, flags) {
    const d = this.#dir(fd);
    const [create, directory, exclusive, truncate] = [CREATE, DIRECTORY, EXCLUSIVE, TRUNCATE].map((b) => (openFlags & b) !== 0);
    const wantWrite = (flags & WRITE) !== 0;
    if (!d.mutable && (create || truncate || wantWrite)) throw 'not-permitted';
    if (flags & SYNC_FLAGS) throw 'unsupported';
    if (directory && (create || exclusive || truncate)) throw 'invalid';
    // O_CREAT|O_EXCL never follows a last link: the link itself exists.
    const followLast = ((pathFlags & SYMLINK_FOLLOW) !== 0 && !(create && exclusive)) || endsWithSlash(path);
    const w = walk(this.#fs, d.path, path, followLast);
    let stat = null;
    if (w.name === null) {
      if (create && exclusive) throw 'exist';
      stat = existing(this.#fs, w).stat;
    } else if (w.stat === null) {
      if (!create) throw 'no-entry';
      if (w.trailingSlash) throw 'is-directory';
    } else {
      if (create && exclusive) throw 'exist';
      // Reached only without symlink-follow (O_NOFOLLOW), as on Linux.
      if (w.stat.isSymbolicLink()) throw directory ? 'not-directory' : 'loop';
      stat = existing(this.#fs, w).stat;
    }
    const hostPath = walkedPath(w);
    const base = { dir: d.dir, path: hostPath, mutable: d.mutable };
    if (stat?.isDirectory()) {
      if (wantWrite || truncate || create) throw 'is-directory';
      return this.#add(this.#descriptors, { ...base, file: null, read: true, write: (flags & MUTATE_DIRECTORY) !== 0 && d.mutable });
    }
    if (directory) throw 'not-directory';
    // As wasmtime: `create` opens for writing, and a descriptor not opened for writing reads.
    const write = wantWrite || create;
    const read = (flags & READ) !== 0 || !wantWrite;
    const c = this.#fs.constants;
    let mode = (read && write ? c.O_RDWR : write ? c.O_WRONLY : c.O_RDONLY) | (c.O_NOFOLLOW ?? 0);
    if (stat === null) mode |= c.O_CREAT | c.O_EXCL;
    // A FIFO or device must not block the guest's synchronous open.
    else if (!stat.isFile()) mode |= c.O_NONBLOCK ?? 0;
    if (truncate) mode |= c.O_TRUNC;
    const file = new HostFile(this.#fs, os(() => this.#fs.openSync(hostPath, mode, 0o666)));
    return this.#add(this.#descriptors, { ...base, file, read, write });
  }

  getFlags(fd) {
    const d = this.#get(fd);
    return (d.read ? READ : 0) | (d.write ? (d.file === null ? MUTATE_DIRECTORY : WRITE) : 0);
  }

  getType(fd) {
    return typeOf(this.#stat(this.#get(fd)));
  }

  stat(fd) {
    return statValues(this.#stat(this.#get(fd)));
  }

  statAt(fd, pathFlags, path) {
    return statValues(this.#resolve(this.#dir(fd), pathFlags, path).stat);
  }

  metadataHash(fd) {
    return metadataHash(this.#stat(this.#get(fd)));
  }

  metadataHashAt(fd, pathFlags, path) {
    return metadataHash(this.#resolve(this.#dir(fd), pathFlags, path).stat);
  }

  isSameObject(a, b) {
    const [da, db] = [this.#descriptors.get(a), this.#descriptors.get(b)];
    if (da === undefined || db === undefined || da.dir !== db.dir) return false;
    try {
      const [sa, sb] = [this.#stat(da), this.#stat(db)];
      return sa.dev === sb.dev && sa.ino === sb.ino;
    } catch {
      return false;
    }
  }

  setSize(fd, size) {
    const d = this.#file(fd);
    if (!d.mutable) throw 'not-permitted';
    // ftruncate on a descriptor not open for writing: EINVAL on Linux.
    if (!d.write) throw 'invalid';
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw 'file-too-large';
    os(() => this.#fs.ftruncateSync(d.file.fd, Number(size)));
  }

  setTimes(fd, aKind, aS, aNs, mKind, mS, mNs) {
    const d = this.#get(fd);
    if (!d.mutable) throw 'not-permitted';
    const s = this.#stat(d);
    const times = [hostTime(aKind, aS, aNs, s.atimeNs), hostTime(mKind, mS, mNs, s.mtimeNs)];
    if (d.file !== null) os(() => this.#fs.futimesSync(d.file.fd, ...times));
    else os(() => this.#fs.utimesSync(d.path, ...times));
  }

  setTimesAt(fd, pathFlags, path, aKind, aS, aNs, mKind, mS, mNs) {
    const d = this.#dir(fd);
    if (!d.mutable) throw 'not-permitted';
    const { hostPath, stat } = this.#resolve(d, pathFlags, path);
    const times = [hostTime(aKind, aS, aNs, stat.atimeNs), hostTime(mKind, mS, mNs, stat.mtimeNs)];
    // Only a last link that was not to be followed is left in the path: change the link itself.
    if (stat.isSymbolicLink()) os(() => this.#fs.lutimesSync(hostPath, ...times));
    else os(() => this.#fs.utimesSync(hostPath, ...times));
  }

  read(fd, length, offset) {
    const d = this.#file(fd);
    if (!d.read) throw 'bad-descriptor';
    return d.file.read(Number(length > 1n << 32n ? 1n << 32n : length), offset);
  }

  write(fd, buffer, offset) {
    const d = this.#file(fd);
    if (!d.mutable) throw 'not-permitted';
    if (!d.write) throw 'bad-descriptor';
    if (offset + BigInt(buffer.length) > BigInt(Number.MAX_SAFE_INTEGER)) throw 'file-too-large';
    d.file.write(buffer, Number(offset));
    return BigInt(buffer.length);
  }

  /** Accepted and ignored for files. */
  advise(fd) {
    this.#file(fd);
  }

  /** `sync` and `sync-data`: publishes this instance's streams on the same file, then fsync. */
  sync(fd) {
    const d = this.#get(fd);
    if (d.file === null) return;
    let failed;
    for (const output of this.#outputs.values()) {
      if (output.file.identity !== d.file.identity) continue;
      try {
        output.flush();
      } catch (code) {
        if (code !== 'closed') failed = code;
      }
    }
    if (failed !== undefined) throw failed;
    os(() => this.#fs.fsyncSync(d.file.fd));
  }

  createDirectoryAt(fd, path) {
    const d = this.#dir(fd);
    if (!d.mutable) throw 'not-permitted';
    const w = walk(this.#fs, d.path, path, false);
    if (w.name === null || w.stat !== null) throw 'exist';
    os(() => this.#fs.mkdirSync(walkedPath(w)));
  }

  readlinkAt(fd, path) {
    const d = this.#dir(fd);
    const { hostPath, stat } = existing(this.#fs, walk(this.#fs, d.path, path, endsWithSlash(path)));
    if (!stat.isSymbolicLink()) throw 'invalid';
    const target = os(() => this.#fs.readlinkSync(hostPath));
    if (target.startsWith('/')) throw 'not-permitted';
    return target;
  }

  removeDirectoryAt(fd, path) {
    const d = this.#dir(fd);
    if (!d.mutable) throw 'not-permitted';
    const w = walk(this.#fs, d.path, path, false);
    // rmdir(".") is EINVAL and rmdir("..") ENOTEMPTY on Linux.
    if (w.name === null) throw w.dotdot ? 'not-empty' : 'invalid';
    if (w.stat === null) throw 'no-entry';
    if (!w.stat.isDirectory()) throw 'not-directory';
    os(() => this.#fs.rmdirSync(walkedPath(w)));
  }

  unlinkFileAt(fd, path) {
    const d = this.#dir(fd);
    if (!d.mutable) throw 'not-permitted';
    const w = walk(this.#fs, d.path, path, false);
    if (w.name === null) throw 'is-directory';
    if (w.stat === null) throw 'no-entry';
    if (w.stat.isDirectory()) throw 'is-directory';
    if (w.trailingSlash) throw 'not-directory';
    os(() => this.#fs.unlinkSync(walkedPath(w)));
  }

  /** A link at `newPath` holding `oldPath`, which must be relative. */
  symlinkAt(fd, oldPath, newPath) {
    const d = this.#dir(fd);
    if (!d.mutable) throw 'not-permitted';
    if (oldPath.startsWith('/')) throw 'not-permitted';
    checkSymlinkTarget(oldPath);
    const w = walk(this.#fs, d.path, newPath, false);
    if (w.name === null) throw 'exist';
    if (w.stat !== null) throw w.trailingSlash && !w.stat.isDirectory() ? 'not-directory' : 'exist';
    if (w.trailingSlash) throw 'no-entry';
    os(() => this.#fs.symlinkSync(oldPath, walkedPath(w)));
  }

  /** Two directory descriptors of one filesystem, both allowed to change it. */
  #pair(fd, newFd) {
    const [d, n] = [this.#dir(fd), this.#dir(newFd)];
    if (!d.mutable || !n.mutable) throw 'not-permitted';
    return [d, n];
  }

  linkAt(fd, pathFlags, oldPath, newFd, newPath) {
    const [d, n] = this.#pair(fd, newFd);
    if (pathFlags & SYMLINK_FOLLOW) throw 'invalid';
    if (d.dir !== n.dir) throw 'cross-device';
    const old = walk(this.#fs, d.path, oldPath, false);
    // link(".", …) names a directory: EPERM on Linux.
    if (old.name === null) throw 'not-permitted';
    if (old.stat === null) throw 'no-entry';
    if (old.trailingSlash && !old.stat.isDirectory()) throw 'not-directory';
    const w = walk(this.#fs, n.path, newPath, false);
    if (w.name === null || w.stat !== null) throw 'exist';
    if (w.trailingSlash) throw 'no-entry';
    os(() => this.#fs.linkSync(walkedPath(old), walkedPath(w)));
  }

  renameAt(fd, oldPath, newFd, newPath) {
    const [d, n] = this.#pair(fd, newFd);
    if (d.dir !== n.dir) throw 'cross-device';
    const old = walk(this.#fs, d.path, oldPath, false);
    const w = walk(this.#fs, n.path, newPath, false);
    // rename of `.` or `..` is EBUSY on Linux.
    if (old.name === null || w.name === null) throw 'busy';
    if (old.stat === null) throw 'no-entry';
    if (!old.stat.isDirectory()) {
      if (old.trailingSlash) throw 'not-directory';
      if (w.stat?.isDirectory()) throw 'is-directory';
      if (w.trailingSlash) throw 'not-directory';
    }
    os(() => this.#fs.renameSync(walkedPath(old), walkedPath(w)));
  }

  /** A listing of the directory's entries now, in name order (as the Rust filesystem gives them). */
  readDirectory(fd) {
    const d = this.#dir(fd);
    const entries = os(() => this.#fs.readdirSync(d.path, { withFileTypes: true }));
    const names = entries.map((e) => `${typeOf(e)}${e.name}`).sort((a, b) => (a.slice(1) < b.slice(1) ? -1 : 1));
    return this.#add(this.#listings, names);
  }

  /** The next entry (type digit + name), or `undefined` at the end. */
  readDirectoryEntry(listing) {
    const names = this.#listings.get(listing);
    if (names === undefined) throw 'bad-descriptor';
    return names.shift();
  }

  dropDirectoryEntries(listing) {
    this.#listings.delete(listing);
  }

  readViaStream(fd, offset) {
    const d = this.#file(fd);
    return this.#add(this.#inputs, new HostInput(d.file, offset, d.read));
  }

  writeViaStream(fd, offset) {
    return this.#output(fd, offset);
  }

  appendViaStream(fd) {
    return this.#output(fd, null);
  }

  /** `bad-descriptor` under a read-only preopen (wasmtime's check). */
  #output(fd, position) {
    const d = this.#file(fd);
    if (!d.mutable) throw 'bad-descriptor';
    return this.#add(this.#outputs, new HostOutput(d.file, position, d.write));
  }

  #stream(table, id) {
    const stream = table.get(id);
    if (stream === undefined) throw 'closed';
    return stream;
  }

  inputRead(stream, length) {
    return this.#stream(this.#inputs, stream).read(length);
  }

  dropInput(stream) {
    this.#inputs.get(stream)?.close();
    this.#inputs.delete(stream);
  }

  outputCheckWrite(stream) {
    return this.#stream(this.#outputs, stream).checkWrite();
  }

  outputWrite(stream, bytes) {
    this.#stream(this.#outputs, stream).write(bytes);
  }

  outputFlush(stream) {
    this.#stream(this.#outputs, stream).flush();
  }

  /** The guest dropped the stream: publishes what it wrote, then forgets it. */
  dropOutput(stream) {
    this.#outputs.get(stream)?.close();
    this.#outputs.delete(stream);
  }

  /** The instance ended: closes every host file, publishing no unflushed write. */
  free() {
    for (const output of this.#outputs.values()) output.abandon();
    for (const input of this.#inputs.values()) input.close();
    for (const d of this.#descriptors.values()) d.file?.release();
    for (const table of [this.#outputs, this.#inputs, this.#descriptors, this.#listings]) table.clear();
  }
}

function missing() {
  throw 'no-entry';
}
