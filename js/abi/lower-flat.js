/**
 * The spec's `lower_flat`: a JS value to core values, pushed onto an array in flat order.
 *
 * Strings and lists are stored into guest memory through realloc and contribute (ptr, length).
 */
import { invalid, rethrowAt } from './invalid.js';
import { SCALARS, zeroOf } from './scalars.js';
import { variantShape, joinLowerCoercion } from './variants.js';
import { buildLowerFlatFixed } from './fixed-lists.js';
import { mapEntries } from './maps.js';

/** @returns {(v: any, out: Array<number|bigint>) => void} */
export function buildLowerFlat(cx, t, tagged) {
  const ty = cx.types[t];
  const scalar = SCALARS[ty.kind];
  if (scalar) {
    const lower = scalar.lower;
    return (v, out) => {
      out.push(lower(v));
    };
  }
  switch (ty.kind) {
    case 'string': {
      const storeString = cx.storeString();
      return (v, out) => {
        const [ptr, len] = storeString(v);
        out.push(ptr, len);
      };
    }
    case 'list': {
      const storeList = cx.storeList(ty.element);
      return (v, out) => {
        const [ptr, len] = storeList(v);
        out.push(ptr, len);
      };
    }
    case 'map': {
      const storeList = cx.storeList(ty.entry);
      return (v, out) => {
        const [ptr, len] = storeList(mapEntries(v));
        out.push(ptr, len);
      };
    }
    case 'fixed-list':
      return buildLowerFlatFixed(cx, ty);
    case 'record': {
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
    case 'tuple': {
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
    case 'variant':
    case 'option':
    case 'result':
      return lowerFlatVariant(cx, ty, tagged);
    case 'enum': {
      const index = enumIndex(ty.names);
      const expected = `one of ${ty.names.map((n) => JSON.stringify(n)).join(', ')}`;
      return (v, out) => {
        const i = index.get(v);
        out.push(i !== undefined ? i : invalid(expected, v, 'string'));
      };
    }
    case 'flags': {
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
    case 'own': {
      const res = cx.resource(ty.resource);
      return (v, out) => {
        out.push(res.lowerOwn(v));
      };
    }
    case 'borrow': {
      const res = cx.resource(ty.resource);
      return (v, out) => {
        out.push(res.lowerBorrow(v));
      };
    }
    case 'error-context': {
      const handles = cx.errorContexts;
      return (v, out) => {
        out.push(handles.lower(v));
      };
    }
    case 'stream':
    case 'future': {
      const ch = cx.channel(t);
      return (v, out) => {
        out.push(ch.lower(v));
      };
    }
    default:
      throw new Error(`unknown type kind ${ty.kind}`);
  }
}

export function enumIndex(names) {
  return new Map(names.map((n, i) => [n, i]));
}

/** The spec's `lower_flat_variant`: discriminant, the case's values coerced to the join, zero padding. */
function lowerFlatVariant(cx, ty, tagged) {
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
