// wasi:io@0.2 (error, poll, streams) over plain JavaScript.
//
// Streams are thin per-handle wrappers over a shared "sink" (output) or
// "source" (input) owned by one createWasi() instance, so a guest dropping one
// handle never closes the underlying stdio for other handles.
//
// First cut: every stream is ready at once, and a clock pollable is ready when
// its deadline has passed. Waiting for a future deadline would need JSPI or a
// worker, so block()/poll() on a not-yet-due timer throw instead of spinning.

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

/** Error thrown (as a trap) when the guest would have to wait on a future event. */
function cannotBlock(what) {
  return new Error(
    `wasi:io/poll: ${what} is not ready yet and blocking waits need JSPI or a worker, ` +
      'which this build of the WASI polyfill does not support yet',
  );
}

/**
 * wasi:io/poll.pollable. Readiness is a host-provided predicate so clocks and
 * streams can share one class (the runtime matches resources by class).
 */
export class Pollable {
  #isReady;
  #what;

  /** Host-only. `isReady` defaults to "always ready" (streams in this first cut). */
  constructor(isReady = () => true, what = 'pollable') {
    this.#isReady = isReady;
    this.#what = what;
  }

  ready() {
    return this.#isReady();
  }

  block() {
    if (!this.#isReady()) throw cannotBlock(this.#what);
  }

  /** Used by poll() for the error message only. */
  get description() {
    return this.#what;
  }
}

/**
 * wasi:io/poll.poll: indices of the ready pollables. Never waits: if none is
 * ready it throws, because waiting needs JSPI or a worker.
 */
export function poll(pollables) {
  const list = Array.from(pollables ?? []);
  if (list.length === 0) throw new Error('wasi:io/poll: poll called with an empty list (trap)');
  if (list.length > 0xffffffff) throw new Error('wasi:io/poll: too many pollables (trap)');
  const ready = [];
  for (let i = 0; i < list.length; i++) if (list[i].ready()) ready.push(i);
  if (ready.length === 0) {
    throw cannotBlock(`none of the ${list.length} pollables (${list[0].description}, ...)`);
  }
  return Uint32Array.from(ready);
}

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

/** wasi:io/streams.input-stream over a shared source (see BytesSource). */
export class InputStream {
  #source;
  #dropped = false;

  /** Host-only: `source` has `read(n) -> Uint8Array` that throws `closed` at the end. */
  constructor(source) {
    this.#source = source;
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

  /** Everything is available at once, so blocking is the same as not blocking. */
  blockingRead(len) {
    return this.read(len);
  }

  skip(len) {
    return BigInt(this.read(len).length);
  }

  blockingSkip(len) {
    return this.skip(len);
  }

  subscribe() {
    return new Pollable(() => true, 'input-stream');
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
 * this one handle, and closing it replaces the flush on drop).
 */
export class OutputStream {
  #sink;
  #dropped = false;

  /** Host-only: see the class comment for the sink contract. */
  constructor(sink) {
    this.#sink = sink;
    sink.acquire?.();
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

  /**
   * Writes, then flushes. "Flush" here means the bytes reached the sink; the
   * console sink still keeps a partial line so chunked writes (e.g. 4096-byte
   * pieces of one long line) do not get split across console lines.
   */
  blockingWriteAndFlush(contents) {
    this.write(contents);
    this.#sink.commit?.();
  }

  flush() {
    this.#open().flush();
  }

  blockingFlush() {
    this.flush();
  }

  subscribe() {
    return new Pollable(() => true, 'output-stream');
  }

  writeZeroes(len) {
    const sink = this.#open();
    this.write(new Uint8Array(checkedWriteLen(len, 'write-zeroes', sink.budget)));
  }

  blockingWriteZeroesAndFlush(len) {
    this.writeZeroes(len);
    this.#sink.commit?.();
  }

  /** Moves up to `len` bytes (capped by the write budget) from `src`; `closed` if `src` is done. */
  splice(src, len) {
    this.#open();
    const bytes = src.read(BigInt(clampLen(len, WRITE_BUDGET)));
    this.write(bytes);
    return BigInt(bytes.length);
  }

  blockingSplice(src, len) {
    return this.splice(src, len);
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

/** The wasi:io interfaces, keyed by versionless name. Stateless, so shareable. */
export function createIo() {
  return {
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll },
    'wasi:io/streams': { InputStream, OutputStream },
  };
}
