// wasi:io@0.2 (error, poll, streams) over plain JavaScript.
//
// Streams are thin per-handle wrappers over a shared "sink" (output) or
// "source" (input), so a guest dropping one handle never closes the underlying
// stdio for other handles.
//
// Sources and sinks over memory (stdio, files) are always ready. Sources fed by
// the event loop (a ReadableStream on stdin, an HTTP response body) and sinks
// drained by it (an HTTP request body) say when they are ready, and their
// blocking calls wait through the instance's Waiter (wait.js): a promise under
// JSPI, Atomics.wait in a worker, a clear trap with `blocking: 'none'`.

import { GuestTrap } from '../../js/errors.js';
import { ALWAYS, Waiter } from './wait.js';

/** The dispose symbol the runtime calls on guest drop (Node 20 may lack Symbol.dispose). */
export const dispose = Symbol.dispose ?? Symbol.for('nodejs.dispose');

/** Budget reported by check-write; also the largest single write we accept. */
export const WRITE_BUDGET = 1024 * 1024;

/** Largest single read/skip we hand back, so a u64 `len` never allocates wildly. */
const MAX_READ = 1024 * 1024;

/** The WIT `stream-error::closed` value; thrown so the runtime lowers it as `err`. */
export function closedError() {
  return { tag: 'closed' };
}

/**
 * Turn a WIT u64 length into a JS number, clamped to `max`. Values above `max`
 * are legal for reads (they just mean "as much as you have").
 */
function clampLen(len, max) {
  const n = typeof len === 'bigint' ? len : BigInt(len);
  if (n < 0n) throw new RangeError(`wasi:io/streams: negative length ${n}`);
  return n > BigInt(max) ? max : Number(n);
}

/** A guest-visible length that must not exceed the write budget (spec says trap). */
function checkedWriteLen(len, what, budget = WRITE_BUDGET) {
  const n = typeof len === 'bigint' ? len : BigInt(len);
  if (n < 0n || n > BigInt(budget)) {
    throw new RangeError(
      `wasi:io/streams: ${what} of ${n} bytes exceeds the check-write budget of ${budget} bytes`,
    );
  }
  return Number(n);
}

/** wasi:io/error.error — an opaque error with a human-readable debug string. */
export class IoError extends Error {
  toDebugString() {
    return this.message;
  }
}

/** The condition behind each pollable the polyfill made (remote pollables have none). */
const conditions = new WeakMap();
/** The waiter of each pollable, for `block`. */
const waiters = new WeakMap();
/** Waits for pollables made without an instance's waiter: those are always ready (files, stdio). */
const defaultWaiter = new Waiter('none');

/** A pollable's condition, or null when it is not one of ours (a proxy for one in the page). */
export const conditionOf = (p) => conditions.get(p) ?? null;

/**
 * wasi:io/poll.pollable over a condition (see wait.js): always ready (streams over memory),
 * a timer, or something fed by the event loop (a fetch, a ReadableStream).
 */
export class Pollable {
  /** Host-only. @param {object} [condition] @param {Waiter} [waiter] */
  constructor(condition = ALWAYS, waiter = defaultWaiter) {
    conditions.set(this, condition);
    waiters.set(this, waiter);
  }

  ready() {
    return conditions.get(this).ready();
  }

  block() {
    const cond = conditions.get(this);
    if (cond.ready()) return undefined;
    const r = waiters.get(this).poll([this], conditionOf, 'wasi:io/poll#[method]pollable.block');
    return r instanceof Promise ? r.then(() => undefined) : undefined;
  }
}

/**
 * wasi:io/poll.poll for one instance: the indices of the ready pollables, waiting until at least
 * one is (how depends on the waiter's mode).
 */
export function makePoll(waiter) {
  return function poll(pollables) {
    const list = Array.from(pollables ?? []);
    if (list.length === 0) throw new GuestTrap('wasi:io/poll: poll called with an empty list');
    if (list.length > 0xffffffff) throw new GuestTrap('wasi:io/poll: too many pollables');
    const r = waiter.poll(list, conditionOf, 'wasi:io/poll#poll');
    return r instanceof Promise ? r.then((ready) => Uint32Array.from(ready)) : Uint32Array.from(r);
  };
}

/** poll() for pollables that are always ready or timers on the default clock ('none' mode). */
export const poll = makePoll(defaultWaiter);

/**
 * A byte source for InputStream: reads from an in-memory buffer, then reports
 * `closed`. Shared by every handle the same createWasi() hands out.
 */
export class BytesSource {
  #bytes;
  #pos = 0;

  /** `bytes` is copied so later changes by the embedder do not leak in. */
  constructor(bytes) {
    this.#bytes = bytes ? new Uint8Array(bytes) : new Uint8Array(0);
  }

  /** Up to `n` bytes; throws `closed` once everything has been read. */
  read(n) {
    if (this.#pos >= this.#bytes.length) throw closedError();
    const end = Math.min(this.#bytes.length, this.#pos + n);
    const chunk = this.#bytes.slice(this.#pos, end);
    this.#pos = end;
    return chunk;
  }
}

/** The bytes of `chunks`, one after the other, in one array. */
export function concatBytes(chunks) {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** `f(v)`, or `v.then(f)` when `v` is a promise: a blocking call that may have had to wait. */
export const andThen = (v, f) => (v instanceof Promise ? v.then(f) : f(v));

/**
 * wasi:io/streams.input-stream over a shared source. A source has `read(n)`, which returns up to
 * `n` bytes (possibly none, if it is fed by the event loop and nothing has arrived yet) and throws
 * `closed` at the end or a `last-operation-failed` error; optionally `close()` (it belongs to this
 * one handle), and, if it can be not ready, `condition` (a wait.js condition) and `waiter`.
 */
export class InputStream {
  #source;
  #dropped = false;

  /** Host-only: see the class comment for the source contract. */
  constructor(source) {
    this.#source = source;
  }

  /** Host-only: whether the guest dropped this handle. */
  static isDropped(stream) {
    return stream.#dropped;
  }

  #live() {
    if (this.#dropped) throw new Error('wasi:io/streams: input-stream used after drop');
    return this.#source;
  }

  read(len) {
    const source = this.#live();
    const n = clampLen(len, MAX_READ);
    // A zero-length read still reports `closed` at the end, as the spec asks.
    return source.read(n);
  }

  /** Waits until there is something to read (or the end, or an error), then reads. */
  blockingRead(len, call = 'wasi:io/streams#[method]input-stream.blocking-read') {
    const source = this.#live();
    if (source.condition === undefined) return this.read(len);
    return source.waiter.when(source.condition, () => this.read(len), call);
  }

  skip(len) {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len) {
    return andThen(this.blockingRead(len, 'wasi:io/streams#[method]input-stream.blocking-skip'), (bytes) => BigInt(bytes.length));
  }

  subscribe() {
    const source = this.#live();
    return source.condition === undefined ? new Pollable() : new Pollable(source.condition, source.waiter);
  }

  /** A source owned by this one handle (a file's) is closed with it. */
  [dispose]() {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#source.close?.();
  }
}

/**
 * wasi:io/streams.output-stream over a shared sink. A sink has
 * `write(bytes)` (may throw a stream error), `flush()`, `closed` (boolean) and
 * optionally `acquire()`/`release()` so it can tell when its last handle goes.
 * A file's sink (filesystem.js) also has `budget` (its check-write answer),
 * `commit()` (blocking-write-and-flush publishes) and `close()` (it belongs to
 * this one handle, and closing it replaces the flush on drop), and the worker's
 * stdio sinks `sync()` (the blocking calls wait until the page has written
 * what was sent, and throw `closed` if it could not). A sink drained
 * by the event loop (an HTTP request body) also has `waiter`, `writable` (the
 * condition under which its budget is not 0) and `drained` (the condition
 * under which everything written has been taken).
 */
export class OutputStream {
  #sink;
  #dropped = false;

  /** Host-only: see the class comment for the sink contract. */
  constructor(sink) {
    this.#sink = sink;
    sink.acquire?.();
  }

  /** Host-only: whether the guest dropped this handle. */
  static isDropped(stream) {
    return stream.#dropped;
  }

  /** The sink, after checking this handle is alive and the sink is open. */
  #open() {
    if (this.#dropped) throw new Error('wasi:io/streams: output-stream used after drop');
    if (this.#sink.closed) throw closedError();
    return this.#sink;
  }

  checkWrite() {
    return BigInt(this.#open().budget ?? WRITE_BUDGET);
  }

  write(contents) {
    const sink = this.#open();
    checkedWriteLen(contents.length, 'write', sink.budget);
    sink.write(contents);
  }

  /** Waits until everything written has been taken by an event-loop sink; others are done at once. */
  #drain(call) {
    const sink = this.#sink;
    if (sink.drained === undefined) return undefined;
    return sink.waiter.when(sink.drained, () => {
      if (sink.closed) throw sink.failure?.() ?? closedError();
    }, call);
  }

  /**
   * Writes, then flushes. "Flush" here means the bytes reached the sink; the
   * console sink still keeps a partial line so chunked writes (e.g. 4096-byte
   * pieces of one long line) do not get split across console lines. An
   * event-loop sink takes the bytes at once and waits until they are consumed.
   */
  blockingWriteAndFlush(contents) {
    const sink = this.#open();
    if (sink.drained !== undefined) {
      checkedWriteLen(contents.length, 'blocking-write-and-flush');
      sink.write(contents);
      sink.flush();
      return this.#drain('wasi:io/streams#[method]output-stream.blocking-write-and-flush');
    }
    this.write(contents);
    this.#sink.commit?.();
    this.#sink.sync?.();
    return undefined;
  }

  flush() {
    this.#open().flush();
  }

  blockingFlush() {
    this.flush();
    this.#sink.sync?.();
    return this.#drain('wasi:io/streams#[method]output-stream.blocking-flush');
  }

  /** Ready at once for a closed stream too (the next call reports `closed`). */
  subscribe() {
    if (this.#dropped) throw new Error('wasi:io/streams: output-stream used after drop');
    const sink = this.#sink;
    return sink.writable === undefined ? new Pollable() : new Pollable(sink.writable, sink.waiter);
  }

  writeZeroes(len) {
    const sink = this.#open();
    this.write(new Uint8Array(checkedWriteLen(len, 'write-zeroes', sink.budget)));
  }

  blockingWriteZeroesAndFlush(len) {
    return this.blockingWriteAndFlush(new Uint8Array(checkedWriteLen(len, 'write-zeroes', this.#open().budget)));
  }

  /** Moves up to `len` bytes (capped by the write budget) from `src`; `closed` if `src` is done. */
  splice(src, len) {
    const sink = this.#open();
    const bytes = src.read(BigInt(clampLen(len, Math.min(WRITE_BUDGET, sink.budget ?? WRITE_BUDGET))));
    this.write(bytes);
    return BigInt(bytes.length);
  }

  /** Waits for `src` to have bytes, moves them, and waits for them to be taken. */
  blockingSplice(src, len) {
    this.#open();
    return andThen(src.blockingRead(BigInt(clampLen(len, WRITE_BUDGET))), (bytes) =>
      andThen(this.blockingWriteAndFlush(bytes), () => BigInt(bytes.length)),
    );
  }

  /** Dropping a handle never closes a shared sink; the last handle gone flushes it. */
  [dispose]() {
    if (this.#dropped) return;
    this.#dropped = true;
    const sink = this.#sink;
    if (sink.close) {
      sink.close();
    } else if (sink.release) {
      if (sink.release() === 0 && !sink.closed) sink.flush();
    } else if (!sink.closed) {
      sink.flush();
    }
  }
}

/**
 * A source fed by a ReadableStream of bytes (stdin from the page, an HTTP response body). It pulls
 * one chunk at a time, when the guest wants to read or waits to, so the stream's backpressure
 * holds; reads never wait (they return what has arrived, possibly nothing), blocking reads wait
 * through the waiter.
 */
export class StreamSource {
  #reader;
  #chunks = [];
  #done = false;
  #error = null;
  #pending = null;
  #mapError;
  #pullTimeout;

  /**
   * @param {ReadableStream<Uint8Array>} stream
   * @param {Waiter} waiter
   * @param {{what?: string, mapError?: (e: unknown) => unknown, pullTimeout?: (pull: Promise<any>) => Promise<any>}} [o]
   *   `mapError`: the `last-operation-failed` payload for a stream error (default: an IoError);
   *   `pullTimeout`: wraps each pull (HTTP's between-bytes timeout)
   */
  constructor(stream, waiter, { what = 'a ReadableStream', mapError, pullTimeout } = {}) {
    this.#reader = stream.getReader();
    this.waiter = waiter;
    this.#mapError = mapError ?? ((e) => new IoError(e instanceof Error ? e.message : String(e)));
    this.#pullTimeout = pullTimeout ?? ((p) => p);
    const source = this;
    this.condition = {
      what: `data from ${what}`,
      ready: () => source.#ready(),
      whenReady: () => source.#pull(),
    };
  }

  #ready() {
    if (this.#chunks.length > 0 || this.#done || this.#error !== null) return true;
    this.#pull();
    return false;
  }

  /** Starts reading the next chunk unless one is being read; resolves when it has arrived. */
  #pull() {
    if (this.#chunks.length > 0 || this.#done || this.#error !== null) return Promise.resolve();
    this.#pending ??= this.#pullTimeout(this.#reader.read()).then(
      ({ done, value }) => {
        this.#pending = null;
        if (done) this.#done = true;
        else if (value.length > 0) this.#chunks.push(value instanceof Uint8Array ? value : new Uint8Array(value));
      },
      (error) => {
        this.#pending = null;
        this.#error = { tag: 'last-operation-failed', val: this.#mapError(error) };
      },
    );
    return this.#pending;
  }

  read(n) {
    if (this.#chunks.length === 0) {
      if (this.#error !== null) {
        const error = this.#error;
        // The error is reported once; the stream is closed after it.
        this.#error = null;
        this.#done = true;
        throw error;
      }
      if (this.#done) throw closedError();
      this.#pull();
      return new Uint8Array(0);
    }
    const chunk = this.#chunks[0];
    if (chunk.length <= n) {
      this.#chunks.shift();
      return chunk;
    }
    this.#chunks[0] = chunk.subarray(n);
    return chunk.slice(0, n);
  }

  /** Whether the stream has ended or failed and everything before was read. */
  get finished() {
    return this.#chunks.length === 0 && (this.#done || this.#error !== null);
  }

  close() {
    this.#done = true;
    this.#chunks = [];
    this.#reader.cancel().catch(() => {});
  }
}

/** The wasi:io interfaces for one instance, keyed by versionless name. */
export function createIo(waiter = defaultWaiter) {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: makePoll(waiter) },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}

/** @type {import('./compose.js').WasiPackage} */
export const ioPackage = (_options, waiter) => ({ interfaces: createIo(waiter) });
