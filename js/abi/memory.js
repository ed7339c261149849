/**
 * Access to a guest's linear memory.
 *
 * `memory.buffer` is replaced whenever the memory grows (and the old ArrayBuffer is detached), which
 * can happen during any call into the guest, including `realloc`. A `MemoryView` caches one
 * `Uint8Array` and one `DataView` per buffer; the glue calls `sync()` after every call into guest
 * code and before it starts touching memory, and never keeps a view in a local across such a call.
 */
import { trap } from '../errors.js';

export class MemoryView {
  /** @param {WebAssembly.Memory} memory */
  constructor(memory) {
    this.memory = memory;
    /** @type {ArrayBuffer|null} */
    this.buffer = null;
    /** @type {Uint8Array} */
    this.u8 = new Uint8Array(0);
    /** @type {DataView} */
    this.dv = new DataView(new ArrayBuffer(0));
    /** TextDecoder refuses views of a SharedArrayBuffer, so shared memories decode from a copy. */
    this.shared = false;
    this.sync();
  }

  /**
   * Refreshes the cached views if the memory's buffer was replaced. Reading `memory.buffer` costs
   * about as much as a whole scalar call, so for ordinary memories growth is detected by the old
   * buffer being detached (every grow detaches it, leaving our view with length 0); shared
   * memories, which grow without detaching, always re-read it.
   */
  sync() {
    if (this.u8.length !== 0 && !this.shared) return;
    const buffer = this.memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.dv = new DataView(buffer);
      this.shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
    }
  }

  /**
   * Traps unless [ptr, ptr + byteLength) lies in memory and ptr is a multiple of `align` (a power of
   * two): the spec's `trap_if(ptr != align_to(ptr, alignment))` and `trap_if(ptr + n > len(memory))`.
   * `ptr` and `byteLength` are non-negative numbers (u32 already converted with `>>> 0`).
   */
  check(ptr, byteLength, align) {
    if ((ptr & (align - 1)) !== 0) trap(`unaligned pointer ${ptr} (alignment ${align})`);
    if (ptr + byteLength > this.u8.length) {
      trap(`out-of-bounds memory access: ${byteLength} bytes at ${ptr}, memory is ${this.u8.length} bytes`);
    }
  }

  /** A copy of [ptr, ptr + n) (bounds already checked), safe to hand to TextDecoder. */
  bytes(ptr, n) {
    return this.shared ? this.u8.slice(ptr, ptr + n) : this.u8.subarray(ptr, ptr + n);
  }
}

/** Below this many bytes a loop copies faster than making a subarray for `set`. */
const SHORT_COPY = 64;

/** Copies `n` bytes from `src[from..]` to `dst[to..]` (two memories' views, ranges checked). */
export function copyBytes(src, from, dst, to, n) {
  if (n < SHORT_COPY) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}
