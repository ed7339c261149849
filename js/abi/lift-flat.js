/**
 * The spec's `lift_flat`: core values (as the engine delivers them) to a JS value, one builder per
 * type kind (kinds.js puts them together, so that ahead-of-time output keeps only its plan's).
 *
 * A closure reads from a `FlatReader` — the core values of one call plus a cursor — so composite
 * types consume exactly their flat types in order. Each builder takes the context, the type, its
 * index and whether an option is lifted in its tagged form, and the context memoizes what it builds.
 */
import { trap } from '../errors.js';
import { variantShape, joinLiftCoercion } from './variants.js';

export class FlatReader {
  /** @param {ArrayLike<number|bigint>} values owned by the reader: variant lifting rewrites them */
  constructor(values) {
    this.v = values;
    this.i = 0;
  }
}

export function liftFlatScalar(cx, ty, t) {
  const lift = cx.scalar(t).lift;
  return (r) => lift(r.v[r.i++]);
}

/** Lifts the (pointer, length) pair a string or list is, through `loadRange(ptr, len)`. */
function liftFlatRange(loadRange) {
  return (r) => {
    const ptr = r.v[r.i++] >>> 0;
    const len = r.v[r.i++] >>> 0;
    return loadRange(ptr, len);
  };
}

export function liftFlatString(cx) {
  return liftFlatRange(cx.loadString());
}

export function liftFlatList(cx, ty) {
  return liftFlatRange(cx.loadList(ty.element));
}

export function liftFlatMap(cx, ty) {
  const loadList = cx.loadList(ty.entry);
  return liftFlatRange((ptr, len) => new Map(loadList(ptr, len)));
}

export function liftFlatRecord(cx, ty) {
  const names = ty.fields.map((f) => f.jsName);
  const lifts = ty.fields.map((f) => cx.liftFlat(f.type));
  return (r) => {
    const o = {};
    for (let i = 0; i < names.length; i++) o[names[i]] = lifts[i](r);
    return o;
  };
}

export function liftFlatTuple(cx, ty) {
  const lifts = ty.elements.map((e) => cx.liftFlat(e.type));
  return (r) => {
    const a = new Array(lifts.length);
    for (let i = 0; i < lifts.length; i++) a[i] = lifts[i](r);
    return a;
  };
}

export function liftFlatEnum(cx, ty) {
  const names = ty.names;
  return (r) => {
    const i = r.v[r.i++] >>> 0;
    if (i >= names.length) trap(`invalid enum discriminant ${i}`);
    return names[i];
  };
}

export function liftFlatFlags(cx, ty) {
  const jsNames = ty.jsNames;
  const words = ty.flat.length;
  return (r) => {
    const o = {};
    for (let w = 0; w < words; w++) {
      const bits = r.v[r.i++];
      const end = Math.min(jsNames.length, (w + 1) * 32);
      for (let i = w * 32; i < end; i++) o[jsNames[i]] = ((bits >>> (i & 31)) & 1) === 1;
    }
    return o;
  };
}

export function liftFlatOwn(cx, ty) {
  const res = cx.resource(ty.resource);
  return (r) => res.liftOwn(r.v[r.i++] >>> 0);
}

export function liftFlatBorrow(cx, ty) {
  const res = cx.resource(ty.resource);
  return (r) => res.liftBorrow(r.v[r.i++] >>> 0);
}

export function liftFlatErrorContext(cx) {
  const handles = cx.errorContexts;
  return (r) => handles.lift(r.v[r.i++] >>> 0);
}

/** A `stream` or a `future`. */
export function liftFlatChannel(cx, ty, t) {
  const ch = cx.channel(t);
  return (r) => ch.lift(r.v[r.i++] >>> 0);
}

/** The spec's `lift_flat_variant` (variant, option, result): discriminant, then the case's values coerced out of the join. */
export function liftFlatVariant(cx, ty, t, tagged) {
  const shape = variantShape(ty, tagged);
  const join = ty.flat.slice(1);
  const joinLength = join.length;
  const nestedTagged = ty.kind === 'option' && cx.types[ty.type].kind === 'option';
  const cases = shape.cases.map((c) => {
    if (c.type === null) return null;
    const flat = cx.types[c.type].flat;
    const coercions = flat.map((want, j) => joinLiftCoercion(join[j], want));
    return {
      lift: cx.liftFlat(c.type, nestedTagged),
      coercions: coercions.some((f) => f !== null) ? coercions : null,
    };
  });
  const make = shape.make;
  const n = cases.length;
  return (r) => {
    const i = r.v[r.i++] >>> 0;
    if (i >= n) trap(`invalid ${ty.kind} discriminant ${i}`);
    const c = cases[i];
    const start = r.i;
    let val;
    if (c !== null) {
      const co = c.coercions;
      if (co !== null) {
        for (let j = 0; j < co.length; j++) if (co[j] !== null) r.v[start + j] = co[j](r.v[start + j]);
      }
      val = c.lift(r);
    }
    r.i = start + joinLength;
    return make(i, val);
  };
}
