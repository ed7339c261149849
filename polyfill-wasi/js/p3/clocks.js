/**
 * wasi:clocks@0.3 (monotonic-clock, system-clock, timezone) over the clocks clocks.js makes for
 * wasi:clocks@0.2, so both versions in one guest read the same clocks and `clocks: { monotonic:
 * 'virtual' }` makes 0.3's waits instant too (in deadline order). `wait-for` and `wait-until` are async functions: the
 * guest's task awaits a timer while the page goes on, with neither JSPI nor a worker.
 */

/**
 * Resolves once `clock` reaches `deadline` (nanoseconds); returns at once if it has. A real wait
 * is a host timer, re-armed if it fires before the clock got there; `timers` holds the one
 * pending, so that the instance's end clears it (a wait of an hour must not outlive its instance).
 */
function waitUntil(clock, deadline, timers) {
  if (clock.now() >= deadline) return undefined;
  if (clock.virtual) return waitVirtual(clock, deadline);
  return new Promise((resolve) => {
    let pending;
    const check = () => {
      timers.delete(pending);
      const left = deadline - clock.now();
      if (left <= 0n) return resolve();
      pending = setTimeout(check, Math.ceil(Number(left) / 1e6));
      timers.add(pending);
    };
    check();
  });
}

/** Each virtual clock's waits in progress, and whether a jump is due. */
const virtualWaits = new WeakMap();

/**
 * A wait on a virtual clock. Time jumps to the earliest deadline waited for once the guest has
 * started every wait it can (a macrotask later), so concurrent waits end in deadline order, each
 * at its own deadline, as on a real clock.
 */
function waitVirtual(clock, deadline) {
  let state = virtualWaits.get(clock);
  if (state === undefined) virtualWaits.set(clock, (state = { waits: [], due: false }));
  return new Promise((resolve) => {
    state.waits.push({ deadline, resolve });
    jumpSoon(clock, state);
  });
}

function jumpSoon(clock, state) {
  if (state.due) return;
  state.due = true;
  setTimeout(() => {
    state.due = false;
    clock.advanceTo(state.waits.reduce((min, w) => (w.deadline < min ? w.deadline : min), state.waits[0].deadline));
    const now = clock.now();
    for (const w of state.waits) if (w.deadline <= now) w.resolve();
    state.waits = state.waits.filter((w) => w.deadline > now);
    if (state.waits.length > 0) jumpSoon(clock, state);
  }, 0);
}

/**
 * The page's time zone: its IANA name, and its offset from UTC at an instant in nanoseconds,
 * from Intl and Date (the page's own setting; Node's TZ).
 */
const timezone = {
  ianaId: () => Intl.DateTimeFormat().resolvedOptions().timeZone || undefined,
  utcOffset: (when) => {
    const ms = Number(when.seconds) * 1000 + Math.floor(when.nanoseconds / 1e6);
    const minutes = new Date(ms).getTimezoneOffset();
    // getTimezoneOffset() is UTC minus local, and NaN outside Date's range: no answer then.
    return Number.isNaN(minutes) ? undefined : BigInt(-minutes) * 60_000_000_000n;
  },
  toDebugString: () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'unknown',
};

/**
 * @param {{clock: import('../wait.js').MonotonicClock, wallNow: () => {seconds: bigint, nanoseconds: number},
 *   monotonicResolution: bigint, wallResolution: bigint, u64: (n: bigint|number, what: string) => bigint}} clocks
 *   `u64`: 0.2's check of a guest's time value
 */
export function createClocksP3({ clock, wallNow, monotonicResolution, wallResolution, u64 }) {
  /** The host timers of this instance's real waits. */
  const timers = new Set();
  const interfaces = {
    'wasi:clocks/types@0.3': {},
    'wasi:clocks/monotonic-clock@0.3': {
      now: () => clock.now(),
      getResolution: () => monotonicResolution,
      waitUntil: (when) => waitUntil(clock, u64(when, 'mark'), timers),
      waitFor: (howLong) => waitUntil(clock, clock.now() + u64(howLong, 'duration'), timers),
    },
    'wasi:clocks/system-clock@0.3': {
      now: wallNow,
      getResolution: () => wallResolution,
    },
    'wasi:clocks/timezone@0.3': timezone,
  };
  const end = () => {
    for (const pending of timers) clearTimeout(pending);
    timers.clear();
  };
  return { interfaces, end };
}
