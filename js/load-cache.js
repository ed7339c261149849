/**
 * Components already loaded in this page or process, by the SHA-256 of their bytes and whether they
 * were validated: loading the same bytes again reuses the plan and the compiled core modules (both
 * immutable: every instance is made from them) instead of parsing, validating and compiling them
 * again, as jco caches by hash. Bounded by the bytes of the components held, least recently loaded
 * going first, so a page that loads many components does not keep them all alive.
 *
 * Hashing needs `crypto.subtle`, which a browser offers only in a secure context; elsewhere
 * nothing is cached.
 */

import { sha256Digest } from './oci/digest.js';

/** The most component bytes whose plans and modules are kept. */
export const MAX_CACHED_BYTES = 64 * 2 ** 20;

/** @type {Map<string, {plan: any, modules: (WebAssembly.Module|null)[], byteLength: number}>} in load order, oldest first */
const entries = new Map();
let heldBytes = 0;

/** The cache key of `bytes` loaded with or without validation, or null where nothing can be hashed. */
export async function cacheKey(bytes, validate) {
  if (globalThis.crypto?.subtle === undefined) return null;
  return `${validate ? 'validated' : 'trusted'}:${await sha256Digest(bytes)}`;
}

/** What was kept for `key`, now the most recently used; undefined if nothing. */
export function cached(key) {
  const entry = key === null ? undefined : entries.get(key);
  if (entry !== undefined) {
    entries.delete(key);
    entries.set(key, entry);
  }
  return entry;
}

/** Keeps a loaded component's plan and modules under `key`, dropping the oldest past the bound. */
export function remember(key, plan, modules, byteLength) {
  if (key === null || byteLength > MAX_CACHED_BYTES || entries.has(key)) return;
  entries.set(key, { plan, modules, byteLength });
  heldBytes += byteLength;
  for (const [oldest, entry] of entries) {
    if (heldBytes <= MAX_CACHED_BYTES) break;
    entries.delete(oldest);
    heldBytes -= entry.byteLength;
  }
}
