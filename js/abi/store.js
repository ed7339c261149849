/**
 * The spec's `store`: a JS value into guest memory at `ptr` (already allocated, aligned and in
 * bounds). Storing a string or list calls realloc, which may grow memory, so every write re-reads
 * the view from `cx.mem` after any nested store.
 */
import { invalid, rethrowAt } from './invalid.js';
import { SCALARS } from './scalars.js';
import { variantShape } from './variants.js';
import { enumIndex } from './lower-flat.js';
import { buildStoreFixed } from './fixed-lists.js';
import { mapEntries } from './maps.js';

/** @returns {(ptr: number, v: any) => void} */
export function buildStore(cx, t, tagged) {
  const ty = cx.types[t];
  const mem = cx.mem;
  const scalar = SCALARS[ty.kind];
  if (scalar) {
    const { lower, store } = scalar;
    return (ptr, v) => store(mem.dv, ptr, lower(v));
  }
  switch (ty.kind) {
    case 'string': {
      const storeString = cx.storeString();
      return (ptr, v) => {
        const [p, n] = storeString(v);
        const dv = mem.dv;
        dv.setUint32(ptr, p, true);
        dv.setUint32(ptr + 4, n, true);
      };
    }
    case 'list': {
      const storeList = cx.storeList(ty.element);
      return (ptr, v) => {
        const [p, n] = storeList(v);
        const dv = mem.dv;
        dv.setUint32(ptr, p, true);
        dv.setUint32(ptr + 4, n, true);
      };
    }
    case 'map': {
      const storeList = cx.storeList(ty.entry);
      return (ptr, v) => {
        const [p, n] = storeList(mapEntries(v));
        const dv = mem.dv;
        dv.setUint32(ptr, p, true);
        dv.setUint32(ptr + 4, n, true);
      };
    }
    case 'fixed-list':
      return buildStoreFixed(cx, ty);
    case 'record': {
      const names = ty.fields.map((f) => f.jsName);
      const offsets = ty.fields.map((f) => f.offset);
      const stores = ty.fields.map((f) => cx.store(f.type));
      return (ptr, v) => {
        if (v === null || typeof v !== 'object') return invalid('an object (record)', v);
        let i = 0;
        try {
          for (; i < names.length; i++) stores[i](ptr + offsets[i], v[names[i]]);
        } catch (e) {
          rethrowAt(e, `.${names[i]}`);
        }
      };
    }
    case 'tuple': {
      const offsets = ty.elements.map((e) => e.offset);
      const stores = ty.elements.map((e) => cx.store(e.type));
      const n = stores.length;
      return (ptr, v) => {
        if (!Array.isArray(v) || v.length !== n) return invalid(`an array of length ${n} (tuple)`, v);
        let i = 0;
        try {
          for (; i < n; i++) stores[i](ptr + offsets[i], v[i]);
        } catch (e) {
          rethrowAt(e, `[${i}]`);
        }
      };
    }
    case 'variant':
    case 'option':
    case 'result': {
      const shape = variantShape(ty, tagged);
      const nestedTagged = ty.kind === 'option' && cx.types[ty.type].kind === 'option';
      const stores = shape.cases.map((c) => (c.type === null ? null : cx.store(c.type, nestedTagged)));
      // An option or a result has two cases: its discriminant is one byte, and the plan omits it.
      const storeDiscriminant = discriminantStorer(ty.discriminantSize ?? 1);
      const payloadOffset = ty.payloadOffset;
      const { caseOf, payloadOf } = shape;
      const segment = ty.kind === 'option' && !tagged ? '' : '.val';
      return (ptr, v) => {
        const i = caseOf(v);
        const store = stores[i];
        if (store !== null) {
          try {
            store(ptr + payloadOffset, payloadOf(v));
          } catch (e) {
            rethrowAt(e, segment);
          }
        }
        storeDiscriminant(mem.dv, ptr, i);
      };
    }
    case 'enum': {
      const index = enumIndex(ty.names);
      const expected = `one of ${ty.names.map((n) => JSON.stringify(n)).join(', ')}`;
      const storeDiscriminant = discriminantStorer(ty.discriminantSize);
      return (ptr, v) => {
        const i = index.get(v);
        storeDiscriminant(mem.dv, ptr, i !== undefined ? i : invalid(expected, v, 'string'));
      };
    }
    case 'flags': {
      const jsNames = ty.jsNames;
      const size = ty.size;
      const words = Math.ceil(jsNames.length / 32);
      return (ptr, v) => {
        if (v === null || typeof v !== 'object') return invalid('an object of booleans (flags)', v);
        const dv = mem.dv;
        for (let w = 0; w < words; w++) {
          let bits = 0;
          const end = Math.min(jsNames.length, (w + 1) * 32);
          for (let i = w * 32; i < end; i++) if (v[jsNames[i]]) bits |= 1 << (i & 31);
          if (size === 1) dv.setUint8(ptr, bits);
          else if (size === 2) dv.setUint16(ptr, bits, true);
          else dv.setUint32(ptr + 4 * w, bits, true);
        }
      };
    }
    case 'own': {
      const res = cx.resource(ty.resource);
      return (ptr, v) => mem.dv.setUint32(ptr, res.lowerOwn(v), true);
    }
    case 'borrow': {
      const res = cx.resource(ty.resource);
      return (ptr, v) => mem.dv.setUint32(ptr, res.lowerBorrow(v), true);
    }
    case 'error-context': {
      const handles = cx.errorContexts;
      return (ptr, v) => mem.dv.setUint32(ptr, handles.lower(v), true);
    }
    case 'stream':
    case 'future': {
      const ch = cx.channel(t);
      return (ptr, v) => mem.dv.setUint32(ptr, ch.lower(v), true);
    }
    default:
      throw new Error(`unknown type kind ${ty.kind}`);
  }
}

/** Writes a 1, 2 or 4 byte discriminant. */
export function discriminantStorer(size) {
  switch (size) {
    case 1:
      return (dv, p, i) => dv.setUint8(p, i);
    case 2:
      return (dv, p, i) => dv.setUint16(p, i, true);
    case 4:
      return (dv, p, i) => dv.setUint32(p, i, true);
    default:
      throw new Error(`invalid discriminant size ${size}`);
  }
}
