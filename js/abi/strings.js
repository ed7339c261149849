/**
 * Strings: the spec's `store_string` / `load_string` for the three encodings.
 *
 * Memory is reached only through the call context (`cx.mem`, `cx.alloc`, `cx.realloc`); views are
 * re-read after every realloc since the guest may grow its memory there.
 */
import { trap } from '../errors.js';
import { invalid } from './invalid.js';

/** latin1+utf16: bit 31 of the length says the string is UTF-16. */
export const UTF16_TAG = 0x80000000;
export const MAX_STRING_BYTE_LENGTH = 0x7fffffff;

const encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16Decoder = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });

/**
 * Each encoding's string code: `load(cx)` builds `load(ptr, taggedLength) -> string` (the spec's
 * `load_string_from_range`), `store(cx)` builds `store(s) -> [ptr, taggedLength]` (the spec's
 * `store_string_into_range`), which validates that `s` is a string. One object per encoding, so
 * that ahead-of-time output keeps only its plan's (abi/kinds.js).
 */
export const utf8Strings = {
  load: (cx) => (ptr, len) => loadUtf8(cx.mem, ptr, len),
  store: (cx) => (s) => storeUtf8(cx, checkString(s)),
};
export const utf16Strings = {
  load: (cx) => (ptr, len) => loadUtf16(cx.mem, ptr, len),
  store: (cx) => (s) => storeUtf16(cx, wellFormed(checkString(s))),
};
export const latin1Utf16Strings = {
  load: (cx) => (ptr, len) =>
    (len & UTF16_TAG) !== 0 ? loadUtf16(cx.mem, ptr, (len ^ UTF16_TAG) >>> 0) : loadLatin1(cx.mem, ptr, len),
  store: (cx) => (s) => storeLatin1OrUtf16(cx, wellFormed(checkString(s))),
};

/**
 * A component string is a sequence of Unicode scalar values: a lone surrogate becomes U+FFFD, as
 * TextEncoder does on the UTF-8 path (copied as is, it would reach the guest as invalid UTF-16, and
 * the same string echoed back would trap in `loadUtf16`).
 */
function wellFormed(s) {
  return s.isWellFormed() ? s : s.toWellFormed();
}

function checkString(s) {
  return typeof s === 'string' ? s : invalid('a string', s);
}

/** Whether a string is all ASCII (a native scan: cheaper than a copy only for large strings). */
const ASCII = /^[\x00-\x7f]*$/;

/** Reused for encoding short and medium strings, so a call allocates nothing on the JS heap. */
let scratch = new Uint8Array(1024);
const SCRATCH_LIMIT = 1 << 20;

/**
 * UTF-8, allocating exactly the encoded length with one `realloc(0, 0, 1, len)`. The spec's
 * `store_string_to_utf8` may instead grow and then shrink the allocation, which is equally valid,
 * but some guests' allocators (componentize-py's) accept only fresh allocations, as jco and
 * wasmtime make. Lone surrogates become U+FFFD (TextEncoder), as in jco.
 */
function storeUtf8(cx, s) {
  const n = s.length;
  if (n > MAX_STRING_BYTE_LENGTH) trap('string too long');
  if (n <= 24) {
    // Short ASCII strings: a plain loop beats encodeInto's call overhead.
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      const ptr = cx.alloc(1, n);
      const u8 = cx.mem.u8;
      for (let i = 0; i < n; i++) u8[ptr + i] = s.charCodeAt(i);
      return [ptr, n];
    }
  }
  let bytes;
  if (n * 3 <= SCRATCH_LIMIT) {
    if (scratch.length < n * 3) scratch = new Uint8Array(Math.max(n * 3, scratch.length * 2));
    bytes = scratch.subarray(0, encoder.encodeInto(s, scratch).written);
  } else if (ASCII.test(s)) {
    // A large ASCII string: its UTF-8 length is known, so it is encoded straight into the guest.
    const ptr = cx.alloc(1, n);
    encoder.encodeInto(s, cx.mem.u8.subarray(ptr, ptr + n));
    return [ptr, n];
  } else {
    bytes = encoder.encode(s);
  }
  if (bytes.length > MAX_STRING_BYTE_LENGTH) trap('string too long');
  const ptr = cx.alloc(1, bytes.length);
  cx.mem.u8.set(bytes, ptr);
  return [ptr, bytes.length];
}

function storeUtf16(cx, s) {
  const n = s.length;
  if (n * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
  const ptr = cx.alloc(2, n * 2);
  writeUtf16(cx.mem.dv, ptr, s, 0, n);
  return [ptr, n];
}

function writeUtf16(dv, ptr, s, from, to) {
  for (let i = from; i < to; i++) dv.setUint16(ptr + 2 * i, s.charCodeAt(i), true);
}

/**
 * latin1+utf16 as the spec's `store_string_to_latin1_or_utf16`: Latin-1 while every code unit is
 * below 256, else inflate what was written so far to UTF-16 and tag the length with bit 31.
 */
function storeLatin1OrUtf16(cx, s) {
  const n = s.length;
  if (n * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
  let ptr = cx.alloc(2, n);
  let u8 = cx.mem.u8;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) {
      ptr = cx.realloc(ptr, n, 2, 2 * n);
      const dv = cx.mem.dv;
      u8 = cx.mem.u8;
      // Inflate backwards so no unread Latin-1 byte is overwritten.
      for (let j = i - 1; j >= 0; j--) dv.setUint16(ptr + 2 * j, u8[ptr + j], true);
      writeUtf16(dv, ptr, s, i, n);
      return [ptr, (n | UTF16_TAG) >>> 0];
    }
    u8[ptr + i] = c;
  }
  return [ptr, n];
}

function loadUtf8(mem, ptr, len) {
  mem.check(ptr, len, 1);
  if (len <= 16) {
    // Short strings: TextDecoder costs ~100ns a call; ASCII is decoded by hand.
    const u8 = mem.u8;
    const codes = new Array(len);
    let i = 0;
    for (; i < len; i++) {
      const b = u8[ptr + i];
      if (b >= 0x80) break;
      codes[i] = b;
    }
    if (i === len) return String.fromCharCode.apply(null, codes);
  }
  try {
    return utf8Decoder.decode(mem.bytes(ptr, len));
  } catch {
    return invalidUtf8(ptr, len);
  }
}

function loadUtf16(mem, ptr, len) {
  if (len * 2 > MAX_STRING_BYTE_LENGTH) trap('string too long');
  mem.check(ptr, len * 2, 2);
  try {
    return utf16Decoder.decode(mem.bytes(ptr, len * 2));
  } catch {
    return invalidUtf16(ptr, len);
  }
}

function loadLatin1(mem, ptr, len) {
  mem.check(ptr, len, 2);
  const u8 = mem.u8;
  let s = '';
  // fromCharCode on chunks: one char at a time is slow for long strings, one huge apply overflows.
  for (let i = 0; i < len; i += 4096) {
    s += String.fromCharCode.apply(null, u8.subarray(ptr + i, ptr + Math.min(len, i + 4096)));
  }
  return s;
}

/** The trap for a string that is not valid UTF-8 (`len` bytes at `ptr`). */
export function invalidUtf8(ptr, len) {
  return trap(`invalid utf-8 in string at ${ptr} (${len} bytes)`);
}

/** The trap for a string that is not valid UTF-16 (`len` code units at `ptr`). */
export function invalidUtf16(ptr, len) {
  return trap(`invalid utf-16 in string at ${ptr} (${len} code units)`);
}
