//! `wasi-clocks`: checks that wasi:clocks timers really wait. Prints `ok <check>` or
//! `FAIL <check>: …` per check and exits 1 if any failed.
//!
//! - `VIRTUAL=1`: the host's monotonic clock is virtual (it moves only when the guest waits, at
//!   once, to the deadline), so every wait must take exactly its length.
//! - `WALL_START=<seconds>`: the host's wall clock starts there, and moves with the monotonic clock.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use wasi::clocks::{monotonic_clock, wall_clock};

use checks::Checks;

const MS: u64 = 1_000_000;

fn main() {
    let virtual_clock = std::env::var("VIRTUAL").is_ok_and(|v| v == "1");
    let wall_start: Option<u64> = std::env::var("WALL_START").ok().and_then(|s| s.parse().ok());
    let mut c = Checks::default();
    let start = monotonic_clock::now();

    // The clock never goes back.
    let mut last = monotonic_clock::now();
    let mut monotonic = true;
    for _ in 0..1000 {
        let t = monotonic_clock::now();
        monotonic &= t >= last;
        last = t;
    }
    c.check("monotonic never decreases", monotonic, last);
    c.check("monotonic resolution is positive", monotonic_clock::resolution() > 0, monotonic_clock::resolution());

    // std::thread::sleep: subscribe-duration + block.
    let before = Instant::now();
    std::thread::sleep(Duration::from_millis(50));
    let slept = before.elapsed();
    if virtual_clock {
        c.check("sleep(50 ms) takes exactly 50 ms of virtual time", slept == Duration::from_millis(50), slept);
    } else {
        c.check("sleep(50 ms) waits at least 50 ms", slept >= Duration::from_millis(50), slept);
    }

    // subscribe-duration: not ready at once, ready after block.
    // On the real clock a busy machine may stall past 30 ms, so "not ready yet" is asserted of a
    // timer an hour away there; only the virtual clock can promise the 30 ms one is not due.
    let t0 = monotonic_clock::now();
    let p = monotonic_clock::subscribe_duration(30 * MS);
    if virtual_clock {
        c.check("a 30 ms timer is not ready at once", !p.ready(), ());
    } else {
        let hour = monotonic_clock::subscribe_duration(3_600_000 * MS);
        c.check("a timer an hour away is not ready at once", !hour.ready(), ());
    }
    p.block();
    let waited = monotonic_clock::now() - t0;
    c.check("block() on a 30 ms timer returns ready", p.ready(), ());
    if virtual_clock {
        c.check("block() on a 30 ms timer takes exactly 30 ms", waited == 30 * MS, waited);
    } else {
        c.check("block() on a 30 ms timer waits at least 30 ms", waited >= 30 * MS, waited);
    }

    // subscribe-instant.
    let deadline = monotonic_clock::now() + 20 * MS;
    let p = monotonic_clock::subscribe_instant(deadline);
    p.block();
    let now = monotonic_clock::now();
    c.check("block() on an instant returns at or after it", now >= deadline, (now, deadline));
    if virtual_clock {
        c.check("block() on an instant lands exactly on it", now == deadline, (now, deadline));
    }

    // Past and zero-length timers are ready at once.
    let before = monotonic_clock::now();
    let past = monotonic_clock::subscribe_instant(0);
    c.check("an instant in the past is ready", past.ready(), ());
    past.block();
    let zero = monotonic_clock::subscribe_duration(0);
    c.check("a zero-length timer is ready", zero.ready(), ());
    zero.block();
    let spent = monotonic_clock::now() - before;
    if virtual_clock {
        c.check("ready timers take no time", spent == 0, spent);
    }

    // Waiting for the later of two timers leaves the earlier one ready too.
    let early = monotonic_clock::subscribe_duration(10 * MS);
    let late = monotonic_clock::subscribe_duration(40 * MS);
    late.block();
    c.check("after the later timer, the earlier one is ready too", early.ready() && late.ready(), ());

    // The wall clock.
    let wall = wall_clock::now();
    c.check("wall-clock nanoseconds < 1e9", wall.nanoseconds < 1_000_000_000, wall.nanoseconds);
    let res = wall_clock::resolution();
    c.check(
        "wall-clock resolution is positive",
        res.seconds > 0 || res.nanoseconds > 0,
        (res.seconds, res.nanoseconds),
    );
    let system = SystemTime::now().duration_since(UNIX_EPOCH).expect("after the epoch");
    c.check("SystemTime agrees with wall-clock", system.as_secs().abs_diff(wall.seconds) <= 1, (system, wall.seconds));
    if let Some(start_s) = wall_start {
        let elapsed = monotonic_clock::now() - start;
        let expected = Duration::from_secs(start_s) + Duration::from_nanos(elapsed);
        let diff = if system > expected { system - expected } else { expected - system };
        if virtual_clock {
            c.check(
                "the wall clock moved exactly with the virtual clock",
                diff < Duration::from_millis(1),
                (system, expected),
            );
        } else {
            // The host's wall clock started at or before the guest's first monotonic reading, so
            // it can only be ahead of `expected`; an hour ahead would mean WALL_START was ignored.
            c.check(
                "the wall clock starts where the host said",
                system + Duration::from_millis(1) >= expected && diff < Duration::from_secs(3600),
                (system, expected),
            );
        }
    }

    println!("monotonic elapsed: {} ns", monotonic_clock::now() - start);
    c.finish();
}
