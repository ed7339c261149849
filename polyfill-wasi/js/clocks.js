// wasi:clocks@0.2 (monotonic-clock, wall-clock) over `performance` and `Date`, or over what the
// embedder gives for deterministic runs (`clocks: { monotonic, wall }`, see createClocks); and
// wasi:clocks@0.3 over the same clocks (p3/clocks.js).

import { Pollable } from './io.js';
import { MonotonicClock, Waiter, timer } from './wait.js';
import { createClocksP3 } from './p3/clocks.js';

/** performance.now() is millisecond-based; report microseconds as a fair middle ground
 * (Node gives finer, browsers clamp to 5-100 µs depending on isolation). */
const MONOTONIC_RESOLUTION_NS = 1000n;

/** Date.now() counts milliseconds. */
const WALL_RESOLUTION_NS = 1_000_000n;

/** The real clock, shared by the instances given no `clocks.monotonic`. */
const realClock = new MonotonicClock();

function toU64(value, what) {
  const n = typeof value === 'bigint' ? value : BigInt(value);
  if (n < 0n) throw new RangeError(`wasi:clocks: negative ${what}`);
  return n;
}

/** A wall-clock `datetime` from milliseconds since the epoch (a number, possibly fractional). */
function datetimeFromMs(ms) {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanoseconds: Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6)) };
}

/** What the embedder's `clocks.wall` function returned, as a `datetime`. */
function toDatetime(v) {
  if (v instanceof Date) return datetimeFromMs(v.getTime());
  if (typeof v === 'number') return datetimeFromMs(v);
  if (v !== null && typeof v === 'object' && 'seconds' in v) {
    return { seconds: BigInt(v.seconds), nanoseconds: Number(v.nanoseconds ?? 0) };
  }
  throw new TypeError('wasi: clocks.wall() must return a Date, milliseconds since the epoch, or {seconds, nanoseconds}');
}

/**
 * Builds the wasi:clocks interfaces (0.2 and 0.3) for one instance.
 *
 * @param {{monotonic?: 'virtual'|(() => bigint|number), wall?: Date|number|(() => any)}} [options]
 *   `monotonic`: a function giving nanoseconds, or 'virtual': starts at 0 and moves only when the
 *   guest waits, at once, to what it waits for (a 10 s sleep takes no time). `wall`: a Date or
 *   milliseconds since the epoch is where the wall clock starts (it then moves with the monotonic
 *   clock, so with 'virtual' both are deterministic); a function is asked on every call.
 * @param {Waiter} [waiter]
 * @returns {{interfaces: Record<string, object>, clock: MonotonicClock, end: () => void}} `end()`: clears
 *   the host timers of 0.3 waits still pending
 */
export function createClocks(options = {}, waiter = new Waiter('none')) {
  const clock = options.monotonic === undefined ? realClock : new MonotonicClock(options.monotonic);
  const subscribe = (deadline) => new Pollable(timer(clock, deadline), waiter);

  let wallNow;
  const wall = options.wall;
  if (wall === undefined || wall === null) {
    // Date.now() follows the system clock (what wall-clock means); ms precision.
    wallNow = () => datetimeFromMs(Date.now());
  } else if (typeof wall === 'function') {
    wallNow = () => toDatetime(wall());
  } else if (wall instanceof Date || typeof wall === 'number') {
    const startMs = wall instanceof Date ? wall.getTime() : wall;
    if (!Number.isFinite(startMs)) throw new TypeError('wasi: clocks.wall is not a valid time');
    const origin = clock.now();
    wallNow = () => datetimeFromMs(startMs + Number(clock.now() - origin) / 1e6);
  } else {
    throw new TypeError('wasi: clocks.wall must be a Date, milliseconds since the epoch, or a function');
  }

  const interfaces = {
    'wasi:clocks/monotonic-clock': {
      now: () => clock.now(),
      resolution: () => MONOTONIC_RESOLUTION_NS,
      subscribeInstant: (when) => subscribe(toU64(when, 'instant')),
      subscribeDuration: (ns) => subscribe(clock.now() + toU64(ns, 'duration')),
    },
    'wasi:clocks/wall-clock': {
      now: wallNow,
      resolution: () => ({ seconds: 0n, nanoseconds: Number(WALL_RESOLUTION_NS) }),
    },
  };
  const p3 = createClocksP3({ clock, wallNow, monotonicResolution: MONOTONIC_RESOLUTION_NS, wallResolution: WALL_RESOLUTION_NS, u64: toU64 });
  return { interfaces: { ...interfaces, ...p3.interfaces }, clock, end: p3.end };
}

/** @type {import('./compose.js').WasiPackage} */
export const clocksPackage = (options, waiter) => createClocks(options.clocks, waiter);
