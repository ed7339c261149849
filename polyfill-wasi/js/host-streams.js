// Host directories (host-dir.js): an open host file in, shared by the descriptor and the streams
// made from it; `read-via-stream`, `write-via-stream` and `append-via-stream` over it out. Same
// contract as the Rust file streams (polyfill-wasi/src/fs/stream.rs): a read past the end is
// `closed` (and stays so), and writes are kept in a journal until the guest flushes (or drops the
// stream, or syncs the file), so an instance that traps mid-write leaves the file as it was.
// Failures are thrown as `'closed'` or a WASI error code.

import { os } from './host-errors.js';
import { concatBytes } from './io.js';

/** Largest read answered at once (as the Rust filesystem's MAX_READ). */
export const MAX_READ = 1 << 20;
/** What `check-write` allows: large, so that one guest `write()` is published whole. */
const WRITE_BUDGET = 16n << 20n;

/** A file descriptor of the host, closed when the last descriptor or stream using it goes. */
export class HostFile {
  #fs;
  #refs = 1;

  constructor(fs, fd) {
    this.#fs = fs;
    this.fd = fd;
    const { dev, ino } = os(() => fs.fstatSync(fd, { bigint: true }));
    /** Which file it is, whichever name it was opened by (for `sync`). */
    this.identity = `${dev}:${ino}`;
  }

  retain() {
    this.#refs += 1;
    return this;
  }

  release() {
    if (--this.#refs === 0) this.#fs.closeSync(this.fd);
  }

  /** The file's size now. */
  size() {
    return os(() => this.#fs.fstatSync(this.fd, { bigint: true }).size);
  }

  /** Up to `length` bytes at `position` (fewer at the end). */
  read(length, position) {
    const buffer = new Uint8Array(Math.min(length, MAX_READ));
    const got = os(() => this.#fs.readSync(this.fd, buffer, 0, buffer.length, position));
    return buffer.subarray(0, got);
  }

  /** All of `bytes` at `position`. */
  write(bytes, position) {
    let done = 0;
    while (done < bytes.length) {
      const at = position + done;
      if (!Number.isSafeInteger(at)) throw 'file-too-large';
      done += os(() => this.#fs.writeSync(this.fd, bytes, done, bytes.length - done, at));
    }
  }
}

/** `input-stream` from `read-via-stream`. */
export class HostInput {
  #file;
  #position;
  #readable;
  #closed = false;

  constructor(file, position, readable) {
    this.#file = file.retain();
    this.#position = position;
    this.#readable = readable;
  }

  read(length) {
    if (this.#closed) throw 'closed';
    if (!this.#readable) {
      // As wasmtime: the OS's EBADF once, then the stream is closed.
      this.#closed = true;
      throw 'bad-descriptor';
    }
    if (this.#position >= this.#file.size()) {
      this.#closed = true;
      throw 'closed';
    }
    const bytes = this.#file.read(Number(length > BigInt(MAX_READ) ? MAX_READ : length), this.#position);
    this.#position += BigInt(bytes.length);
    return bytes;
  }

  close() {
    this.#file.release();
  }
}

/** `output-stream` from `write-via-stream` (at a position) or `append-via-stream` (position null). */
export class HostOutput {
  #position;
  #writable;
  #journal = [];
  #closed = false;

  constructor(file, position, writable) {
    this.file = file.retain();
    this.#position = position;
    this.#writable = writable;
  }

  checkWrite() {
    if (this.#closed) throw 'closed';
    return WRITE_BUDGET;
  }

  #fail(code) {
    this.#closed = true;
    this.#journal = [];
    return code;
  }

  write(bytes) {
    if (this.#closed) throw 'closed';
    if (!this.#writable) throw this.#fail('bad-descriptor');
    this.#journal.push(bytes.slice());
  }

  /** Publishes the journal to the file. */
  flush() {
    if (this.#closed) throw 'closed';
    if (this.#journal.length === 0) return;
    const bytes = concatBytes(this.#journal);
    this.#journal = [];
    try {
      const position = this.#position ?? this.file.size();
      if (position + BigInt(bytes.length) > BigInt(Number.MAX_SAFE_INTEGER)) throw 'file-too-large';
      this.file.write(bytes, Number(position));
      if (this.#position !== null) this.#position = position + BigInt(bytes.length);
    } catch (code) {
      throw this.#fail(code);
    }
  }

  /** Dropped by the guest: publishes, like closing a file. */
  close() {
    try {
      this.flush();
    } catch {
      // A failed publish has nobody left to tell.
    }
    this.file.release();
  }

  /** The instance ended: nothing more is published. */
  abandon() {
    this.file.release();
  }
}
