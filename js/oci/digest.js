/**
 * Content digests as registries write them (`sha256:` and 64 hex digits): bytes in, digest out,
 * with crypto.subtle, which both Node and browsers have.
 */

import { TerrariumError } from '../errors.js';

/** @param {Uint8Array} bytes @returns {Promise<string>} */
export async function sha256Digest(bytes) {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Refuses bytes whose digest is not the one they were asked for by (a registry or a proxy that
 * changed them, a truncated transfer), with kind `invalid`.
 * @param {string} what e.g. "the wasm layer of `oci://…`"
 */
export async function checkDigest(bytes, expected, what) {
  const actual = await sha256Digest(bytes);
  if (actual !== expected) {
    throw new TerrariumError('invalid', `${what} has digest ${actual}, not the ${expected} it was fetched by`, { context: what });
  }
}
