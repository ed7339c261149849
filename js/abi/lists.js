/**
 * Lists: the spec's `store_list_into_range` / `load_list_from_range`.
 *
 * Lists of numbers are exchanged as typed arrays and copied with one `set` (wasm memory and typed
 * arrays are both little-endian on every platform a browser runs on); other lists are JS arrays,
 * stored and loaded element by element.
 *
 * A `list<f32>` given as a `Float32Array` (`list<f64>`: `Float64Array`) crosses as its bytes, NaNs
 * with their bits: the spec stores floats through `maybe_scramble_nan32/64`, so a host may write
 * any NaN, and jco and Wasmtime copy float lists as bytes too. A float given as a JS number (a plain
 * array's element, a scalar, a record's field) is stored with the canonical NaN, as scalars.js does.
 */
import { trap } from '../errors.js';
import { invalid, rethrowAt } from './invalid.js';
import { TYPED_ARRAYS, CANONICAL_NAN32, CANONICAL_NAN64 } from './scalars.js';

const MAX_LIST_BYTES = 2 ** 32;

/** Builds `store(v) -> [ptr, length]`, allocating through realloc. */
export function makeStoreList(cx, elementType) {
  const el = cx.types[elementType];
  const size = el.size;
  const align = el.align;
  const Typed = TYPED_ARRAYS[el.kind];
  if (Typed) return makeStoreTypedList(cx, Typed, cx.scalar(elementType).lower, el.kind, size, align);
  const storeElement = cx.store(elementType);
  return (v) => {
    if (!Array.isArray(v)) return invalid(`an array`, v);
    const n = v.length;
    if (n * size >= MAX_LIST_BYTES) trap('list too long');
    const ptr = cx.alloc(align, n * size);
    let i = 0;
    try {
      for (; i < n; i++) storeElement(ptr + i * size, v[i]);
    } catch (e) {
      rethrowAt(e, `[${i}]`);
    }
    return [ptr, n];
  };
}

function makeStoreTypedList(cx, Typed, lowerElement, kind, size, align) {
  // Where a NaN given as a JS number is written as the canonical NaN's bits (floats only).
  const [NaNBits, canonicalNaN] = kind === 'f32' ? [Uint32Array, CANONICAL_NAN32] : kind === 'f64' ? [BigUint64Array, CANONICAL_NAN64] : [null, 0];
  return (v) => {
    const exact = v instanceof Typed;
    if (!exact && !Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) {
      return invalid(`a ${Typed.name} or an array`, v);
    }
    const n = v.length;
    if (n * size >= MAX_LIST_BYTES) trap('list too long');
    const ptr = cx.alloc(align, n * size);
    const mem = cx.mem;
    if (exact) {
      mem.u8.set(new Uint8Array(v.buffer, v.byteOffset, n * size), ptr);
    } else {
      const view = new Typed(mem.buffer, ptr, n);
      const nanBits = NaNBits === null ? null : new NaNBits(mem.buffer, ptr, n);
      let i = 0;
      try {
        for (; i < n; i++) {
          const x = lowerElement(v[i]);
          if (x === x) view[i] = x;
          else nanBits[i] = canonicalNaN;
        }
      } catch (e) {
        rethrowAt(e, `[${i}]`);
      }
    }
    return [ptr, n];
  };
}

/** Builds `load(ptr, length) -> list`, with the spec's alignment and bounds traps. */
export function makeLoadList(cx, elementType) {
  const el = cx.types[elementType];
  const size = el.size;
  const align = el.align;
  const Typed = TYPED_ARRAYS[el.kind];
  if (Typed) {
    return (ptr, n) => {
      const mem = cx.mem;
      mem.check(ptr, n * size, align);
      const out = new Typed(n);
      new Uint8Array(out.buffer).set(mem.u8.subarray(ptr, ptr + n * size));
      return out;
    };
  }
  const loadElement = cx.load(elementType);
  return (ptr, n) => {
    cx.mem.check(ptr, n * size, align);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = loadElement(ptr + i * size);
    return out;
  };
}
