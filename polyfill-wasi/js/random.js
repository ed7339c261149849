// wasi:random@0.2 (random, insecure, insecure-seed) over globalThis.crypto.

/** crypto.getRandomValues refuses more than 65536 bytes per call. */
const CHUNK = 65536;

/** Upper bound on one request, so a bogus u64 length fails cleanly instead of OOM-ing. */
const MAX_LEN = 1 << 30;

/** `len` random bytes, filled in getRandomValues-sized chunks. */
export function randomBytes(len) {
  const n = typeof len === 'bigint' ? len : BigInt(len);
  if (n < 0n || n > BigInt(MAX_LEN)) {
    throw new RangeError(`wasi:random: cannot produce ${n} random bytes (limit ${MAX_LEN})`);
  }
  const out = new Uint8Array(Number(n));
  for (let off = 0; off < out.length; off += CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(off + CHUNK, out.length)));
  }
  return out;
}

export function randomU64() {
  return globalThis.crypto.getRandomValues(new BigUint64Array(1))[0];
}

/**
 * Builds the wasi:random interfaces. The insecure source reuses the CSPRNG
 * (cheap enough, and never worse). The seed is fixed per instance because
 * guests use it once to key hash maps and expect it not to change.
 */
export function createRandom() {
  const seed = [randomU64(), randomU64()];
  return {
    'wasi:random/random': { getRandomBytes: randomBytes, getRandomU64: randomU64 },
    'wasi:random/insecure': { getInsecureRandomBytes: randomBytes, getInsecureRandomU64: randomU64 },
    'wasi:random/insecure-seed': { insecureSeed: () => [seed[0], seed[1]] },
  };
}
