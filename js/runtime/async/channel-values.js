/**
 * `stream<T>` and `future<T>` values between a guest and JS, as jco has them: a stream JS receives
 * is a `ReadableStream` (of `Uint8Array` chunks for `stream<u8>`, of lifted values otherwise,
 * async-iterable with `for await`), and JS passes one as a `ReadableStream`, an async iterable or
 * an iterable (an array); a future JS receives is a Promise of its value, and JS passes one as a
 * Promise, a thenable or a plain value.
 *
 * Lifting takes the readable end out of the guest's table (the spec's `lift_async_value`) and
 * reads it as the host: one read in flight at a time, and only while a JS reader asks for more
 * (`highWaterMark: 0`), so a slow JS reader stalls the guest's writes; `cancel()` drops the end,
 * and the guest's writes end DROPPED. Lowering puts a readable end in the guest's table whose other
 * end is the JS value: the host pulls the next chunk only while a guest read waits for one, so a
 * slow guest reader stalls the JS source.
 *
 * A value JS passes inside a stream or a future that does not fit the element type ends the stream
 * there (the guest reads the values before it, then DROPPED; a future reads DROPPED), and the JS
 * source is cancelled with the TypeError; a JS source that fails, or a promise that rejects, ends it
 * the same way. The guest never sees a JS exception.
 */
import { TerrariumError, trap } from '../../errors.js';
import { invalid, InvalidValue, toJsError } from '../../abi/invalid.js';
import { HostBuffer, HostByteRoom } from './buffers.js';
import { readCoalesced } from './byte-reads.js';
import { sameType } from './same-type.js';
import { ReadableStreamEnd, ReadableFutureEnd, COMPLETED, DROPPED, CANCELLED, IDLE } from './channels.js';
import { isThenable } from './lower-async.js';
import { DEAD } from '../state.js';

/**
 * Where a `ReadableStream` or a future's Promise this runtime made of a guest's stream or future
 * keeps it (`Link`), for another instance to take.
 */
const LINK = Symbol('terrarium.link');

/** How many values other than bytes one host read of a guest stream takes at most (each lifted into a JS array). */
const VALUES_PER_READ = 64;

/**
 * The most bytes of several writes one chunk a default reader gets holds (a single write larger
 * than this is one chunk). A chunk is allocated at its first write, as long as that write or twice
 * the last chunk's bytes, so a reader that keeps its chunks keeps at most about three times the
 * bytes it got.
 */
const MAX_CHUNK = 1 << 20;

/**
 * A readable end lifted out of one component instance's table in a call between components: the
 * stream or future it reads, which the other side's table takes as it is (the spec moves the end;
 * the shared stream stays), so the two guests' copies meet memory to memory (`moveValues`).
 */
class MovedEnd {
  constructor(shared) {
    this.shared = shared;
  }
}

/**
 * The lift and lower of `stream`/`future` type `t` in component instance `inst`.
 * @param {import('./scheduler.js').Scheduler} sched
 * @param {import('./scheduler.js').AsyncInstance} inst
 * @param {import('../../plan.js').Type[]} types
 * @param {{import: any}[]} resources the plan's resources
 * @param {number} t
 * @param {boolean} between whether the other side is another component of the composition (lift gives a `MovedEnd`)
 * @returns {import('../../abi/context.js').ChannelHandler}
 */
export function channelValues(sched, inst, types, resources, t, between) {
  const { kind, element } = types[t];
  const isStream = kind === 'stream';
  const EndT = isStream ? ReadableStreamEnd : ReadableFutureEnd;
  const wake = () => sched.wake();
  const bytes = element !== null && types[element].kind === 'u8';
  return {
    lift(i) {
      const e = inst.table.remove(i, `a readable ${kind} end`);
      if (!(e instanceof EndT)) trap(`${i} is not a readable ${kind} end`);
      if (!sameType(types, e.shared.t, element)) trap(`${kind} end ${i} carries another type than the ${kind} it is passed as`);
      if (e.state !== IDLE) trap(`${kind} end ${i} was passed on while ${e.copying() ? 'a copy through it is in progress' : 'it can only be dropped'}`);
      e.join(null);
      if (between) return new MovedEnd(e.shared);
      const dead = () => (inst.state.status === DEAD ? deadError(inst.state, kind) : null);
      return isStream ? toReadableStream(sched, e.shared, bytes, dead, types, element) : toPromise(sched, e.shared, dead, types, element);
    },
    lower(v) {
      if (v instanceof MovedEnd) return inst.table.add(new EndT(v.shared, wake));
      const link = v?.[LINK];
      if (link !== undefined && link.mayTake(v, sched, types, resources, element)) return inst.table.add(new EndT(new Linked(link, sched, element), wake));
      const shared = isStream ? new HostSource(sched, element, sourceOf(v, bytes), bytes) : new HostFuture(sched, element, v);
      return inst.table.add(new EndT(shared, wake));
    },
  };
}

/** What reading a stream whose instance died rejects with. */
function deadError(state, kind) {
  return new TerrariumError('dead', `a \`${kind}\` of instance \`${state.name}\` was read after the instance died`, { cause: state.cause ?? undefined });
}

/**
 * The guest's stream `shared`, read by the host as a JS `ReadableStream`. Until it ends, JS may read
 * it at any time: a guest task waiting to write to it is no deadlock (`sched.outside`). A read once
 * the instance `dead()` errors the stream. A `stream<u8>` is a byte stream: a BYOB reader's view is
 * filled straight from the guest's memory (no chunk allocated), and a default reader gets a chunk a
 * read, each holding one or more of the guest's writes (byte-reads.js). Another instance may take
 * the stream itself while JS has not read it (`Link`): the `ReadableStream` then errors on a read.
 */
function toReadableStream(sched, shared, bytes, dead, types, element) {
  const link = new Link(shared, sched, types, element, dead);
  const release = link.release;
  let cancelled = false;
  /** How many bytes a default reader's next chunk has room for: twice the last chunk's, up to `MAX_CHUNK`. */
  let chunkHint = 0;
  const stream = new ReadableStream(
    {
      type: bytes ? 'bytes' : undefined,
      pull(controller) {
        link.readByJs = true;
        if (link.taken) {
          controller.error(new TypeError('this stream was passed to another instance, which reads it now'));
          return undefined;
        }
        return new Promise((resolve) => {
          const byob = bytes ? controller.byobRequest : null;
          const buffer = bytes ? new HostByteRoom(byob ? byob.view : null, chunkHint) : new HostBuffer([], VALUES_PER_READ);
          let settled = false;
          const fail = (cause) => {
            if (settled) return;
            settled = true;
            release();
            controller.error(cause);
            resolve();
          };
          const deliver = (result) => {
            if (settled) return;
            settled = true;
            sched.pending.delete(fail);
            // JS cancelled the stream while this read waited: what came is dropped with it.
            if (cancelled) return resolve();
            if (byob) {
              if (buffer.progress > 0) byob.respond(buffer.progress);
            } else if (bytes) {
              if (buffer.progress > 0) {
                controller.enqueue(buffer.filled());
                chunkHint = Math.min(MAX_CHUNK, 2 * buffer.progress);
              }
            } else {
              for (const chunk of buffer.chunks) for (const v of chunk) controller.enqueue(v);
            }
            if (result === DROPPED) {
              release();
              controller.close();
              // A BYOB read the end left empty completes done, with its view handed back.
              if (byob && buffer.progress === 0) byob.respond(0);
            }
            resolve();
          };
          // The instance dying while this read waits, or before it, errors the stream.
          const cause = dead();
          if (cause !== null) return fail(cause);
          sched.pending.add(fail);
          if (bytes) {
            readCoalesced(shared, buffer, deliver);
          } else {
            shared.read(null, buffer, (reclaim) => {
              reclaim();
              deliver(COMPLETED);
            }, deliver);
          }
        });
      },
      cancel() {
        link.readByJs = true;
        if (link.taken) return;
        cancelled = true;
        release();
        shared.drop();
      },
    },
    { highWaterMark: 0 },
  );
  Object.defineProperty(stream, LINK, { value: link });
  return stream;
}

/**
 * A guest's stream or future that JS received as a `ReadableStream` or a Promise and may pass,
 * unread, to a function of another instance linked in the page (`b.instantiate({ ...: a.exports.x
 * })`): that instance takes it itself into its table (`Linked`), so the two guests' copies meet
 * memory to memory, as between the components of a composition; values with handles as the JS
 * values each instance's own JS form has them, element by element (`GuestBuffer.copyFrom`), so
 * only where the receiver's resources are host resources (which take any JS object: a resource
 * means one thing in one plan only). Others, and one JS has read, awaited or locked, go through
 * their JS form. Until it ends or is taken, JS may read it at any time: a guest task of the writer
 * waiting for its write to be taken is no deadlock (`sched.outside`).
 */
class Link {
  constructor(shared, sched, types, element, dead) {
    this.shared = shared;
    this.sched = sched;
    this.types = types;
    this.element = element;
    let held = true;
    sched.outside++;
    /** stops counting the value as something outside the writer's scheduler that may wake a task */
    this.release = () => {
      if (!held) return;
      held = false;
      sched.outside--;
      sched.wake();
    };
    /** the writer's instance died (its stream errors; it is not taken) */
    this.dead = dead;
    /** JS pulled, cancelled or awaited it */
    this.readByJs = false;
    this.taken = false;
  }

  /**
   * Whether another instance, of scheduler `sched` and plan `types` and `resources`, may take `v`
   * (this link's `ReadableStream` or Promise) as a stream or future of `element`. Within one
   * instance JS's copy stays (a guest reading what it writes would copy to itself, which traps for
   * anything but numbers).
   */
  mayTake(v, sched, types, resources, element) {
    if (sched === this.sched || this.taken || this.readByJs || v.locked === true || this.dead() !== null) return false;
    return sameType(this.types, this.element, element, types, (r) => resources[r].import !== null);
  }
}

/**
 * The readable side of a `Link`ed stream or future in the instance that took it: the writer's
 * shared one, under this instance's type index. Each scheduler counts the other instance as something outside
 * that may wake its tasks until this end is dropped; if either instance dies first, the stream is
 * dropped for the other, which reads or writes DROPPED.
 */
class Linked {
  /**
   * @param {Link} link
   * @param {import('./scheduler.js').Scheduler} sched the reader's
   * @param {number|null} element the element type in the reader's plan
   */
  constructor(link, sched, element) {
    link.taken = true;
    this.shared = link.shared;
    this.t = element;
    this.sched = sched;
    this.release = link.release;
    sched.outside++;
    this.dropOnDeath = () => this.drop();
    sched.pending.add(this.dropOnDeath);
    link.sched.pending.add(this.dropOnDeath);
    this.writerSched = link.sched;
    this.dropped = false;
  }

  /** A stream's read (`inst, dst, onCopy, onCopyDone`) or a future's (`inst, dst, onCopyDone`). */
  read(...copy) {
    this.shared.read(...copy);
  }

  cancel() {
    this.shared.cancel();
  }

  drop() {
    if (this.dropped) return;
    this.dropped = true;
    this.sched.pending.delete(this.dropOnDeath);
    this.writerSched.pending.delete(this.dropOnDeath);
    this.sched.outside--;
    this.sched.wake();
    this.release();
    this.shared.drop();
  }
}

/**
 * A guest's future as JS receives it: a Promise that reads the future only once JS first looks at
 * it (`then`, which `await`, `catch`, `finally` and resolving another promise with it all call),
 * so that, unread, another instance linked in the page may take the future itself (`Link`).
 */
class FuturePromise extends Promise {
  /** What `then` returns: a plain Promise. */
  static get [Symbol.species]() {
    return Promise;
  }

  then(onFulfilled, onRejected) {
    // (absent on a FuturePromise JS made itself, through `p.constructor`)
    this[READ]?.();
    return super.then(onFulfilled, onRejected);
  }
}

/** Where a `FuturePromise` keeps the start of its read. */
const READ = Symbol('terrarium.read');

/**
 * The guest's future `shared`, as a `FuturePromise` of its value, which the host reads on the
 * first `then`. A read once the instance `dead()`, or its death while the read waits, rejects it.
 */
function toPromise(sched, shared, dead, types, element) {
  const link = new Link(shared, sched, types, element, dead);
  let settle;
  const p = new FuturePromise((resolve, reject) => (settle = { resolve, reject }));
  let started = false;
  const read = () => {
    if (started) return;
    started = true;
    link.readByJs = true;
    const fail = (cause) => {
      link.release();
      settle.reject(cause);
    };
    // (the instance that took it holds the writer's count, `Linked`)
    if (link.taken) return settle.reject(new TypeError('this future was passed to another instance, which reads it now'));
    const cause = dead();
    if (cause !== null) return fail(cause);
    const buffer = new HostBuffer([], 1);
    sched.pending.add(fail);
    shared.read(null, buffer, (result) => {
      sched.pending.delete(fail);
      link.release();
      if (result === COMPLETED) settle.resolve(buffer.chunks[0][0]);
      else settle.reject(new TerrariumError('trap', 'the future was dropped without a value'));
    });
    return undefined;
  };
  Object.defineProperty(p, LINK, { value: link });
  Object.defineProperty(p, READ, { value: read });
  return p;
}

/**
 * What JS passes as a stream, as `{ next(): Promise<{done, value}>, cancel(reason) }`; each value
 * it yields is one element, or for `stream<u8>` a chunk of bytes (any `ArrayBufferView`) too.
 */
function sourceOf(v, bytes) {
  if (v !== null && typeof v === 'object' && typeof v.getReader === 'function') {
    const reader = v.getReader();
    return { next: () => reader.read(), cancel: (reason) => reader.cancel(reason).catch(() => {}) };
  }
  if (v !== null && typeof v === 'object' && typeof v[Symbol.asyncIterator] === 'function') {
    const it = v[Symbol.asyncIterator]();
    return { next: () => it.next(), cancel: () => Promise.resolve(it.return?.()).catch(() => {}) };
  }
  if (bytes && ArrayBuffer.isView(v)) {
    let done = false;
    return {
      next: () => Promise.resolve(done ? { done: true, value: undefined } : ((done = true), { done: false, value: v })),
      cancel: () => {},
    };
  }
  if (v !== null && typeof v === 'object' && typeof v[Symbol.iterator] === 'function') {
    const it = v[Symbol.iterator]();
    return { next: () => Promise.resolve(it.next()), cancel: () => it.return?.() };
  }
  return invalid('a ReadableStream, an async iterable or an array', v);
}

/**
 * A stream whose writer is JS: the spec's readable side (`read`, `cancel`, `drop`), implemented by
 * the host over a JS source.
 */
class HostSource {
  /**
   * @param {import('./scheduler.js').Scheduler} sched
   * @param {number|null} t the element type
   * @param {boolean} bytes whether it is a `stream<u8>`, whose source may give chunks of bytes
   */
  constructor(sched, t, source, bytes) {
    this.sched = sched;
    this.t = t;
    this.source = source;
    this.bytes = bytes;
    /** @type {HostBuffer|null} the chunk the source gave last */
    this.chunk = null;
    /** @type {{dst: any, onCopyDone: (result: number) => void} | null} the guest read waiting for a chunk */
    this.pending = null;
    this.pulling = false;
    /** the source has no more values: it ended, failed, or gave one that does not fit */
    this.ended = false;
  }

  read(inst, dst, onCopy, onCopyDone) {
    this.pending = { dst, onCopyDone };
    this.serve();
  }

  /** Serves the waiting read from the chunk at hand, or from the end, or asks the source for more. */
  serve() {
    const p = this.pending;
    if (p === null) return;
    if (this.chunk !== null && this.chunk.remain() > 0) {
      this.pending = null;
      p.onCopyDone(this.fill(p.dst));
    } else if (this.ended) {
      this.pending = null;
      p.onCopyDone(DROPPED);
    } else {
      this.pull();
    }
  }

  /** Copies what fits of the chunk into the guest's buffer: COMPLETED, or DROPPED if nothing fit. */
  fill(dst) {
    if (dst.remain() === 0) return COMPLETED;
    try {
      dst.write(this.chunk.read(Math.min(dst.remain(), this.chunk.remain())));
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e;
      this.end(toJsError(e, 'element', 'of a `stream` passed to the guest'));
      return dst.progress > 0 ? COMPLETED : DROPPED;
    }
    return COMPLETED;
  }

  pull() {
    if (this.pulling) return;
    this.pulling = true;
    const sched = this.sched;
    sched.outside++;
    const settle = () => {
      sched.outside--;
      this.pulling = false;
    };
    this.source.next().then(
      ({ done, value }) => {
        settle();
        if (this.ended) return;
        if (done) this.ended = true;
        else this.chunk = new HostBuffer(this.bytes && ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : [value]);
        this.serve();
        sched.wake();
      },
      () => {
        settle();
        this.ended = true;
        this.serve();
        sched.wake();
      },
    );
  }

  /** No more values: the source is cancelled (with `reason`). */
  end(reason) {
    if (this.ended) return;
    this.ended = true;
    this.source.cancel(reason);
  }

  cancel() {
    const p = this.pending;
    this.pending = null;
    p.onCopyDone(CANCELLED);
  }

  drop() {
    this.end(undefined);
  }
}

/** A future whose writer is JS: its value, once a promise or thenable gives it. */
class HostFuture {
  constructor(sched, t, v) {
    this.sched = sched;
    this.t = t;
    this.has = !isThenable(v);
    this.value = this.has ? v : undefined;
    this.failed = false;
    /** @type {{dst: any, onCopyDone: (result: number) => void} | null} */
    this.pending = null;
    if (!this.has) {
      Promise.resolve(v).then(
        (value) => {
          this.has = true;
          this.value = value;
          this.serve();
        },
        () => {
          this.failed = true;
          this.serve();
        },
      );
    }
  }

  read(inst, dst, onCopyDone) {
    if (this.has || this.failed) {
      onCopyDone(this.give(dst));
      return;
    }
    this.pending = { dst, onCopyDone };
    this.sched.outside++;
  }

  serve() {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.sched.outside--;
    p.onCopyDone(this.give(p.dst));
    this.sched.wake();
  }

  /** Writes the value into the guest's buffer: COMPLETED, or DROPPED if there is none that fits. */
  give(dst) {
    if (this.failed) return DROPPED;
    try {
      dst.write([this.value]);
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e;
      this.failed = true;
      return DROPPED;
    }
    return COMPLETED;
  }

  cancel() {
    const p = this.pending;
    this.pending = null;
    this.sched.outside--;
    p.onCopyDone(CANCELLED);
  }

  drop() {}
}
