//! `wasi-config`: prints what the host's configuration decides, one `key: value` per line, so a
//! test can check each option and that a run with fixed clocks and randomness repeats exactly:
//! arguments, environment, initial cwd, random and insecure random values, the insecure seed,
//! the monotonic and wall clocks before and after a 1.5 s sleep.

use std::time::Duration;

use wasi::cli::environment;
use wasi::clocks::{monotonic_clock, wall_clock};
use wasi::random::{insecure, insecure_seed, random};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn main() {
    println!("args: {:?}", environment::get_arguments());
    println!("env: {:?}", environment::get_environment());
    println!("cwd: {:?}", environment::initial_cwd());
    println!("random u64: {} {}", random::get_random_u64(), random::get_random_u64());
    println!("random bytes: {}", hex(&random::get_random_bytes(12)));
    println!("insecure u64: {}", insecure::get_insecure_random_u64());
    println!("insecure bytes: {}", hex(&insecure::get_insecure_random_bytes(5)));
    let (a, b) = insecure_seed::insecure_seed();
    println!("insecure seed: {a} {b}");
    let wall = wall_clock::now();
    println!("monotonic: {}", monotonic_clock::now());
    println!("wall: {}.{:09}", wall.seconds, wall.nanoseconds);
    std::thread::sleep(Duration::from_millis(1500));
    let wall = wall_clock::now();
    println!("monotonic after sleep: {}", monotonic_clock::now());
    println!("wall after sleep: {}.{:09}", wall.seconds, wall.nanoseconds);
}
