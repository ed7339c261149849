/**
 * Variant-like types (variant, option, result): their JS shapes and the flat-value join.
 *
 * `variantShape` maps between a case index plus payload and the JS value, per jco's conventions:
 * variants and results are `{tag, val}`; an option is `value | undefined` unless it is directly the
 * payload of another option (then `{tag: 'some', val} | {tag: 'none'}`, so `some(none)` survives).
 *
 * The join coercions are the spec's `lower_flat_variant` / `lift_flat_variant`: a case's flat values
 * are bit-cast or widened to the variant's joined core types and back.
 */
import { invalid } from './invalid.js';
import { f32ToI32, i32ToF32, f64ToI64, i64ToF64 } from './scalars.js';

/**
 * @returns {{cases: {name: string, type: number|null}[], caseOf: (v:any)=>number, payloadOf: (v:any)=>any,
 *   make: (i:number, val:any)=>any}}
 */
export function variantShape(ty, tagged) {
  switch (ty.kind) {
    case 'variant':
      return tagShape(ty.cases, false);
    case 'result':
      return tagShape(
        [
          { name: 'ok', type: ty.ok },
          { name: 'err', type: ty.err },
        ],
        true,
      );
    case 'option': {
      const cases = [
        { name: 'none', type: null },
        { name: 'some', type: ty.type },
      ];
      if (tagged) return tagShape(cases, false);
      return {
        cases,
        caseOf: (v) => (v === undefined || v === null ? 0 : 1),
        payloadOf: (v) => v,
        make: (i, val) => (i === 0 ? undefined : val),
      };
    }
    default:
      throw new Error(`not a variant type: ${ty.kind}`);
  }
}

/** `{tag, val}` values; payload-less cases lift as `{tag}` (results always carry `val`). */
function tagShape(cases, alwaysVal) {
  const index = new Map(cases.map((c, i) => [c.name, i]));
  const expected = `an object {tag, val} with tag one of ${cases.map((c) => JSON.stringify(c.name)).join(', ')}`;
  const shells = cases.map((c) => c.type === null && !alwaysVal);
  return {
    cases,
    caseOf(v) {
      const i = v !== null && typeof v === 'object' ? index.get(v.tag) : undefined;
      return i !== undefined ? i : invalid(expected, v);
    },
    payloadOf: (v) => v.val,
    make: (i, val) => (shells[i] ? { tag: cases[i].name } : { tag: cases[i].name, val }),
  };
}

/**
 * How to turn a case's core value of type `have` into the joined type `want` (lowering), or null when
 * no change is needed. i32 values are widened as unsigned, as the spec stores them.
 */
export function joinLowerCoercion(have, want) {
  if (have === want) return null;
  if (have === 'f32' && want === 'i32') return f32ToI32;
  if (have === 'i32' && want === 'i64') return (x) => BigInt(x >>> 0);
  if (have === 'f32' && want === 'i64') return (x) => BigInt(f32ToI32(x) >>> 0);
  if (have === 'f64' && want === 'i64') return f64ToI64;
  throw new Error(`invalid variant join ${have} -> ${want}`);
}

/** The inverse of `joinLowerCoercion`: from the joined type `have` back to the case's type `want`. */
export function joinLiftCoercion(have, want) {
  if (have === want) return null;
  if (have === 'i32' && want === 'f32') return i32ToF32;
  if (have === 'i64' && want === 'i32') return (x) => Number(BigInt.asIntN(32, x));
  if (have === 'i64' && want === 'f32') return (x) => i32ToF32(Number(BigInt.asIntN(32, x)));
  if (have === 'i64' && want === 'f64') return i64ToF64;
  throw new Error(`invalid variant join ${want} <- ${have}`);
}
