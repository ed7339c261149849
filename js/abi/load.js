/**
 * The spec's `load`: a JS value from guest memory at `ptr`, one builder per type kind (kinds.js puts
 * them together; see lift-flat.js for their arguments).
 *
 * The caller has already checked that the whole value lies in memory and is aligned (the spec checks
 * once per range: the result pointer, the parameter block, each list's and string's range), so field
 * reads need no further checks. Views are read from `cx.mem` at each access: no guest code runs while
 * loading, but the closures are shared between calls.
 */
import { trap } from '../errors.js';
import { variantShape } from './variants.js';

export function loadScalar(cx, ty, t) {
  const mem = cx.mem;
  const load = cx.scalar(t).load;
  return (ptr) => load(mem.dv, ptr);
}

/** Loads the (pointer, length) pair a string or list is stored as, through `loadRange(ptr, len)`. */
function loadPair(mem, loadRange) {
  return (ptr) => {
    const dv = mem.dv;
    return loadRange(dv.getUint32(ptr, true), dv.getUint32(ptr + 4, true));
  };
}

export function loadString(cx) {
  return loadPair(cx.mem, cx.loadString());
}

export function loadList(cx, ty) {
  return loadPair(cx.mem, cx.loadList(ty.element));
}

export function loadMap(cx, ty) {
  const loadRange = cx.loadList(ty.entry);
  return loadPair(cx.mem, (ptr, len) => new Map(loadRange(ptr, len)));
}

export function loadRecord(cx, ty) {
  const names = ty.fields.map((f) => f.jsName);
  const offsets = ty.fields.map((f) => f.offset);
  const loads = ty.fields.map((f) => cx.load(f.type));
  return (ptr) => {
    const o = {};
    for (let i = 0; i < names.length; i++) o[names[i]] = loads[i](ptr + offsets[i]);
    return o;
  };
}

export function loadTuple(cx, ty) {
  const offsets = ty.elements.map((e) => e.offset);
  const loads = ty.elements.map((e) => cx.load(e.type));
  return (ptr) => {
    const a = new Array(loads.length);
    for (let i = 0; i < loads.length; i++) a[i] = loads[i](ptr + offsets[i]);
    return a;
  };
}

/** A variant, an option or a result. */
export function loadVariant(cx, ty, t, tagged) {
  const mem = cx.mem;
  const shape = variantShape(ty, tagged);
  const nestedTagged = ty.kind === 'option' && cx.types[ty.type].kind === 'option';
  const loads = shape.cases.map((c) => (c.type === null ? null : cx.load(c.type, nestedTagged)));
  // An option or a result has two cases: its discriminant is one byte, and the plan omits it.
  const loadDiscriminant = discriminantLoader(ty.discriminantSize ?? 1);
  const payloadOffset = ty.payloadOffset;
  const make = shape.make;
  return (ptr) => {
    const i = loadDiscriminant(mem.dv, ptr);
    if (i >= loads.length) trap(`invalid ${ty.kind} discriminant ${i}`);
    const load = loads[i];
    return make(i, load === null ? undefined : load(ptr + payloadOffset));
  };
}

export function loadEnum(cx, ty) {
  const mem = cx.mem;
  const names = ty.names;
  const loadDiscriminant = discriminantLoader(ty.discriminantSize);
  return (ptr) => {
    const i = loadDiscriminant(mem.dv, ptr);
    if (i >= names.length) trap(`invalid enum discriminant ${i}`);
    return names[i];
  };
}

export function loadFlags(cx, ty) {
  const mem = cx.mem;
  const jsNames = ty.jsNames;
  const size = ty.size;
  return (ptr) => {
    const dv = mem.dv;
    const o = {};
    for (let i = 0; i < jsNames.length; i++) {
      // Flags are stored as a little-endian bit vector of 1, 2 or 4·k bytes.
      const word = size === 1 ? dv.getUint8(ptr) : size === 2 ? dv.getUint16(ptr, true) : dv.getUint32(ptr + 4 * (i >>> 5), true);
      o[jsNames[i]] = ((word >>> (i & 31)) & 1) === 1;
    }
    return o;
  };
}

export function loadOwn(cx, ty) {
  const mem = cx.mem;
  const res = cx.resource(ty.resource);
  return (ptr) => res.liftOwn(mem.dv.getUint32(ptr, true));
}

export function loadBorrow(cx, ty) {
  const mem = cx.mem;
  const res = cx.resource(ty.resource);
  return (ptr) => res.liftBorrow(mem.dv.getUint32(ptr, true));
}

export function loadErrorContext(cx) {
  const mem = cx.mem;
  const handles = cx.errorContexts;
  return (ptr) => handles.lift(mem.dv.getUint32(ptr, true));
}

/** A `stream` or a `future`. */
export function loadChannel(cx, ty, t) {
  const mem = cx.mem;
  const ch = cx.channel(t);
  return (ptr) => ch.lift(mem.dv.getUint32(ptr, true));
}

/** Reads a 1, 2 or 4 byte unsigned discriminant. */
export function discriminantLoader(size) {
  switch (size) {
    case 1:
      return (dv, p) => dv.getUint8(p);
    case 2:
      return (dv, p) => dv.getUint16(p, true);
    case 4:
      return (dv, p) => dv.getUint32(p, true);
    default:
      throw new Error(`invalid discriminant size ${size}`);
  }
}
