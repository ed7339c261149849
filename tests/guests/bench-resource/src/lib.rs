//! `bench-resource`: a guest resource for the benchmark's new + method + drop row.

wit_bindgen::generate!({ world: "bench-resource" });

use exports::example::bench_resource::api::{Guest, GuestCounter};
use std::cell::Cell;

struct BenchResource;

impl Guest for BenchResource {
    type Counter = Counter;
}

struct Counter(Cell<u32>);

impl GuestCounter for Counter {
    fn new(start: u32) -> Self {
        Counter(Cell::new(start))
    }

    fn add(&self, by: u32) -> u32 {
        self.0.set(self.0.get().wrapping_add(by));
        self.0.get()
    }
}

export!(BenchResource);
