// wasi:random@0.2 and @0.3 (random, insecure, insecure-seed) over globalThis.crypto, or, for deterministic
// runs, over a seeded generator or the embedder's own function (`random: { seed }` / `{ bytes }`).

/** crypto.getRandomValues refuses more than 65536 bytes per call. */
const CHUNK = 65536;

/** Upper bound on one request, so a bogus u64 length fails cleanly instead of OOM-ing. */
const MAX_LEN = 1 << 30;

function checkedLength(len) {
  const n = typeof len === 'bigint' ? len : BigInt(len);
  if (n < 0n || n > BigInt(MAX_LEN)) {
    throw new RangeError(`wasi:random: cannot produce ${n} random bytes (limit ${MAX_LEN})`);
  }
  return Number(n);
}

/** `len` random bytes, filled in getRandomValues-sized chunks. */
export function randomBytes(len) {
  const out = new Uint8Array(checkedLength(len));
  for (let off = 0; off < out.length; off += CHUNK) {
    globalThis.crypto.getRandomValues(out.subarray(off, Math.min(off + CHUNK, out.length)));
  }
  return out;
}

export function randomU64() {
  return globalThis.crypto.getRandomValues(new BigUint64Array(1))[0];
}

const MASK = (1n << 64n) - 1n;

/** SplitMix64: a small, well-mixed 64-bit generator; the same seed gives the same bytes everywhere. */
function splitMix(seed) {
  let state = BigInt.asUintN(64, BigInt(seed));
  return () => {
    state = (state + 0x9e3779b97f4a7c15n) & MASK;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK;
    return z ^ (z >> 31n);
  };
}

/** bytes(len) and u64() from a u64 generator. */
function fromGenerator(next) {
  const bytes = (len) => {
    const out = new Uint8Array(checkedLength(len));
    for (let off = 0; off < out.length; off += 8) {
      let v = next();
      for (let k = off; k < Math.min(off + 8, out.length); k++) {
        out[k] = Number(v & 0xffn);
        v >>= 8n;
      }
    }
    return out;
  };
  return { bytes, u64: next };
}

/** bytes(len) and u64() from the embedder's `bytes(n) => Uint8Array`. */
function fromBytesFunction(fn) {
  const bytes = (len) => {
    const n = checkedLength(len);
    const out = fn(n);
    if (!(out instanceof Uint8Array) || out.length !== n) {
      throw new TypeError(`wasi: random.bytes(${n}) must return a Uint8Array of ${n} bytes`);
    }
    return new Uint8Array(out);
  };
  const u64 = () => new DataView(bytes(8n).buffer).getBigUint64(0, true);
  return { bytes, u64 };
}

/**
 * Builds the wasi:random interfaces. By default the insecure source reuses the CSPRNG (cheap
 * enough, and never worse), and the seed is fixed per instance because guests use it once to key
 * hash maps and expect it not to change.
 *
 * @param {{seed?: number|bigint, bytes?: (n: number) => Uint8Array}} [options] `seed`: every
 *   source (random, insecure, insecure-seed) comes from SplitMix64 seeded with it, so runs repeat
 *   exactly; `bytes`: every source asks this function. Not for anything secret.
 */
export function createRandom(options = {}) {
  let source;
  if (options.seed !== undefined && options.seed !== null) {
    if (typeof options.seed !== 'bigint' && !Number.isInteger(options.seed)) {
      throw new TypeError('wasi: random.seed must be an integer or a BigInt');
    }
    source = fromGenerator(splitMix(options.seed));
  } else if (typeof options.bytes === 'function') {
    source = fromBytesFunction(options.bytes);
  } else if (options.bytes !== undefined) {
    throw new TypeError('wasi: random.bytes must be a function (n) => Uint8Array');
  } else {
    source = { bytes: randomBytes, u64: randomU64 };
  }
  const seed = [source.u64(), source.u64()];
  const insecureSeed = () => [seed[0], seed[1]];
  const random = { getRandomBytes: source.bytes, getRandomU64: source.u64 };
  const insecure = { getInsecureRandomBytes: source.bytes, getInsecureRandomU64: source.u64 };
  return {
    'wasi:random/random': random,
    'wasi:random/insecure': insecure,
    'wasi:random/insecure-seed': { insecureSeed },
    // 0.3 keeps every function but renames the seed's.
    'wasi:random/random@0.3': random,
    'wasi:random/insecure@0.3': insecure,
    'wasi:random/insecure-seed@0.3': { getInsecureSeed: insecureSeed },
  };
}

/** @type {import('./compose.js').WasiPackage} */
export const randomPackage = (options) => ({ interfaces: createRandom(options.random) });
