/**
 * The buffers a stream or future copy moves values between (CanonicalABI.md, "Buffer State"): a
 * guest's range of linear memory (`BufferGuestImpl`) or the host's JS values. A buffer of numbers
 * hands its values on as one typed array (a `stream<u8>` copy is one `Uint8Array`), any other as a
 * JS array of lifted values; an element-less buffer (`stream` alone) as an array of `undefined`.
 */
import { trap } from '../../errors.js';
import { InvalidValue } from '../../abi/invalid.js';
import { TYPED_ARRAYS } from '../../abi/scalars.js';

/** The spec's `Buffer.MAX_LENGTH`: a count must fit in the 28 bits above a copy result's code. */
const MAX_LENGTH = 2 ** 28 - 1;

/**
 * `length` elements of type `t` at `ptr` in the memory of `cx` (the copy's options). Traps, as the
 * spec's constructor does, on a length past MAX_LENGTH and on a range that is misaligned or out of
 * bounds.
 */
export class GuestBuffer {
  /**
   * @param {import('../../abi/context.js').AbiContext} cx
   * @param {number|null} t the element type
   */
  constructor(cx, t, ptr, length) {
    if (length > MAX_LENGTH) trap(`a stream or future copy of ${length} elements is longer than ${MAX_LENGTH}`);
    this.cx = cx;
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
  read(n) {
    const t = this.t;
    let vs;
    if (t === null) {
      vs = new Array(n);
    } else {
      const cx = this.cx;
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
  write(vs) {
    const t = this.t;
    if (t === null) {
      this.progress += vs.length;
      return;
    }
    const cx = this.cx;
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
}

/**
 * The host's side of a copy: values it offers (`read`), or room it has for `capacity` (`write`).
 * Room is either `into`, a view the values are copied straight into (a BYOB read of a
 * `stream<u8>`), or `chunks`, one copy per write.
 */
export class HostBuffer {
  /**
   * @param {ArrayLike<any>} values what the host offers; for room, empty
   * @param {number} capacity how many values fit (for values offered, their number)
   * @param {ArrayBufferView|null} into for room, the view to fill
   */
  constructor(values, capacity = values.length, into = null) {
    this.values = values;
    this.length = capacity;
    this.progress = 0;
    this.into = into;
    /** @type {ArrayLike<any>[]} what was written into it, chunk by chunk, when there is no `into` */
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
    if (this.into !== null) this.into.set(vs, this.progress);
    else this.chunks.push(ArrayBuffer.isView(vs) ? vs.slice() : vs);
    this.progress += vs.length;
  }
}
