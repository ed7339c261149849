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

  /** The spec's `ReadableBufferGuestImpl.read`: the next `n` values, lifted from memory. */
  read(n) {
    let vs;
    if (this.t === null) {
      vs = new Array(n).fill(undefined);
    } else {
      this.cx.mem.sync();
      vs = this.cx.loadList(this.t)(this.ptr, n);
      this.ptr += n * this.cx.types[this.t].size;
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

/** The host's side of a copy: values it offers (`read`), or room it has for `capacity` (`write`). */
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

  write(vs) {
    this.chunks.push(vs);
    this.progress += vs.length;
  }
}
