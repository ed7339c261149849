/**
 * Values copied from one component's canonical-ABI form to another's, never becoming JS values: the
 * spec's `lift` on one side and `lower` on the other (CanonicalABI.md, "Lifting and Lowering
 * Values"), fused per type as Wasmtime's adapter modules fuse them. A `Fuser` builds, once per type,
 *
 *   - `flat(t)`: `(r: FlatReader, out) => void`, the source's core values to the destination's;
 *   - `memory(t)`: `(srcPtr, dstPtr) => void`, a value stored in the source's memory stored again in
 *     the destination's (both ranges already checked and allocated);
 *   - `direct(t)`, for strings, lists and scalars only: `flat(t)` without the reader and its array;
 *
 * Every check lifting makes still traps with the same message (bounds, alignment, strings, char
 * ranges, discriminants), and what lowering normalises is normalised (bool to 0/1, flags' unused
 * bits cleared, a float that would become a JS number stored with the canonical NaN; a float list
 * crosses as its bytes, as it does through a typed array: lists.js). Values with a fixed byte layout (scalars, enums, flags, and
 * records, tuples and variants of them: `isPlain`) cross as bytes, a whole list in one `set`, then
 * a pass that checks and normalises in place only where the type needs one (`fixup`). Strings and
 * lists are allocated with the destination's realloc (string-copy.js for strings). Handles are not
 * fused: `hasHandles` tells the runtime to keep such calls on the JS-value path.
 */
import { trap } from '../errors.js';
import { SCALARS, checkChar, zeroOf } from './scalars.js';
import { joinLiftCoercion, joinLowerCoercion } from './variants.js';
import { discriminantLoader } from './load.js';
import { discriminantStorer } from './store.js';
import { makeCopyString } from './string-copy.js';
import { copyBytes } from './memory.js';

/** Whether a value of type `t` holds a string or a list somewhere (it has something to copy). */
export function hasMemory(types, t) {
  return someType(types, t, (ty) => ty.kind === 'string' || ty.kind === 'list' || ty.kind === 'map');
}

/** The kinds of handle, which move between tables rather than copy. */
const HANDLES = new Set(['own', 'borrow', 'stream', 'future', 'error-context']);

/** Whether a value of type `t` holds a handle somewhere (an own or a borrow, a stream or future end, an error context). */
export function hasHandles(types, t) {
  return someType(types, t, (ty) => HANDLES.has(ty.kind));
}

/** Whether a value of type `t` is bytes only: no pointer, no handle (it crosses with one copy). */
function isPlain(types, t) {
  return !hasMemory(types, t) && !hasHandles(types, t);
}

/** Whether `test` holds for `t` or a type inside it. */
function someType(types, t, test) {
  const ty = types[t];
  if (test(ty)) return true;
  return childTypes(ty).some((c) => someType(types, c, test));
}

function childTypes(ty) {
  switch (ty.kind) {
    case 'record':
      return ty.fields.map((f) => f.type);
    case 'tuple':
      return ty.elements.map((e) => e.type);
    case 'variant':
      return ty.cases.map((c) => c.type).filter((c) => c !== null);
    case 'option':
      return [ty.type];
    case 'result':
      return [ty.ok, ty.err].filter((c) => c !== null);
    case 'list':
    case 'fixed-list':
      return [ty.element];
    case 'map':
      return [ty.entry];
    default:
      return [];
  }
}

export class Fuser {
  /**
   * @param {import('./context.js').AbiContext} from the source side
   * @param {import('./context.js').AbiContext} to the destination side (its realloc allocates)
   */
  constructor(from, to) {
    this.from = from;
    this.to = to;
    this.types = from.types;
    this.memo = { flat: new Map(), direct: new Map(), memory: new Map(), list: new Map(), elements: new Map() };
    this.strings = null;
  }

  /** @returns {(r: import('./lift-flat.js').FlatReader, out: any[]) => void} */
  flat(t) {
    return this.memoized('flat', t, () => this.buildFlat(t));
  }

  /** @returns {(srcPtr: number, dstPtr: number) => void} */
  memory(t) {
    return this.memoized('memory', t, () => this.buildMemory(t));
  }

  /** `(ptr, length) => dstPtr`: a list's elements, checked in the source and allocated in the destination. */
  list(element) {
    return this.memoized('list', element, () => this.buildList(element));
  }

  /** `(srcPtr, dstPtr, length) => void`: that many elements, both ranges already checked and allocated. */
  elements(element) {
    return this.memoized('elements', element, () => this.buildElements(element));
  }

  /** `(ptr, taggedLength, out, at)`, writing the destination's pointer and tagged length to `out[at..]`. */
  string() {
    return (this.strings ??= makeCopyString(this.from, this.to));
  }

  /**
   * `(src, i, dst) => void` for a string, a list or a scalar: its core values at `src[i..]` carried to
   * `dst[i..]` (the same places on both sides), with no reader and no array per call; null for
   * other types, which go through `flat`.
   */
  direct(t) {
    return this.memoized('direct', t, () => this.buildDirect(t));
  }

  buildDirect(t) {
    const ty = this.types[t];
    if (ty.kind === 'char') {
      return (src, i, dst) => {
        dst[i] = checkChar(src[i]);
      };
    }
    const scalar = SCALARS[ty.kind];
    if (scalar) {
      const { lift, lower } = scalar;
      return (src, i, dst) => {
        dst[i] = lower(lift(src[i]));
      };
    }
    if (ty.kind === 'string') {
      const copy = this.string();
      return (src, i, dst) => copy(src[i] >>> 0, src[i + 1] >>> 0, dst, i);
    }
    if (ty.kind === 'list') {
      const copy = this.list(ty.element);
      return (src, i, dst) => {
        const n = src[i + 1] >>> 0;
        dst[i] = copy(src[i] >>> 0, n);
        dst[i + 1] = n;
      };
    }
    return null;
  }

  memoized(which, t, build) {
    const memo = this.memo[which];
    let f = memo.get(t);
    if (f === undefined) {
      f = build();
      memo.set(t, f);
    }
    return f;
  }

  buildFlat(t) {
    const ty = this.types[t];
    const scalar = SCALARS[ty.kind];
    if (ty.kind === 'char') {
      return (r, out) => {
        out.push(checkChar(r.v[r.i++]));
      };
    }
    if (scalar) {
      const { lift, lower } = scalar;
      return (r, out) => {
        out.push(lower(lift(r.v[r.i++])));
      };
    }
    switch (ty.kind) {
      case 'string': {
        const copy = this.string();
        return (r, out) => {
          const ptr = r.v[r.i++] >>> 0;
          copy(ptr, r.v[r.i++] >>> 0, out, out.length);
        };
      }
      case 'list':
      case 'map': {
        const copy = this.list(ty.kind === 'list' ? ty.element : ty.entry);
        return (r, out) => {
          const ptr = r.v[r.i++] >>> 0;
          const n = r.v[r.i++] >>> 0;
          out.push(copy(ptr, n), n);
        };
      }
      case 'record':
      case 'tuple':
      case 'fixed-list':
        return sequence(childTypes(ty).map((c) => this.flat(c)), ty.kind === 'fixed-list' ? ty.length : 1);
      case 'variant':
      case 'option':
      case 'result':
        return this.flatVariant(ty);
      case 'enum': {
        const n = ty.names.length;
        return (r, out) => {
          const i = r.v[r.i++] >>> 0;
          if (i >= n) trap(`invalid enum discriminant ${i}`);
          out.push(i);
        };
      }
      case 'flags': {
        const masks = flagMasks(ty.jsNames.length);
        return (r, out) => {
          for (let w = 0; w < masks.length; w++) out.push(r.v[r.i++] & masks[w]);
        };
      }
      default:
        throw new Error(`cannot fuse a ${ty.kind}`);
    }
  }

  /** The spec's `lift_flat_variant` then `lower_flat_variant`: coerced out of the join and back in. */
  flatVariant(ty) {
    const join = ty.flat.slice(1);
    const cases = caseTypes(ty).map((c) => {
      if (c === null) return null;
      const flat = this.types[c].flat;
      return {
        copy: this.flat(c),
        lift: flat.map((want, j) => joinLiftCoercion(join[j], want)),
        lower: flat.map((have, j) => joinLowerCoercion(have, join[j])),
      };
    });
    const n = cases.length;
    return (r, out) => {
      const i = r.v[r.i++] >>> 0;
      if (i >= n) trap(`invalid ${ty.kind} discriminant ${i}`);
      out.push(i);
      const start = r.i;
      const from = out.length;
      const c = cases[i];
      if (c !== null) {
        for (let j = 0; j < c.lift.length; j++) if (c.lift[j] !== null) r.v[start + j] = c.lift[j](r.v[start + j]);
        c.copy(r, out);
        for (let j = 0; j < c.lower.length; j++) if (c.lower[j] !== null) out[from + j] = c.lower[j](out[from + j]);
      }
      for (let j = out.length - from; j < join.length; j++) out.push(zeroOf(join[j]));
      r.i = start + join.length;
    };
  }

  buildMemory(t) {
    const ty = this.types[t];
    const from = this.from;
    const to = this.to;
    if (ty.kind === 'char') {
      return (src, dst) => to.mem.dv.setUint32(dst, checkChar(from.mem.dv.getUint32(src, true)), true);
    }
    const scalar = SCALARS[ty.kind];
    if (scalar) {
      const { load, lower, store } = scalar;
      return (src, dst) => store(to.mem.dv, dst, lower(load(from.mem.dv, src)));
    }
    if (isPlain(this.types, t)) {
      const size = ty.size;
      const fix = fixup(this.types, t);
      return (src, dst) => {
        copyBytes(from.mem.u8, src, to.mem.u8, dst, size);
        if (fix !== null) fix(to.mem.dv, dst);
      };
    }
    switch (ty.kind) {
      case 'string': {
        const copy = this.string();
        const pair = [0, 0];
        return (src, dst) => {
          const dv = from.mem.dv;
          copy(dv.getUint32(src, true), dv.getUint32(src + 4, true), pair, 0);
          storePair(to.mem.dv, dst, pair[0], pair[1]);
        };
      }
      case 'list':
      case 'map': {
        const copy = this.list(ty.kind === 'list' ? ty.element : ty.entry);
        return (src, dst) => {
          const dv = from.mem.dv;
          const n = dv.getUint32(src + 4, true);
          const ptr = copy(dv.getUint32(src, true), n);
          storePair(to.mem.dv, dst, ptr, n);
        };
      }
      case 'record':
      case 'tuple': {
        const fields = ty.kind === 'record' ? ty.fields : ty.elements;
        const offsets = fields.map((f) => f.offset);
        const copies = fields.map((f) => this.memory(f.type));
        return (src, dst) => {
          for (let i = 0; i < copies.length; i++) copies[i](src + offsets[i], dst + offsets[i]);
        };
      }
      case 'fixed-list': {
        const copy = this.memory(ty.element);
        const { length: n } = ty;
        const size = this.types[ty.element].size;
        return (src, dst) => {
          for (let i = 0; i < n; i++) copy(src + i * size, dst + i * size);
        };
      }
      case 'variant':
      case 'option':
      case 'result': {
        const copies = caseTypes(ty).map((c) => (c === null ? null : this.memory(c)));
        const load = discriminantLoader(ty.discriminantSize ?? 1);
        const store = discriminantStorer(ty.discriminantSize ?? 1);
        const offset = ty.payloadOffset;
        return (src, dst) => {
          const i = load(from.mem.dv, src);
          if (i >= copies.length) trap(`invalid ${ty.kind} discriminant ${i}`);
          store(to.mem.dv, dst, i);
          if (copies[i] !== null) copies[i](src + offset, dst + offset);
        };
      }
      default:
        throw new Error(`cannot fuse a ${ty.kind}`);
    }
  }

  buildList(element) {
    const { size, align } = this.types[element];
    const from = this.from;
    const to = this.to;
    from.needMemory();
    to.needMemory();
    to.needRealloc();
    const copy = this.elements(element);
    return (ptr, n) => {
      from.mem.check(ptr, n * size, align);
      const dst = to.alloc(align, n * size);
      copy(ptr, dst, n);
      return dst;
    };
  }

  buildElements(element) {
    const el = this.types[element];
    const size = el.size;
    const from = this.from;
    const to = this.to;
    if (isPlain(this.types, element)) {
      // A float list's bytes cross unchanged, as through JS, where it is a typed array.
      const fix = el.kind === 'f32' || el.kind === 'f64' ? null : fixup(this.types, element);
      return (src, dst, n) => {
        const mem = to.mem;
        copyBytes(from.mem.u8, src, mem.u8, dst, n * size);
        if (fix !== null) for (let i = 0; i < n; i++) fix(mem.dv, dst + i * size);
      };
    }
    const copy = this.memory(element);
    return (src, dst, n) => {
      for (let i = 0; i < n; i++) copy(src + i * size, dst + i * size);
    };
  }
}

/** Runs each copy in turn, `times` times (a record's fields, a fixed-length list's elements). */
function sequence(copies, times) {
  return (r, out) => {
    for (let k = 0; k < times; k++) for (let i = 0; i < copies.length; i++) copies[i](r, out);
  };
}

/** The case types of a variant, an option or a result, in discriminant order (null: no payload). */
function caseTypes(ty) {
  if (ty.kind === 'variant') return ty.cases.map((c) => c.type);
  if (ty.kind === 'option') return [null, ty.type];
  return [ty.ok, ty.err];
}

function storePair(dv, ptr, a, b) {
  dv.setUint32(ptr, a, true);
  dv.setUint32(ptr + 4, b, true);
}

/** Per 32-bit word of a flags value, the bits that name a flag. */
function flagMasks(n) {
  const masks = [];
  for (let w = 0; w * 32 < n; w++) masks.push(n - w * 32 >= 32 ? -1 : (1 << (n - w * 32)) - 1);
  return masks;
}

/**
 * For a plain type, `(dv, ptr) => void` that checks a value copied as bytes and normalises it in
 * place as lifting and lowering would have, or null when every bit pattern crosses unchanged.
 */
function fixup(types, t) {
  const ty = types[t];
  switch (ty.kind) {
    case 'bool':
      return (dv, p) => {
        if (dv.getUint8(p) > 1) dv.setUint8(p, 1);
      };
    case 'char':
      return (dv, p) => {
        checkChar(dv.getUint32(p, true));
      };
    case 'f32':
    case 'f64': {
      const { load, store } = SCALARS[ty.kind];
      return (dv, p) => store(dv, p, load(dv, p));
    }
    case 'enum': {
      const n = ty.names.length;
      const load = discriminantLoader(ty.discriminantSize);
      return (dv, p) => {
        const i = load(dv, p);
        if (i >= n) trap(`invalid enum discriminant ${i}`);
      };
    }
    case 'flags': {
      // Every stored bit a flag: nothing to clear.
      if (ty.jsNames.length === ty.size * 8) return null;
      const masks = flagMasks(ty.jsNames.length);
      const size = ty.size;
      return (dv, p) => {
        if (size === 1) dv.setUint8(p, dv.getUint8(p) & masks[0]);
        else if (size === 2) dv.setUint16(p, dv.getUint16(p, true) & masks[0], true);
        else for (let w = 0; w < masks.length; w++) dv.setInt32(p + 4 * w, dv.getInt32(p + 4 * w, true) & masks[w], true);
      };
    }
    case 'record':
    case 'tuple':
    case 'fixed-list': {
      const parts = [];
      if (ty.kind === 'fixed-list') {
        const f = fixup(types, ty.element);
        if (f !== null) for (let i = 0; i < ty.length; i++) parts.push([i * types[ty.element].size, f]);
      } else {
        for (const field of ty.kind === 'record' ? ty.fields : ty.elements) {
          const f = fixup(types, field.type);
          if (f !== null) parts.push([field.offset, f]);
        }
      }
      if (parts.length === 0) return null;
      return (dv, p) => {
        for (let i = 0; i < parts.length; i++) parts[i][1](dv, p + parts[i][0]);
      };
    }
    case 'variant':
    case 'option':
    case 'result': {
      const fixes = caseTypes(ty).map((c) => (c === null ? null : fixup(types, c)));
      const load = discriminantLoader(ty.discriminantSize ?? 1);
      const offset = ty.payloadOffset;
      return (dv, p) => {
        const i = load(dv, p);
        if (i >= fixes.length) trap(`invalid ${ty.kind} discriminant ${i}`);
        if (fixes[i] !== null) fixes[i](dv, p + offset);
      };
    }
    default:
      // Integers: every bit pattern is a value.
      return null;
  }
}
