//! Streams and futures of the component model, as wit-bindgen's Rust async support emits them:
//! `stream<u8>` in and out (transformed as it flows), `future<string>` out, `future<u32>` and
//! `future<string>` in, and streams of strings, records, own resources (`counter`, whose live ones
//! it counts), streams (`concat`) and a host's
//! `stream<u32>`. Each returned stream or future is written by a task spawned before the export
//! returns, so the caller reads it while the guest writes.

wit_bindgen::generate!({ path: "wit", world: "async-streams" });

use core::sync::atomic::{AtomicU32, Ordering};
use example::async_streams::host;
use exports::example::async_streams::api::{Counter, Guest, GuestCounter, Point, Tag};
use wit_bindgen::{FutureReader, StreamReader, StreamResult};

struct AsyncStreams;

/// ASCII upper-casing with wasm SIMD: byte by byte, this loop (not the host) bounded the
/// `stream<u8>` bench at about 400 MB/s.
#[target_feature(enable = "simd128")]
fn upper_in_place(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        let lower = b.wrapping_sub(b'a') < 26;
        *b -= (lower as u8) << 5;
    }
}

/// A counter's value.
struct CounterImpl(u32);

/// The counters made and not yet dropped (`live-counters`).
static LIVE_COUNTERS: AtomicU32 = AtomicU32::new(0);

impl CounterImpl {
    fn made(start: u32) -> Self {
        LIVE_COUNTERS.fetch_add(1, Ordering::Relaxed);
        CounterImpl(start)
    }
}

impl Drop for CounterImpl {
    fn drop(&mut self) {
        LIVE_COUNTERS.fetch_sub(1, Ordering::Relaxed);
    }
}

impl GuestCounter for CounterImpl {
    fn new(start: u32) -> Self {
        CounterImpl::made(start)
    }

    fn value(&self) -> u32 {
        self.0
    }
}

impl Guest for AsyncStreams {
    type Counter = CounterImpl;

    async fn upper(mut input: StreamReader<u8>) -> StreamReader<u8> {
        let (mut tx, rx) = wit_stream::new::<u8>();
        wit_bindgen::spawn_local(async move {
            loop {
                let (result, mut chunk) = input.read(Vec::with_capacity(65536)).await;
                if let StreamResult::Dropped = result {
                    if chunk.is_empty() {
                        break;
                    }
                }
                upper_in_place(&mut chunk);
                if !tx.write_all(chunk).await.is_empty() {
                    break;
                }
                if let StreamResult::Dropped = result {
                    break;
                }
            }
        });
        rx
    }

    async fn greet_later(name: String) -> FutureReader<String> {
        let (tx, rx) = wit_future::new::<String>(String::new);
        wit_bindgen::spawn_local(async move {
            let _ = tx.write(format!("hello, {name}")).await;
        });
        rx
    }

    async fn double_future(v: FutureReader<u32>) -> u32 {
        v.await.wrapping_mul(2)
    }

    async fn greet_future(name: FutureReader<String>) -> String {
        format!("hello, {}", name.await)
    }

    async fn words(n: u32) -> StreamReader<String> {
        let (mut tx, rx) = wit_stream::new::<String>();
        wit_bindgen::spawn_local(async move {
            for i in 0..n {
                if tx.write_one(format!("word-{i}")).await.is_some() {
                    break;
                }
            }
        });
        rx
    }

    async fn tags(n: u32) -> StreamReader<Tag> {
        let (mut tx, rx) = wit_stream::new::<Tag>();
        wit_bindgen::spawn_local(async move {
            let tags = (0..n).map(|i| Tag { name: format!("tag-{i}"), n: i }).collect();
            tx.write_all(tags).await;
        });
        rx
    }

    async fn sum_points(mut points: StreamReader<Point>) -> Point {
        let mut sum = Point { x: 0, y: 0 };
        while let Some(p) = points.next().await {
            sum.x = sum.x.wrapping_add(p.x);
            sum.y = sum.y.wrapping_add(p.y);
        }
        sum
    }

    async fn count_until_dropped() -> StreamReader<u8> {
        let (mut tx, rx) = wit_stream::new::<u8>();
        wit_bindgen::spawn_local(async move {
            let mut written: u64 = 0;
            loop {
                let chunk: Vec<u8> = (0..1024u64).map(|i| (written + i) as u8).collect();
                let left = tx.write_all(chunk).await;
                written += 1024 - left.len() as u64;
                if !left.is_empty() {
                    break;
                }
            }
            host::written(written);
        });
        rx
    }

    async fn byte_count(mut input: StreamReader<u8>) -> u64 {
        let mut n = 0u64;
        loop {
            let (result, chunk) = input.read(Vec::with_capacity(65536)).await;
            n += chunk.len() as u64;
            if let StreamResult::Dropped = result {
                return n;
            }
        }
    }

    async fn concat(mut parts: StreamReader<StreamReader<u8>>) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(part) = parts.next().await {
            out.extend(part.collect().await);
        }
        out
    }

    async fn lengths(mut lists: StreamReader<Vec<String>>) -> StreamReader<u32> {
        let (mut tx, rx) = wit_stream::new::<u32>();
        wit_bindgen::spawn_local(async move {
            while let Some(list) = lists.next().await {
                let total = list.iter().map(|s| s.len() as u32).sum();
                if tx.write_one(total).await.is_some() {
                    break;
                }
            }
        });
        rx
    }

    async fn sum_host_numbers(n: u32) -> u64 {
        let mut numbers = host::numbers(n);
        let mut sum = 0u64;
        while let Some(v) = numbers.next().await {
            sum += u64::from(v);
        }
        sum
    }

    fn boom() {
        unreachable!("boom")
    }

    async fn counters(n: u32) -> StreamReader<Counter> {
        let (mut tx, rx) = wit_stream::new::<Counter>();
        wit_bindgen::spawn_local(async move {
            for i in 1..=n {
                if tx.write_one(Counter::new(CounterImpl::made(i))).await.is_some() {
                    break;
                }
            }
        });
        rx
    }

    async fn total(mut cs: StreamReader<Counter>) -> u32 {
        let mut sum = 0;
        while let Some(c) = cs.next().await {
            sum += c.get::<CounterImpl>().0;
        }
        sum
    }

    fn live_counters() -> u32 {
        LIVE_COUNTERS.load(Ordering::Relaxed)
    }
}

export!(AsyncStreams);
