/**
 * wasi:filesystem@0.3 (types, preopens) over wasi:filesystem@0.2's descriptors (filesystem.js):
 * each 0.3 descriptor wraps a 0.2 one of the same guest instance, on the same Rust VFS or host
 * folder session, so a guest importing both versions, and guests of either version mounting one
 * Filesystem, see one set of files with the same confinement, read-only preopens and error codes.
 * What 0.3 changes is the shape: error codes and descriptor types are variants, the async
 * functions' results are returned at once (the VFS is in memory), and the byte streams and the
 * directory listing are streams with a future of how they ended (streams.js).
 *
 * A write stream journals what the guest sends and publishes it to the file when the guest ends
 * the stream (as 0.2 publishes on flush): a guest that traps or exits mid-stream leaves the file
 * as it was.
 */

import { dispose } from '../io.js';
import { consumeStream, endedStream, err, outgoingStream, readerOf } from './streams.js';

/** How much a read-via-stream asks of the file at a time. */
const READ_CHUNK = 64 * 1024;

/** The 0.3 `error-code` for a 0.2 one (0.3 dropped `would-block`, and has `other`). */
const errorCode = (code) => (code === 'would-block' ? { tag: 'other', val: code } : { tag: code });

/** Runs `f`, turning a 0.2 error code it throws into the 0.3 one; anything else propagates. */
function translated(f) {
  try {
    return f();
  } catch (thrown) {
    throw typeof thrown === 'string' ? errorCode(thrown) : thrown;
  }
}

/** The 0.3 `error-code` of what a 0.2 stream or call threw. */
function streamErrorCode(thrown, filesystemErrorCode) {
  if (typeof thrown === 'string') return errorCode(thrown);
  if (thrown?.tag === 'last-operation-failed') return errorCode(filesystemErrorCode(thrown.val) ?? 'io');
  throw thrown;
}

/** 0.2's `descriptor-type` enum as 0.3's variant (`unknown` became `other(none)`). */
const descriptorType = (type) => (type === 'unknown' ? { tag: 'other', val: undefined } : { tag: type });

const stat = (s) => ({ ...s, type: descriptorType(s.type) });

/** What only this module can pass to DescriptorP3's constructor. */
const secret = Symbol('terrarium.descriptor@0.3');

/**
 * The 0.3 interfaces over a guest instance's 0.2 `getDirectories` and `filesystemErrorCode`.
 * @param {() => [any, string][]} getDirectories
 * @param {(error: unknown) => string|undefined} filesystemErrorCode
 */
export function createFilesystemP3(getDirectories, filesystemErrorCode) {
  const codeOf = (thrown) => streamErrorCode(thrown, filesystemErrorCode);

  /** An already-ended stream and its failed future, for a stream call refused up front. */
  const refused = (code) => [endedStream(), Promise.resolve(err(code))];

  /** The guest's `data` into a 0.2 output stream, published when `data` ends. */
  const writeAll = (open, data) => {
    let out;
    try {
      out = open();
    } catch (thrown) {
      readerOf(data).cancel().catch(() => {});
      return Promise.resolve(err(codeOf(thrown)));
    }
    // A chunk goes in as writes of at most check-write's budget each (never 0 on an open file).
    const write = (chunk) => {
      const budget = Number(out.checkWrite());
      for (let at = 0; at < chunk.length; at += budget) out.write(chunk.subarray(at, at + budget));
    };
    return consumeStream(data, {
      write,
      end: () => out.flush(),
      errorOf: codeOf,
    }).finally(() => out[dispose]());
  };

  class DescriptorP3 {
    #inner;

    /** Host-only: descriptors come from get-directories and open-at. */
    constructor(token, inner) {
      if (token !== secret) throw new TypeError('wasi:filesystem: descriptors come from get-directories');
      this.#inner = inner;
    }

    /** The 0.2 descriptor of a borrowed 0.3 one; `bad-descriptor` for anything else. */
    static #unwrap(other) {
      if (!(other instanceof DescriptorP3)) throw { tag: 'bad-descriptor' };
      return other.#inner;
    }

    readViaStream(offset) {
      let input;
      try {
        input = this.#inner.readViaStream(offset);
      } catch (thrown) {
        return refused(codeOf(thrown));
      }
      const next = () => {
        try {
          return input.read(READ_CHUNK);
        } catch (thrown) {
          if (thrown?.tag === 'closed') return undefined;
          throw thrown;
        }
      };
      return outgoingStream({ next, close: () => input[dispose](), errorOf: codeOf });
    }

    writeViaStream(data, offset) {
      return writeAll(() => this.#inner.writeViaStream(offset), data);
    }

    appendViaStream(data) {
      return writeAll(() => this.#inner.appendViaStream(), data);
    }

    readDirectory() {
      let entries;
      try {
        entries = this.#inner.readDirectory();
      } catch (thrown) {
        return refused(codeOf(thrown));
      }
      const next = () => {
        const entry = entries.readDirectoryEntry();
        return entry === undefined ? undefined : { type: descriptorType(entry.type), name: entry.name };
      };
      return outgoingStream({ next, close: () => entries[dispose](), errorOf: codeOf });
    }

    advise(offset, length, advice) {
      translated(() => this.#inner.advise(offset, length, advice));
    }

    syncData() {
      translated(() => this.#inner.syncData());
    }

    getFlags() {
      return translated(() => this.#inner.getFlags());
    }

    getType() {
      return descriptorType(translated(() => this.#inner.getType()));
    }

    setSize(size) {
      translated(() => this.#inner.setSize(size));
    }

    setTimes(dataAccessTimestamp, dataModificationTimestamp) {
      translated(() => this.#inner.setTimes(dataAccessTimestamp, dataModificationTimestamp));
    }

    sync() {
      translated(() => this.#inner.sync());
    }

    createDirectoryAt(path) {
      translated(() => this.#inner.createDirectoryAt(path));
    }

    stat() {
      return stat(translated(() => this.#inner.stat()));
    }

    statAt(pathFlags, path) {
      return stat(translated(() => this.#inner.statAt(pathFlags, path)));
    }

    setTimesAt(pathFlags, path, dataAccessTimestamp, dataModificationTimestamp) {
      translated(() => this.#inner.setTimesAt(pathFlags, path, dataAccessTimestamp, dataModificationTimestamp));
    }

    linkAt(oldPathFlags, oldPath, newDescriptor, newPath) {
      translated(() => this.#inner.linkAt(oldPathFlags, oldPath, DescriptorP3.#unwrap(newDescriptor), newPath));
    }

    openAt(pathFlags, path, openFlags, flags) {
      return new DescriptorP3(secret, translated(() => this.#inner.openAt(pathFlags, path, openFlags, flags)));
    }

    readlinkAt(path) {
      return translated(() => this.#inner.readlinkAt(path));
    }

    removeDirectoryAt(path) {
      translated(() => this.#inner.removeDirectoryAt(path));
    }

    renameAt(oldPath, newDescriptor, newPath) {
      translated(() => this.#inner.renameAt(oldPath, DescriptorP3.#unwrap(newDescriptor), newPath));
    }

    symlinkAt(oldPath, newPath) {
      translated(() => this.#inner.symlinkAt(oldPath, newPath));
    }

    unlinkFileAt(path) {
      translated(() => this.#inner.unlinkFileAt(path));
    }

    isSameObject(other) {
      return other instanceof DescriptorP3 && this.#inner.isSameObject(other.#inner);
    }

    metadataHash() {
      return translated(() => this.#inner.metadataHash());
    }

    metadataHashAt(pathFlags, path) {
      return translated(() => this.#inner.metadataHashAt(pathFlags, path));
    }

    [dispose]() {
      this.#inner[dispose]();
    }
  }

  return {
    'wasi:filesystem/types@0.3': { Descriptor: DescriptorP3 },
    'wasi:filesystem/preopens@0.3': {
      getDirectories: () => getDirectories().map(([descriptor, path]) => [new DescriptorP3(secret, descriptor), path]),
    },
  };
}
