//! `hello`: a wasi:cli command touching stdio, args, env, clocks, random
//! and exit codes, so tests can check the WASI polyfill end to end.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Write};
use std::time::{Instant, SystemTime};

fn main() {
    println!("hello from wasi");
    let args: Vec<String> = std::env::args().collect();
    for arg in &args {
        println!("arg: {arg}");
    }
    if let Ok(a) = std::env::var("A") {
        println!("env A={a}");
    }
    eprintln!("to stderr");

    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .expect("read stdin");
    if !input.is_empty() {
        println!("stdin: {input}");
    }

    // Clocks: wall clock (wasi:clocks/wall-clock) and monotonic clock.
    let _ = SystemTime::now();
    let start = Instant::now();
    let _ = start.elapsed();

    // Random: RandomState seeds itself from wasi:random, no crates needed.
    let mut bytes = [0u8; 16];
    for chunk in bytes.chunks_mut(8) {
        let mut h = RandomState::new().build_hasher();
        h.write_u8(0);
        chunk.copy_from_slice(&h.finish().to_le_bytes()[..chunk.len()]);
    }
    std::hint::black_box(bytes);
    std::io::stdout().flush().expect("flush stdout");

    match args.get(1).map(String::as_str) {
        Some("exit") => {
            let code = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(1);
            std::process::exit(code);
        }
        Some("panic") => panic!("panic requested"),
        _ => {}
    }
}
