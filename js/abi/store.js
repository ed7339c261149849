/**
 * The spec's `store`: a JS value into guest memory at `ptr` (already allocated, aligned and in
 * bounds), one builder per type kind (kinds.js puts them together; see lift-flat.js for their
 * arguments). Storing a string or list calls realloc, which may grow memory, so every write
 * re-reads the view from `cx.mem` after any nested store.
 */
import { invalid, rethrowAt } from './invalid.js';
import { variantShape } from './variants.js';
import { enumCases } from './lower-flat.js';
import { mapEntries } from './maps.js';

export function storeScalar(cx, ty, t) {
  const mem = cx.mem;
  const { lower, store } = cx.scalar(t);
  return (ptr, v) => store(mem.dv, ptr, lower(v));
}

/** Stores the (pointer, length) pair `storeRange` makes of a value. */
function storePair(mem, storeRange) {
  return (ptr, v) => {
    const [p, n] = storeRange(v);
    const dv = mem.dv;
    dv.setUint32(ptr, p, true);
    dv.setUint32(ptr + 4, n, true);
  };
}

export function storeString(cx) {
  return storePair(cx.mem, cx.storeString());
}

export function storeList(cx, ty) {
  return storePair(cx.mem, cx.storeList(ty.element));
}

export function storeMap(cx, ty) {
  const storeRange = cx.storeList(ty.entry);
  return storePair(cx.mem, (v) => storeRange(mapEntries(v)));
}

export function storeRecord(cx, ty) {
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

export function storeTuple(cx, ty) {
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

/** A variant, an option or a result. */
export function storeVariant(cx, ty, t, tagged) {
  const mem = cx.mem;
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

export function storeEnum(cx, ty) {
  const mem = cx.mem;
  const { index, expected } = enumCases(ty.names);
  const storeDiscriminant = discriminantStorer(ty.discriminantSize);
  return (ptr, v) => {
    const i = index.get(v);
    storeDiscriminant(mem.dv, ptr, i !== undefined ? i : invalid(expected, v, 'string'));
  };
}

export function storeFlags(cx, ty) {
  const mem = cx.mem;
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

/** Stores the u32 `lower` makes of a value (a handle, a table index). */
function storeU32(mem, lower) {
  return (ptr, v) => mem.dv.setUint32(ptr, lower(v), true);
}

export function storeOwn(cx, ty) {
  const res = cx.resource(ty.resource);
  return storeU32(cx.mem, (v) => res.lowerOwn(v));
}

export function storeBorrow(cx, ty) {
  const res = cx.resource(ty.resource);
  return storeU32(cx.mem, (v) => res.lowerBorrow(v));
}

export function storeErrorContext(cx) {
  const handles = cx.errorContexts;
  return storeU32(cx.mem, (v) => handles.lower(v));
}

/** A `stream` or a `future`. */
export function storeChannel(cx, ty, t) {
  const ch = cx.channel(t);
  return storeU32(cx.mem, (v) => ch.lower(v));
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
