/**
 * Lists: the spec's `store_list_into_range` / `load_list_from_range`.
 *
 * Lists of numbers are exchanged as typed arrays and copied with one `set` (wasm memory and typed
 * arrays are both little-endian on every platform a browser runs on); other lists are JS arrays,
 * stored and loaded element by element.
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
  const isFloat = kind === 'f32' || kind === 'f64';
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
      let i = 0;
      try {
        for (; i < n; i++) view[i] = lowerElement(v[i]);
      } catch (e) {
        rethrowAt(e, `[${i}]`);
      }
    }
    if (isFloat) canonicalizeNaNs(mem.buffer, ptr, n, kind);
    return [ptr, n];
  };
}

/** Stored floats carry the canonical NaN (the spec's `canonicalize_nan32/64`). */
export function canonicalizeNaNs(buffer, ptr, n, kind) {
  if (kind === 'f32') {
    const f = new Float32Array(buffer, ptr, n);
    for (let i = 0; i < n; i++) {
      if (f[i] !== f[i]) new Uint32Array(buffer, ptr + 4 * i, 1)[0] = CANONICAL_NAN32;
    }
  } else {
    const f = new Float64Array(buffer, ptr, n);
    for (let i = 0; i < n; i++) {
      if (f[i] !== f[i]) new BigUint64Array(buffer, ptr + 8 * i, 1)[0] = CANONICAL_NAN64;
    }
  }
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
