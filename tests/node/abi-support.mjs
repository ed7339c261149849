// The canonical ABI's type table and a guest-like memory, for tests of js/abi/ without a guest.
import { AbiContext } from '../../js/abi/context.js';
import { ALL_KINDS } from '../../js/abi/kinds.js';
import { MemoryView } from '../../js/abi/memory.js';

// ---------------------------------------------------------------------------------------------
// A type table with the layout host-core computes (the spec's size / alignment / flatten_type),
// checked against host-core's blessed plan of a fixture in abi.test.mjs.

export const alignTo = (n, a) => Math.ceil(n / a) * a;
const discriminantSize = (n) => (n <= 256 ? 1 : n <= 65536 ? 2 : 4);
function join(a, b) {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

export class Types {
  constructor() {
    this.list = [];
  }
  add(ty) {
    this.list.push(ty);
    return this.list.length - 1;
  }
  prim(kind) {
    const L = {
      bool: [1, ['i32']], s8: [1, ['i32']], u8: [1, ['i32']], s16: [2, ['i32']], u16: [2, ['i32']],
      s32: [4, ['i32']], u32: [4, ['i32']], char: [4, ['i32']], f32: [4, ['f32']],
      s64: [8, ['i64']], u64: [8, ['i64']], f64: [8, ['f64']],
    }[kind];
    if (L) return this.add({ kind, size: L[0], align: L[0], flat: L[1] });
    if (kind === 'string') return this.add({ kind, size: 8, align: 4, flat: ['i32', 'i32'] });
    throw new Error(kind);
  }
  list_(element) {
    return this.add({ kind: 'list', element, size: 8, align: 4, flat: ['i32', 'i32'] });
  }
  struct(types) {
    let off = 0;
    let align = 1;
    const offsets = [];
    const flat = [];
    for (const t of types) {
      const ty = this.list[t];
      off = alignTo(off, ty.align);
      offsets.push(off);
      off += ty.size;
      align = Math.max(align, ty.align);
      flat.push(...ty.flat);
    }
    return { offsets, align, size: alignTo(off, align), flat };
  }
  record(fields) {
    const l = this.struct(fields.map((f) => f[2]));
    return this.add({
      kind: 'record',
      fields: fields.map(([name, jsName, type], i) => ({ name, jsName, type, offset: l.offsets[i] })),
      size: l.size, align: l.align, flat: l.flat,
    });
  }
  tuple(types) {
    const l = this.struct(types);
    return this.add({ kind: 'tuple', elements: types.map((type, i) => ({ type, offset: l.offsets[i] })), size: l.size, align: l.align, flat: l.flat });
  }
  variantLayout(caseTypes) {
    const d = discriminantSize(caseTypes.length);
    let maxAlign = d;
    let maxSize = 0;
    const joined = [];
    for (const t of caseTypes) {
      if (t === null) continue;
      const ty = this.list[t];
      maxAlign = Math.max(maxAlign, ty.align);
      maxSize = Math.max(maxSize, ty.size);
      ty.flat.forEach((f, i) => (joined[i] = i < joined.length ? join(joined[i], f) : f));
    }
    const payloadOffset = alignTo(d, maxAlign);
    return { discriminantSize: d, payloadOffset, align: maxAlign, size: alignTo(payloadOffset + maxSize, maxAlign), flat: ['i32', ...joined] };
  }
  variant(cases) {
    const l = this.variantLayout(cases.map((c) => c[1]));
    return this.add({ kind: 'variant', cases: cases.map(([name, type]) => ({ name, type })), ...l });
  }
  option(type) {
    const { discriminantSize: _, ...l } = this.variantLayout([null, type]);
    return this.add({ kind: 'option', type, ...l });
  }
  result(ok, err) {
    const { discriminantSize: _, ...l } = this.variantLayout([ok, err]);
    return this.add({ kind: 'result', ok, err, ...l });
  }
  enum_(names) {
    const d = discriminantSize(names.length);
    return this.add({ kind: 'enum', names, discriminantSize: d, size: d, align: d, flat: ['i32'] });
  }
  fixedList(element, length) {
    const el = this.list[element];
    return this.add({ kind: 'fixed-list', element, length, size: el.size * length, align: el.align, flat: Array(length).fill(el.flat).flat() });
  }
  map(key, value) {
    const entry = this.tuple([key, value]);
    return this.add({ kind: 'map', key, value, entry, size: 8, align: 4, flat: ['i32', 'i32'] });
  }
  flags(names) {
    const n = names.length;
    const size = n === 0 ? 0 : n <= 8 ? 1 : n <= 16 ? 2 : 4 * Math.ceil(n / 32);
    const jsNames = names.map((s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase()));
    return this.add({ kind: 'flags', names, jsNames, size, align: Math.max(1, Math.min(size, 4)), flat: Array(Math.ceil(n / 32)).fill('i32') });
  }
}

// ---------------------------------------------------------------------------------------------
// A memory with a bump allocator that copies on realloc and grows the memory when needed, so the
// glue must cope with `memory.buffer` being replaced mid-lowering.

export function setup({ encoding = 'utf8', pages = 1, start = 16, resources, T = new Types(), shared = false } = {}) {
  const memory = new WebAssembly.Memory(shared ? { initial: pages, maximum: 1024, shared } : { initial: pages });
  let bump = start;
  const calls = [];
  const realloc = (old, oldSize, align, newSize) => {
    calls.push([old, oldSize, align, newSize]);
    const ptr = alignTo(bump, align);
    bump = ptr + newSize;
    const need = Math.ceil(bump / 65536) - memory.buffer.byteLength / 65536;
    if (need > 0) memory.grow(need);
    if (old !== 0) new Uint8Array(memory.buffer).copyWithin(ptr, old, old + Math.min(oldSize, newSize));
    return ptr | 0; // as a wasm i32 would be
  };
  const mem = new MemoryView(memory);
  const make = () => new AbiContext({ types: T.list, kinds: ALL_KINDS, mem, realloc, encoding, resources });
  return { T, memory, mem, make, calls, realloc };
}

/** What the engine does to core values crossing into and out of wasm. */
export function asCore(values, flat) {
  return values.map((v, i) => {
    switch (flat[i]) {
      case 'i32': return Number(v) | 0;
      case 'i64': return BigInt.asIntN(64, v);
      case 'f32': return Math.fround(v);
      default: return v;
    }
  });
}
