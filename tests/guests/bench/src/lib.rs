//! `bench`: tiny functions for the jco comparison benchmark and basic tests.

wit_bindgen::generate!({ world: "bench" });

use example::bench::host;
use exports::example::bench::api::Guest;

struct Bench;

impl Guest for Bench {
    fn noop() {}

    fn add(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    fn call_host(msg: String) {
        host::log(&msg);
    }

    fn echo_string(s: String) -> String {
        s
    }

    fn sum_bytes(data: Vec<u8>) -> u64 {
        data.iter().map(|&b| u64::from(b)).sum()
    }

    fn sum_floats(data: Vec<f32>) -> f32 {
        data.iter().sum()
    }

    fn string_length(s: String) -> u32 {
        s.len() as u32
    }
}

export!(Bench);
