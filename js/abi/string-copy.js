/**
 * A string copied from one component's memory into another's without becoming a JS string: the
 * spec's `load_string` followed by `store_string` (CanonicalABI.md, "Strings"), fused as Wasmtime's
 * adapters fuse them. The source is checked and validated as `load_string_from_range` does (same
 * traps and messages as strings.js); the destination is allocated as strings.js's stores allocate
 * (one `realloc(0, 0, align, exact size)`; latin1+utf16 grows to UTF-16 with a second realloc, as in
 * `store_string_to_latin1_or_utf16`), then filled with one `set` when the encodings agree (`SAME`)
 * and a transcoding loop over the two buffers otherwise.
 *
 * `from` is the source's AbiContext; `to` the destination's (anything with `mem`, `encoding`,
 * `alloc` and `realloc`).
 */
import { trap } from '../errors.js';
import { UTF16_TAG, MAX_STRING_BYTE_LENGTH, invalidUtf8, invalidUtf16 } from './strings.js';
import { copyBytes } from './memory.js';
import { scannerFor } from './scan.js';

/** The three shapes a source string can have in memory. */
const UTF8 = 0;
const UTF16 = 1;
const LATIN1 = 2;

/**
 * Strings at least this long scan their ASCII runs a word at a time; past the first sixteen bytes of
 * a run, the memory's SIMD scanner (scan.js) takes over where there is one.
 */
const WORD_SCAN = 64;

/**
 * Builds `copy(ptr, taggedLength, out, at)`, which writes the destination's pointer and tagged
 * length to `out[at]` and `out[at + 1]`.
 */
export function makeCopyString(from, to) {
  from.needMemory();
  to.needMemory();
  to.needRealloc();
  if (from.encoding === to.encoding && Object.hasOwn(SAME, from.encoding)) return SAME[from.encoding](from, to);
  const store = STORES[to.encoding];
  if (store === undefined) throw new Error(`unknown string encoding ${to.encoding}`);
  const source = { kind: UTF8, ptr: 0, n: 0 };
  const read = sourceReader(from);
  return (ptr, len, out, at) => {
    read(ptr, len, source);
    store(from.mem, source, to, out, at);
  };
}

/**
 * Both sides in UTF-8, or both in UTF-16: the source checked and validated as below, then its bytes
 * copied once, with no code units counted or written one at a time.
 */
const SAME = {
  utf8: (from, to) => (ptr, len, out, at) => {
    const mem = from.mem;
    mem.check(ptr, len, 1);
    utf8Units(mem, ptr, len);
    if (len > MAX_STRING_BYTE_LENGTH) trap('string too long');
    copyUnits(mem, ptr, len, 1, to, out, at);
  },
  utf16: (from, to) => (ptr, len, out, at) => {
    const mem = from.mem;
    if (len * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
    mem.check(ptr, len * 2, 2);
    validUtf16(mem, ptr, len);
    copyUnits(mem, ptr, len, 2, to, out, at);
  },
};

/** `len` code units of `unit` bytes from `mem` at `ptr` to a new allocation of `to`. */
function copyUnits(mem, ptr, len, unit, to, out, at) {
  const dst = to.alloc(unit, len * unit);
  copyBytes(mem.u8, ptr, to.mem.u8, dst, len * unit);
  result(out, at, dst, len);
}

/** The spec's checks on the source range: sets `source` to its shape, start and length in code units. */
function sourceReader(from) {
  const utf16 = (mem, ptr, len, source) => {
    if (len * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
    mem.check(ptr, len * 2, 2);
    source.kind = UTF16;
    source.ptr = ptr;
    source.n = len;
  };
  switch (from.encoding) {
    case 'utf8':
      return (ptr, len, source) => {
        from.mem.check(ptr, len, 1);
        source.kind = UTF8;
        source.ptr = ptr;
        source.n = len;
      };
    case 'utf16':
      return (ptr, len, source) => utf16(from.mem, ptr, len, source);
    case 'latin1+utf16':
      return (ptr, len, source) => {
        if ((len & UTF16_TAG) !== 0) return utf16(from.mem, ptr, (len ^ UTF16_TAG) >>> 0, source);
        from.mem.check(ptr, len, 2);
        source.kind = LATIN1;
        source.ptr = ptr;
        source.n = len;
      };
    default:
      throw new Error(`unknown string encoding ${from.encoding}`);
  }
}

/** `store(mem, source, to, out, at)` per destination encoding. */
const STORES = {
  utf8(mem, source, to, out, at) {
    const { kind, ptr, n } = source;
    let bytes = n;
    if (kind === UTF8) utf8Units(mem, ptr, n);
    else if (kind === UTF16) bytes = utf8LengthOfUtf16(validUtf16(mem, ptr, n));
    else bytes = utf8LengthOfLatin1(mem.u8, ptr, n);
    if (bytes > MAX_STRING_BYTE_LENGTH) trap('string too long');
    const dst = to.alloc(1, bytes);
    const u8 = to.mem.u8;
    if (kind === UTF8) copyBytes(mem.u8, ptr, u8, dst, n);
    // All ASCII (as many bytes as code units): TypedArray.set narrows natively.
    else if (bytes === n) u8.set(kind === UTF16 ? units16(mem, ptr, n) : mem.u8.subarray(ptr, ptr + n), dst);
    else if (kind === UTF16) encodeUtf16(units16(mem, ptr, n), u8, dst);
    else encodeLatin1(mem.u8, ptr, n, u8, dst);
    result(out, at, dst, bytes);
  },
  utf16(mem, source, to, out, at) {
    const units = unitsOf(mem, source);
    if (units * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
    const dst = to.alloc(2, units * 2);
    writeUnits(mem, source, new Uint16Array(to.mem.buffer, dst, units));
    result(out, at, dst, units);
  },
  'latin1+utf16'(mem, source, to, out, at) {
    const units = unitsOf(mem, source);
    if (units * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
    let dst = to.alloc(2, units);
    if (isWide(mem, source)) {
      dst = to.realloc(dst, units, 2, units * 2);
      writeUnits(mem, source, new Uint16Array(to.mem.buffer, dst, units));
      result(out, at, dst, (units | UTF16_TAG) >>> 0);
    } else {
      writeUnits(mem, source, to.mem.u8.subarray(dst, dst + units));
      result(out, at, dst, units);
    }
  },
};

function result(out, at, ptr, length) {
  out[at] = ptr;
  out[at + 1] = length;
}

/** The source's length in UTF-16 code units, after validating it. */
function unitsOf(mem, { kind, ptr, n }) {
  if (kind === UTF8) return utf8Units(mem, ptr, n);
  if (kind === UTF16) validUtf16(mem, ptr, n);
  return n;
}

/** Whether some code point is past U+00FF, so Latin-1 cannot hold the (valid) source. */
function isWide(mem, { kind, ptr, n }) {
  if (kind === UTF16) {
    const u16 = units16(mem, ptr, n);
    for (let i = 0; i < n; i++) if (u16[i] > 0xff) return true;
  } else if (kind === UTF8) {
    // A UTF-8 lead byte of U+0100 and above is at least 0xc4; continuation bytes stay below 0xc0.
    const u8 = mem.u8;
    for (let i = ptr; i < ptr + n; i++) if (u8[i] >= 0xc4) return true;
  }
  return false;
}

/** Writes the (valid) source as code units into `dst`, a Uint16Array or, when all fit, a Uint8Array. */
function writeUnits(mem, { kind, ptr, n }, dst) {
  // UTF-8 that decodes to as many code units as it has bytes is ASCII: copied (widened) as is.
  if (kind === UTF8 && dst.length !== n) decodeUtf8(mem.u8, ptr, n, dst);
  else if (kind === UTF16) dst.set(units16(mem, ptr, n));
  else dst.set(mem.u8.subarray(ptr, ptr + n)); // widening or plain copy: TypedArray.set converts
}

/** The SIMD scanner over a memory (scan.js), or null: none for a shared memory. */
function scannerOf(mem) {
  return mem.shared ? null : scannerFor(mem.memory);
}

function units16(mem, ptr, n) {
  return new Uint16Array(mem.buffer, ptr, n);
}

/**
 * Validates UTF-8 (shortest forms, no surrogates, nothing past U+10FFFF) and counts the UTF-16 code
 * units it decodes to; traps as `loadUtf8` does on anything else.
 */
function utf8Units(mem, ptr, n) {
  const u8 = mem.u8;
  const end = ptr + n;
  const words = n >= WORD_SCAN ? new Uint32Array(mem.buffer, 0, mem.buffer.byteLength >>> 2) : null;
  const scanner = words !== null ? scannerOf(mem) : null;
  let units = 0;
  let i = ptr;
  while (i < end) {
    const b = u8[i];
    if (b < 0x80) {
      if (words !== null && (i & 3) === 0) {
        // ASCII runs, sixteen bytes at a time; the rest of a run by the scanner's vectors.
        let w = i >>> 2;
        const last = (end >>> 2) - 4;
        while (w <= last && ((words[w] | words[w + 1] | words[w + 2] | words[w + 3]) & 0x80808080) === 0) {
          w += 4;
          if (scanner !== null) break;
        }
        let next = w << 2;
        if (scanner !== null && next > i) next = scanner.ascii(next, end);
        if (next > i) {
          units += next - i;
          i = next;
          continue;
        }
      }
      units++;
      i++;
      continue;
    }
    const b1 = u8[i + 1];
    if (b < 0xc2 || i + 1 >= end || (b1 & 0xc0) !== 0x80) return invalidUtf8(ptr, n);
    if (b < 0xe0) {
      units++;
      i += 2;
      continue;
    }
    const b2 = u8[i + 2];
    if (i + 2 >= end || (b2 & 0xc0) !== 0x80) return invalidUtf8(ptr, n);
    if (b < 0xf0) {
      // Overlong forms below U+0800, and the surrogates U+D800..U+DFFF.
      if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 >= 0xa0)) return invalidUtf8(ptr, n);
      units++;
      i += 3;
      continue;
    }
    const b3 = u8[i + 3];
    if (b > 0xf4 || i + 3 >= end || (b3 & 0xc0) !== 0x80) return invalidUtf8(ptr, n);
    // Overlong forms below U+10000, and code points past U+10FFFF.
    if ((b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 >= 0x90)) return invalidUtf8(ptr, n);
    units += 2;
    i += 4;
  }
  return units;
}

/** Decodes valid UTF-8 into code units (`dst` a Uint8Array only when every code point is below 256). */
function decodeUtf8(u8, ptr, n, dst) {
  const end = ptr + n;
  let d = 0;
  for (let i = ptr; i < end; ) {
    const b = u8[i];
    if (b < 0x80) {
      dst[d++] = b;
      i++;
    } else if (b < 0xe0) {
      dst[d++] = ((b & 0x1f) << 6) | (u8[i + 1] & 0x3f);
      i += 2;
    } else if (b < 0xf0) {
      dst[d++] = ((b & 0x0f) << 12) | ((u8[i + 1] & 0x3f) << 6) | (u8[i + 2] & 0x3f);
      i += 3;
    } else {
      const c = (((b & 0x07) << 18) | ((u8[i + 1] & 0x3f) << 12) | ((u8[i + 2] & 0x3f) << 6) | (u8[i + 3] & 0x3f)) - 0x10000;
      dst[d++] = 0xd800 | (c >> 10);
      dst[d++] = 0xdc00 | (c & 0x3ff);
      i += 4;
    }
  }
}

/**
 * Traps unless every surrogate is a lead followed by a trail (as `loadUtf16`'s TextDecoder);
 * returns the `n` units at `ptr`.
 */
function validUtf16(mem, ptr, n) {
  const u16 = units16(mem, ptr, n);
  const words = n >= WORD_SCAN && (ptr & 3) === 0 ? new Uint32Array(mem.buffer, ptr, n >>> 1) : null;
  const scanner = words !== null ? scannerOf(mem) : null;
  for (let i = 0; i < n; i++) {
    // Eight units at a time with no surrogate among them; after them, the scanner's vectors.
    if (words !== null && (i & 7) === 0 && i + 8 <= n) {
      const w = i >>> 1;
      const surrogates = surrogateIn(words[w]) | surrogateIn(words[w + 1]) | surrogateIn(words[w + 2]) | surrogateIn(words[w + 3]);
      if (surrogates === 0) {
        i = scanner === null ? i + 7 : ((scanner.utf16(ptr + 2 * i + 16, ptr + 2 * n) - ptr) >>> 1) - 1;
        continue;
      }
    }
    const c = u16[i];
    if ((c & 0xf800) !== 0xd800) continue;
    if (c >= 0xdc00 || i + 1 >= n || (u16[i + 1] & 0xfc00) !== 0xdc00) return invalidUtf16(ptr, n);
    i++;
  }
  return u16;
}

/**
 * Non-zero exactly when one of the two UTF-16 units in a 32-bit word is a surrogate: `(u & 0xf800)
 * ^ 0xd800` is zero in that unit's half, which the classic test for a zero lane finds.
 */
function surrogateIn(word) {
  const x = (word & 0xf800f800) ^ 0xd800d800;
  return (x - 0x00010001) & ~x & 0x80008000;
}

/** The UTF-8 length of valid UTF-16. */
function utf8LengthOfUtf16(u16) {
  let bytes = 0;
  for (let i = 0; i < u16.length; i++) {
    const c = u16[i];
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if ((c & 0xfc00) === 0xd800) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function encodeUtf16(u16, u8, dst) {
  let d = dst;
  for (let i = 0; i < u16.length; i++) {
    const c = u16[i];
    if (c < 0x80) {
      u8[d++] = c;
    } else if (c < 0x800) {
      u8[d++] = 0xc0 | (c >> 6);
      u8[d++] = 0x80 | (c & 0x3f);
    } else if ((c & 0xfc00) === 0xd800) {
      const cp = 0x10000 + ((c & 0x3ff) << 10) + (u16[++i] & 0x3ff);
      u8[d++] = 0xf0 | (cp >> 18);
      u8[d++] = 0x80 | ((cp >> 12) & 0x3f);
      u8[d++] = 0x80 | ((cp >> 6) & 0x3f);
      u8[d++] = 0x80 | (cp & 0x3f);
    } else {
      u8[d++] = 0xe0 | (c >> 12);
      u8[d++] = 0x80 | ((c >> 6) & 0x3f);
      u8[d++] = 0x80 | (c & 0x3f);
    }
  }
}

function utf8LengthOfLatin1(u8, ptr, n) {
  let bytes = n;
  for (let i = ptr; i < ptr + n; i++) if (u8[i] >= 0x80) bytes++;
  return bytes;
}

function encodeLatin1(src, ptr, n, u8, dst) {
  let d = dst;
  for (let i = ptr; i < ptr + n; i++) {
    const c = src[i];
    if (c < 0x80) {
      u8[d++] = c;
    } else {
      u8[d++] = 0xc0 | (c >> 6);
      u8[d++] = 0x80 | (c & 0x3f);
    }
  }
}
