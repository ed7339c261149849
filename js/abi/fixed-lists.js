/**
 * Fixed-length lists `list<T, N>`: N elements stored inline (no pointer, no realloc) and flattened
 * as N copies of T. As JS values they are what a `list<T>` is (a typed array for numeric T, else an
 * array), and a lowered value must have exactly N elements.
 */
import { invalid, rethrowAt, InvalidValue } from './invalid.js';
import { TYPED_ARRAYS } from './scalars.js';

/** What every closure of one `list<T, N>` shares: its element type, N, and its JS form. */
function shape(cx, ty) {
  const el = cx.types[ty.element];
  const Typed = TYPED_ARRAYS[el.kind] ?? null;
  const n = ty.length;
  const expected = Typed === null ? `an array of length ${n}` : `a ${Typed.name} or an array of length ${n}`;
  return {
    n,
    size: el.size,
    make: () => (Typed === null ? new Array(n) : new Typed(n)),
    /** Refuses a value that is not a list (TypeError) or not of length N (RangeError). */
    check(v) {
      const list = Array.isArray(v) || (Typed !== null && ArrayBuffer.isView(v) && !(v instanceof DataView));
      if (!list) invalid(expected, v);
      if (v.length !== n) throw new InvalidValue(true, expected, v);
    },
  };
}

/** Each element of `v`, with its index on the path of a refused one. */
function eachElement(v, n, f) {
  let i = 0;
  try {
    for (; i < n; i++) f(v[i], i);
  } catch (e) {
    rethrowAt(e, `[${i}]`);
  }
}

/** @returns {(ptr: number) => any} */
export function buildLoadFixed(cx, ty) {
  const { n, size, make } = shape(cx, ty);
  const load = cx.load(ty.element);
  return (ptr) => {
    const out = make();
    for (let i = 0; i < n; i++) out[i] = load(ptr + i * size);
    return out;
  };
}

/** @returns {(ptr: number, v: any) => void} */
export function buildStoreFixed(cx, ty) {
  const { n, size, check } = shape(cx, ty);
  const store = cx.store(ty.element);
  return (ptr, v) => {
    check(v);
    eachElement(v, n, (x, i) => store(ptr + i * size, x));
  };
}

/** @returns {(r: import('./lift-flat.js').FlatReader) => any} */
export function buildLiftFlatFixed(cx, ty) {
  const { n, make } = shape(cx, ty);
  const lift = cx.liftFlat(ty.element);
  return (r) => {
    const out = make();
    for (let i = 0; i < n; i++) out[i] = lift(r);
    return out;
  };
}

/** @returns {(v: any, out: Array<number|bigint>) => void} */
export function buildLowerFlatFixed(cx, ty) {
  const { n, check } = shape(cx, ty);
  const lower = cx.lowerFlat(ty.element);
  return (v, out) => {
    check(v);
    eachElement(v, n, (x) => lower(x, out));
  };
}
