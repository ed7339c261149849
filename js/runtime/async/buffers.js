/**
 * The buffers a stream or future copy moves values between (CanonicalABI.md, "Buffer State"): a
 * guest's range of linear memory (`BufferGuestImpl`) or the host's JS values. A buffer of numbers
 * hands its values on as one typed array (a `stream<u8>` copy is one `Uint8Array`), any other as a
 * JS array of lifted values; an element-less buffer (`stream` alone) as an array of `undefined`.
 * Between two guests' buffers, other values go memory to memory too (`moveValues`).
 */
import { trap } from '../../errors.js';
import { InvalidValue } from '../../abi/invalid.js';
import { TYPED_ARRAYS, u8Scalar } from '../../abi/scalars.js';
import { Fuser, hasHandles } from '../../abi/fuse.js';

/** The spec's `Buffer.MAX_LENGTH`: a count must fit in the 28 bits above a copy result's code. */
const MAX_LENGTH = 2 ** 28 - 1;

/**
 * The spec's `dst.write(src.read(n))`, where a copy meets its other side. Between two guests the
 * values go memory to memory: numbers in one `set`, other values without handles by a fused copy
 * (fuse.js), and values with handles lifted and lowered with the contexts of a call between
 * components, so that a stream or future end inside them moves as itself (channel-values.js).
 * @param {GuestBuffer|HostBuffer} src
 * @param {GuestBuffer|HostBuffer} dst
 */
export function moveValues(src, dst, n) {
  if (src instanceof GuestBuffer && dst instanceof GuestBuffer && src.t !== null && TYPED_ARRAYS[src.cx.types[src.t].kind] === undefined) {
    dst.copyFrom(src, n);
  } else {
    dst.write(src.read(n));
  }
}

/** The fused copier from one context's memory to another's, one per pair (they live as long as the instance). */
const fusers = new WeakMap();
function fuserOf(from, to) {
  let byDst = fusers.get(from);
  if (byDst === undefined) fusers.set(from, (byDst = new WeakMap()));
  let f = byDst.get(to);
  if (f === undefined) byDst.set(to, (f = new Fuser(from, to)));
  return f;
}

/**
 * `length` elements of type `t` at `ptr` in the memory of `cx` (the copy's options). Traps, as the
 * spec's constructor does, on a length past MAX_LENGTH and on a range that is misaligned or out of
 * bounds.
 */
export class GuestBuffer {
  /**
   * @param {import('../../abi/context.js').AbiContext} cx
   * @param {number|null} t the element type
   * @param {import('../../abi/context.js').AbiContext} between the same options as a call between
   *   components has them, for a copy whose other side is another guest of the composition
   * @param {import('./scheduler.js').Scheduler} sched the instance's (another's is another instance
   *   linked in the page)
   */
  constructor(cx, t, ptr, length, between, sched) {
    if (length > MAX_LENGTH) trap(`a stream or future copy of ${length} elements is longer than ${MAX_LENGTH}`);
    this.cx = cx;
    this.between = between;
    this.sched = sched;
    this.t = t;
    this.ptr = ptr;
    this.length = length;
    this.progress = 0;
    if (t !== null && length > 0) {
      cx.needMemory();
      const { size, align } = cx.types[t];
      cx.mem.sync();
      cx.mem.check(ptr, length * size, align);
    }
  }

  remain() {
    return this.length - this.progress;
  }

  isZeroLength() {
    return this.length === 0;
  }

  /**
   * The spec's `ReadableBufferGuestImpl.read`: the next `n` values, lifted from memory. Numbers come
   * as a typed-array view of the memory itself, valid only until guest code runs again: the copy's
   * other side copies them at once (one `set`), and no chunk is allocated in between.
   */
  read(n, cx = this.cx) {
    const t = this.t;
    let vs;
    if (t === null) {
      vs = new Array(n);
    } else {
      const Typed = TYPED_ARRAYS[cx.types[t].kind];
      cx.mem.sync();
      vs = Typed !== undefined ? new Typed(cx.mem.u8.buffer, this.ptr, n) : cx.loadList(t)(this.ptr, n);
      this.ptr += n * cx.types[t].size;
    }
    this.progress += n;
    return vs;
  }

  /**
   * The spec's `WritableBufferGuestImpl.write`: stores `vs` after what is there. A value that does
   * not fit the type (a host's) stops the write there: the values before it count, and the
   * `InvalidValue` propagates, its path naming the element.
   */
  write(vs, cx = this.cx) {
    const t = this.t;
    if (t === null) {
      this.progress += vs.length;
      return;
    }
    const size = cx.types[t].size;
    const Typed = TYPED_ARRAYS[cx.types[t].kind];
    cx.mem.sync();
    if (Typed !== undefined && vs instanceof Typed) {
      cx.mem.u8.set(new Uint8Array(vs.buffer, vs.byteOffset, vs.byteLength), this.ptr);
    } else {
      const store = cx.store(t);
      for (let i = 0; i < vs.length; i++) {
        try {
          store(this.ptr + i * size, vs[i]);
        } catch (e) {
          this.ptr += i * size;
          this.progress += i;
          if (e instanceof InvalidValue) e.path.unshift(`[${i}]`);
          throw e;
        }
      }
    }
    this.ptr += vs.length * size;
    this.progress += vs.length;
  }

  /**
   * `n` values from another guest's buffer `src` of the same type (`moveValues`), other than
   * numbers. The fused copy reads the type in the source's plan (the two may be different plans,
   * for instances linked in the page). Values with handles are lifted and lowered: between two
   * instances linked in the page, with the contexts of their own JS forms, so that a stream or
   * future inside is `Link`ed and taken, and each resource is the JS value the receiver's host
   * resource takes (channel-values.js).
   */
  copyFrom(src, n) {
    if (hasHandles(this.cx.types, this.t)) {
      const linked = src.sched !== this.sched;
      this.write(src.read(n, linked ? src.cx : src.between), linked ? this.cx : this.between);
      return;
    }
    src.cx.mem.sync();
    this.cx.mem.sync();
    fuserOf(src.cx, this.cx).elements(src.t)(src.ptr, this.ptr, n);
    const bytes = n * this.cx.types[this.t].size;
    src.ptr += bytes;
    src.progress += n;
    this.ptr += bytes;
    this.progress += n;
  }
}

/**
 * The host's side of a copy: values it offers (`read`), or room for `capacity` values (`write`),
 * kept chunk by chunk, each copied at once (a chunk may be a view of a guest's memory).
 */
export class HostBuffer {
  /**
   * @param {ArrayLike<any>} values what the host offers; for room, empty
   * @param {number} capacity how many values fit (for values offered, their number)
   */
  constructor(values, capacity = values.length) {
    this.values = values;
    this.length = capacity;
    this.progress = 0;
    /** @type {ArrayLike<any>[]} what was written into it, chunk by chunk */
    this.chunks = [];
  }

  remain() {
    return this.length - this.progress;
  }

  isZeroLength() {
    return this.length === 0;
  }

  read(n) {
    const start = this.progress;
    this.progress += n;
    const vs = this.values;
    return ArrayBuffer.isView(vs) ? vs.subarray(start, start + n) : Array.prototype.slice.call(vs, start, start + n);
  }

  /** Keeps `vs`, which may be a view of a guest's memory (`GuestBuffer.read`): copies it now. */
  write(vs) {
    this.chunks.push(ArrayBuffer.isView(vs) ? vs.slice() : vs);
    this.progress += vs.length;
  }
}

/**
 * The host's room for the bytes of a `stream<u8>` it reads: a BYOB reader's view, or a chunk
 * allocated at the first write, as long as that write or `hint` if longer, so that the writes
 * after it land in the same chunk. Each write is one `set`; a chunk is one allocation.
 */
export class HostByteRoom {
  /**
   * @param {Uint8Array|null} view the view to fill, or null for a chunk of its own
   * @param {number} hint how many bytes a chunk of its own has room for at least
   */
  constructor(view, hint) {
    this.view = view;
    this.hint = hint;
    this.progress = 0;
  }

  /** Before its chunk is allocated, room for any write. */
  remain() {
    return (this.view === null ? MAX_LENGTH : this.view.length) - this.progress;
  }

  isZeroLength() {
    return this.view !== null && this.view.length === 0;
  }

  /**
   * Copies `vs` after the bytes before it: a view of a guest's memory or of a JS chunk, or (from a
   * JS source the guest passed back unread) an array of values, each of which must be a u8.
   */
  write(vs) {
    const bytes = vs instanceof Uint8Array ? vs : Uint8Array.from(vs, u8Scalar.lower);
    if (this.view === null) this.view = new Uint8Array(Math.max(bytes.length, this.hint));
    this.view.set(bytes, this.progress);
    this.progress += bytes.length;
  }

  /** The bytes written, as a view of the room. */
  filled() {
    return this.view.subarray(0, this.progress);
  }
}
