//! `wasi-poll`: checks that `wasi:io/poll.poll` returns exactly the indices of the ready
//! pollables, waiting (for timers, here) until at least one is. Prints `ok <check>` or
//! `FAIL <check>: …` per check and exits 1 if any failed. `VIRTUAL=1`: the host's monotonic clock
//! is virtual, so waits land exactly on deadlines.

use wasi::cli::{stdin, stdout};
use wasi::clocks::monotonic_clock::{self, subscribe_duration, subscribe_instant};
use wasi::io::poll::{poll, Pollable};

use checks::Checks;

const MS: u64 = 1_000_000;

fn main() {
    let virtual_clock = std::env::var("VIRTUAL").is_ok_and(|v| v == "1");
    let mut c = Checks::default();
    let start = monotonic_clock::now();
    let at = |ms: u64| subscribe_instant(start + ms * MS);
    // Timers an hour away stand for "not due": a busy machine never stalls that long, so the
    // checks below assert readiness and order, never how long anything took on the real clock.
    let hour = || subscribe_duration(3_600_000 * MS);

    // One ready pollable among future ones: poll returns at once, with just that one.
    let far = hour();
    let t200 = at(200);
    let past = subscribe_instant(0);
    let ready = poll(&[&far, &t200, &past]);
    let now = monotonic_clock::now() - start;
    c.check("poll returns the ready pollable", ready.contains(&2), &ready);
    if virtual_clock {
        c.check("poll with one ready pollable does not wait", now == 0, now);
    }
    c.check("poll leaves out what is not due", !ready.contains(&0), &ready);

    // None ready: poll waits for the earliest, and returns just it.
    let ready = poll(&[&far, &t200]);
    let now = monotonic_clock::now() - start;
    c.check("poll waits for the earliest timer and returns it alone", ready == [1], &ready);
    c.check("poll waited until the earliest deadline", now >= 200 * MS, now);
    if virtual_clock {
        c.check("poll woke exactly at the earliest deadline", now == 200 * MS, now);
    } else {
        c.check("the later timer is still not ready", !far.ready(), ());
    }

    // A ready pollable stays ready; the later one is still not.
    let ready = poll(&[&t200, &far]);
    c.check("a ready pollable stays ready, a future one is left out", ready == [0], &ready);

    // The same pollable twice is reported at both indices; all ready: every index.
    let t400 = at(400);
    let ready = poll(&[&t400, &t400]);
    c.check("the same pollable twice is reported at both indices", ready == [0, 1], &ready);
    let now = monotonic_clock::now() - start;
    c.check("waiting for the 400 ms timer waited until then", now >= 400 * MS, now);
    let ready = poll(&[&t400, &t200, &t400]);
    c.check("all ready: every index, in order", ready == [0, 1, 2], &ready);

    // Streams over memory are always ready; they win over a far timer.
    let out = stdout::get_stdout();
    let input = stdin::get_stdin();
    let ready = poll(&[&far, &out.subscribe(), &input.subscribe()]);
    c.check("stdout and stdin pollables are ready, an hour's timer is not", ready == [1, 2], &ready);

    // Many pollables: exactly the ones already due.
    let base = monotonic_clock::now();
    let many: Vec<Pollable> = (0..64u64)
        .map(|i| if i % 2 == 0 { subscribe_instant(base - 1) } else { subscribe_duration(3_600_000 * MS + i) })
        .collect();
    let refs: Vec<&Pollable> = many.iter().collect();
    let ready = poll(&refs);
    let expected: Vec<u32> = (0..64).filter(|i| i % 2 == 0).collect();
    c.check("of 64 pollables, exactly the 32 due ones", ready == expected, &ready);

    // Several future timers: poll wakes for the earliest, whatever its position.
    let begin = monotonic_clock::now();
    let a = hour();
    let b = subscribe_duration(7_200_000 * MS);
    let soon = subscribe_duration(30 * MS);
    let ready = poll(&[&a, &b, &soon]);
    let waited = monotonic_clock::now() - begin;
    c.check("poll over three timers returns the earliest (last in the list)", ready == [2], &ready);
    c.check("and waits for it", waited >= 30 * MS, waited);

    // block() on one of them.
    let p = subscribe_duration(25 * MS);
    let begin = monotonic_clock::now();
    p.block();
    let waited = monotonic_clock::now() - begin;
    c.check("block() waits for its timer", p.ready() && waited >= 25 * MS, waited);

    c.finish();
}
