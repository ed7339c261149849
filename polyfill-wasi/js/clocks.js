// wasi:clocks@0.2 (monotonic-clock, wall-clock) over `performance` and `Date`.

import { Pollable } from './io.js';

/** performance.now() is millisecond-based; report microseconds as a fair middle ground
 * (Node gives finer, browsers clamp to 5-100 µs depending on isolation). */
const MONOTONIC_RESOLUTION_NS = 1000n;

let lastNow = 0n;

/**
 * Nanoseconds since an arbitrary origin. The max() guard keeps the value
 * non-decreasing even if float rounding or a clamped timer ever steps back.
 */
export function monotonicNow() {
  const ns = BigInt(Math.round(performance.now() * 1e6));
  if (ns > lastNow) lastNow = ns;
  return lastNow;
}

function toU64(value, what) {
  const n = typeof value === 'bigint' ? value : BigInt(value);
  if (n < 0n) throw new RangeError(`wasi:clocks: negative ${what}`);
  return n;
}

/** A pollable that is ready once the monotonic clock reaches `deadline`. */
function deadlinePollable(deadline) {
  return new Pollable(
    () => monotonicNow() >= deadline,
    `timer (due in ${Number(deadline - monotonicNow()) / 1e6} ms)`,
  );
}

/** Builds the wasi:clocks interfaces. Stateless apart from the shared monotonic guard. */
export function createClocks() {
  return {
    'wasi:clocks/monotonic-clock': {
      now: monotonicNow,
      resolution: () => MONOTONIC_RESOLUTION_NS,
      subscribeInstant: (when) => deadlinePollable(toU64(when, 'instant')),
      subscribeDuration: (ns) => deadlinePollable(monotonicNow() + toU64(ns, 'duration')),
    },
    'wasi:clocks/wall-clock': {
      // Date.now() follows the system clock (what wall-clock means); ms precision.
      now: () => {
        const ms = Date.now();
        const seconds = Math.floor(ms / 1000);
        return { seconds: BigInt(seconds), nanoseconds: (ms - seconds * 1000) * 1e6 };
      },
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    },
  };
}
