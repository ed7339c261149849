/**
 * Scalar types: validation of JS values and conversion between JS and core values.
 *
 * Each entry has
 *   - `lower(v)`: the spec's `lower_flat` for the type, with validation: returns the core value
 *     (number for i32/f32/f64, BigInt for i64) or throws InvalidValue;
 *   - `lift(x)`: `lift_flat` from the core value as the JS engine delivers it (i32 as a signed number,
 *     i64 as a signed BigInt);
 *   - `load(dv, ptr)` / `store(dv, ptr, x)`: memory access, where `x` is what `lower` returned.
 * The integer checks are a `typeof` (a bit operation on a BigInt throws, and one on an object
 * calls its `valueOf`), then one bit operation and one comparison, e.g. `(v & 0xff) === v` rejects
 * fractions, NaN and out-of-range values at once.
 */
import { invalid } from './invalid.js';
import { trap } from '../errors.js';

/* Scratch space for float <-> int bit casts (variant joins, canonical NaN). */
const scratch = new ArrayBuffer(8);
const f32s = new Float32Array(scratch);
const i32s = new Int32Array(scratch);
const f64s = new Float64Array(scratch);
const i64s = new BigInt64Array(scratch);

export const CANONICAL_NAN32 = 0x7fc00000;
export const CANONICAL_NAN64 = 0x7ff8000000000000n;

/** The spec's `encode_float_as_i32`, canonicalizing NaN. */
export function f32ToI32(f) {
  if (f !== f) return CANONICAL_NAN32;
  f32s[0] = f;
  return i32s[0];
}
/** The spec's `decode_i32_as_float`. */
export function i32ToF32(i) {
  i32s[0] = i;
  return f32s[0];
}
/** The spec's `encode_float_as_i64`, canonicalizing NaN. */
export function f64ToI64(f) {
  if (f !== f) return CANONICAL_NAN64;
  f64s[0] = f;
  return i64s[0];
}
/** The spec's `decode_i64_as_float`. */
export function i64ToF64(i) {
  i64s[0] = i;
  return f64s[0];
}

/** The spec's `convert_i32_to_char`: traps on surrogates and values past U+10FFFF. */
export function liftChar(i) {
  return String.fromCodePoint(checkChar(i));
}

/** The code point of a char's core value, with `convert_i32_to_char`'s traps (no JS string made). */
export function checkChar(i) {
  const cp = i >>> 0;
  if (cp >= 0x110000 || (cp >= 0xd800 && cp <= 0xdfff)) trap(`invalid char code point 0x${cp.toString(16)}`);
  return cp;
}

/** A char is a string holding exactly one Unicode scalar value (no lone surrogate). */
export function lowerChar(v) {
  if (typeof v === 'string') {
    const cp = v.codePointAt(0);
    if (cp !== undefined && v.length === (cp > 0xffff ? 2 : 1) && (cp < 0xd800 || cp > 0xdfff)) return cp;
  }
  return invalid('a char (a string of one Unicode scalar value)', v, 'string');
}

function lowerS64(v) {
  if (typeof v === 'bigint') {
    if (BigInt.asIntN(64, v) === v) return v;
  } else if (Number.isSafeInteger(v)) {
    return BigInt(v);
  }
  return invalid('s64 (a BigInt)', v, typeof v === 'number' ? 'number' : 'bigint');
}
function lowerU64(v) {
  if (typeof v === 'bigint') {
    if (BigInt.asUintN(64, v) === v) return v;
  } else if (Number.isSafeInteger(v) && v >= 0) {
    return BigInt(v);
  }
  return invalid('u64 (a BigInt)', v, typeof v === 'number' ? 'number' : 'bigint');
}

/** The scalar types, one entry each so that ahead-of-time output keeps only those its plan uses. */
export const boolScalar = {
  lower: (v) => (v === true ? 1 : v === false ? 0 : invalid('bool', v)),
  lift: (x) => x !== 0,
  load: (dv, p) => dv.getUint8(p) !== 0,
  store: (dv, p, x) => dv.setUint8(p, x),
};
export const s8Scalar = {
  lower: (v) => (typeof v === 'number' && (v << 24) >> 24 === v ? v : invalid('s8 (-128..127)', v, 'number')),
  lift: (x) => (x << 24) >> 24,
  load: (dv, p) => dv.getInt8(p),
  store: (dv, p, x) => dv.setInt8(p, x),
};
export const u8Scalar = {
  lower: (v) => (typeof v === 'number' && (v & 0xff) === v ? v : invalid('u8 (0..255)', v, 'number')),
  lift: (x) => x & 0xff,
  load: (dv, p) => dv.getUint8(p),
  store: (dv, p, x) => dv.setUint8(p, x),
};
export const s16Scalar = {
  lower: (v) => (typeof v === 'number' && (v << 16) >> 16 === v ? v : invalid('s16 (-32768..32767)', v, 'number')),
  lift: (x) => (x << 16) >> 16,
  load: (dv, p) => dv.getInt16(p, true),
  store: (dv, p, x) => dv.setInt16(p, x, true),
};
export const u16Scalar = {
  lower: (v) => (typeof v === 'number' && (v & 0xffff) === v ? v : invalid('u16 (0..65535)', v, 'number')),
  lift: (x) => x & 0xffff,
  load: (dv, p) => dv.getUint16(p, true),
  store: (dv, p, x) => dv.setUint16(p, x, true),
};
export const s32Scalar = {
  lower: (v) => (typeof v === 'number' && (v | 0) === v ? v : invalid('s32', v, 'number')),
  lift: (x) => x | 0,
  load: (dv, p) => dv.getInt32(p, true),
  store: (dv, p, x) => dv.setInt32(p, x, true),
};
export const u32Scalar = {
  lower: (v) => (typeof v === 'number' && v >>> 0 === v ? v : invalid('u32', v, 'number')),
  lift: (x) => x >>> 0,
  load: (dv, p) => dv.getUint32(p, true),
  store: (dv, p, x) => dv.setUint32(p, x, true),
};
export const s64Scalar = {
  lower: lowerS64,
  lift: (x) => x,
  load: (dv, p) => dv.getBigInt64(p, true),
  store: (dv, p, x) => dv.setBigInt64(p, x, true),
};
export const u64Scalar = {
  lower: lowerU64,
  lift: (x) => BigInt.asUintN(64, x),
  load: (dv, p) => dv.getBigUint64(p, true),
  store: (dv, p, x) => dv.setBigUint64(p, x, true),
};
export const f32Scalar = {
  lower: (v) => (typeof v === 'number' ? v : invalid('f32 (a number)', v)),
  lift: (x) => x,
  load: (dv, p) => dv.getFloat32(p, true),
  store: (dv, p, x) => (x === x ? dv.setFloat32(p, x, true) : dv.setUint32(p, CANONICAL_NAN32, true)),
};
export const f64Scalar = {
  lower: (v) => (typeof v === 'number' ? v : invalid('f64 (a number)', v)),
  lift: (x) => x,
  load: (dv, p) => dv.getFloat64(p, true),
  store: (dv, p, x) => (x === x ? dv.setFloat64(p, x, true) : dv.setBigUint64(p, CANONICAL_NAN64, true)),
};
export const charScalar = {
  lower: lowerChar,
  lift: liftChar,
  load: (dv, p) => liftChar(dv.getUint32(p, true)),
  store: (dv, p, x) => dv.setUint32(p, x, true),
};

/** @type {Record<string, {lower: Function, lift: Function, load: Function, store: Function}>} */
export const SCALARS = {
  bool: boolScalar,
  s8: s8Scalar,
  u8: u8Scalar,
  s16: s16Scalar,
  u16: u16Scalar,
  s32: s32Scalar,
  u32: u32Scalar,
  s64: s64Scalar,
  u64: u64Scalar,
  f32: f32Scalar,
  f64: f64Scalar,
  char: charScalar,
};

/** Numeric list element kinds and the typed array a `list<kind>` is exchanged as. */
export const TYPED_ARRAYS = {
  u8: Uint8Array,
  s8: Int8Array,
  u16: Uint16Array,
  s16: Int16Array,
  u32: Uint32Array,
  s32: Int32Array,
  u64: BigUint64Array,
  s64: BigInt64Array,
  f32: Float32Array,
  f64: Float64Array,
};

/** Zero of a core type, for padding a variant's flat values to the join. */
export function zeroOf(coreType) {
  return coreType === 'i64' ? 0n : 0;
}
