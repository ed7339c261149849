/**
 * The spec's `lower_flat`: a JS value to core values, pushed onto an array in flat order, one
 * builder per type kind (kinds.js puts them together; see lift-flat.js for their arguments).
 *
 * Strings and lists are stored into guest memory through realloc and contribute (ptr, length).
 */
import { invalid, rethrowAt } from './invalid.js';
import { zeroOf } from './scalars.js';
import { variantShape, joinLowerCoercion } from './variants.js';
import { mapEntries } from './maps.js';

export function lowerFlatScalar(cx, ty, t) {
  const lower = cx.scalar(t).lower;
  return (v, out) => {
    out.push(lower(v));
  };
}

export function lowerFlatString(cx) {
  const storeString = cx.storeString();
  return (v, out) => {
    const [ptr, len] = storeString(v);
    out.push(ptr, len);
  };
}

export function lowerFlatList(cx, ty) {
  const storeList = cx.storeList(ty.element);
  return (v, out) => {
    const [ptr, len] = storeList(v);
    out.push(ptr, len);
  };
}

export function lowerFlatMap(cx, ty) {
  const storeList = cx.storeList(ty.entry);
  return (v, out) => {
    const [ptr, len] = storeList(mapEntries(v));
    out.push(ptr, len);
  };
}

export function lowerFlatRecord(cx, ty) {
  const names = ty.fields.map((f) => f.jsName);
  const lowers = ty.fields.map((f) => cx.lowerFlat(f.type));
  return (v, out) => {
    if (v === null || typeof v !== 'object') return invalid('an object (record)', v);
    let i = 0;
    try {
      for (; i < names.length; i++) lowers[i](v[names[i]], out);
    } catch (e) {
      rethrowAt(e, `.${names[i]}`);
    }
  };
}

export function lowerFlatTuple(cx, ty) {
  const lowers = ty.elements.map((e) => cx.lowerFlat(e.type));
  const n = lowers.length;
  return (v, out) => {
    if (!Array.isArray(v) || v.length !== n) return invalid(`an array of length ${n} (tuple)`, v);
    let i = 0;
    try {
      for (; i < n; i++) lowers[i](v[i], out);
    } catch (e) {
      rethrowAt(e, `[${i}]`);
    }
  };
}

export function lowerFlatEnum(cx, ty) {
  const { index, expected } = enumCases(ty.names);
  return (v, out) => {
    const i = index.get(v);
    out.push(i !== undefined ? i : invalid(expected, v, 'string'));
  };
}

/** An enum's case index by name, and how a refusal describes what was expected. */
export function enumCases(names) {
  return { index: new Map(names.map((n, i) => [n, i])), expected: `one of ${names.map((n) => JSON.stringify(n)).join(', ')}` };
}

export function lowerFlatFlags(cx, ty) {
  const jsNames = ty.jsNames;
  const words = ty.flat.length;
  return (v, out) => {
    if (v === null || typeof v !== 'object') return invalid('an object of booleans (flags)', v);
    for (let w = 0; w < words; w++) {
      let bits = 0;
      const end = Math.min(jsNames.length, (w + 1) * 32);
      for (let i = w * 32; i < end; i++) if (v[jsNames[i]]) bits |= 1 << (i & 31);
      out.push(bits);
    }
  };
}

export function lowerFlatOwn(cx, ty) {
  const res = cx.resource(ty.resource);
  return (v, out) => {
    out.push(res.lowerOwn(v));
  };
}

export function lowerFlatBorrow(cx, ty) {
  const res = cx.resource(ty.resource);
  return (v, out) => {
    out.push(res.lowerBorrow(v));
  };
}

export function lowerFlatErrorContext(cx) {
  const handles = cx.errorContexts;
  return (v, out) => {
    out.push(handles.lower(v));
  };
}

/** A `stream` or a `future`. */
export function lowerFlatChannel(cx, ty, t) {
  const ch = cx.channel(t);
  return (v, out) => {
    out.push(ch.lower(v));
  };
}

/** The spec's `lower_flat_variant` (variant, option, result): discriminant, the case's values coerced to the join, zero padding. */
export function lowerFlatVariant(cx, ty, t, tagged) {
  const shape = variantShape(ty, tagged);
  const join = ty.flat.slice(1);
  const nestedTagged = ty.kind === 'option' && cx.types[ty.type].kind === 'option';
  const cases = shape.cases.map((c) => {
    const flat = c.type === null ? [] : cx.types[c.type].flat;
    const coercions = flat.map((have, j) => joinLowerCoercion(have, join[j]));
    return {
      lower: c.type === null ? null : cx.lowerFlat(c.type, nestedTagged),
      coercions: coercions.some((f) => f !== null) ? coercions : null,
      padding: join.slice(flat.length).map(zeroOf),
    };
  });
  const { caseOf, payloadOf } = shape;
  return (v, out) => {
    const i = caseOf(v);
    const c = cases[i];
    out.push(i);
    const start = out.length;
    if (c.lower !== null) {
      try {
        c.lower(payloadOf(v), out);
      } catch (e) {
        rethrowAt(e, ty.kind === 'option' && !tagged ? '' : '.val');
      }
      const co = c.coercions;
      if (co !== null) {
        for (let j = 0; j < co.length; j++) if (co[j] !== null) out[start + j] = co[j](out[start + j]);
      }
    }
    const pad = c.padding;
    for (let j = 0; j < pad.length; j++) out.push(pad[j]);
  };
}
