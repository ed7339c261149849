//! `stream-relay`: streams and futures handed to and taken from another component's async
//! functions (`example:async-streams/api`). Composed with `async-streams` by wac, each end crosses
//! between the two components, and each copy goes from one's memory to the other's: this
//! component reads what that one writes (in parts, after zero-length reads, cancelled while it
//! waits) and writes what that one reads (cancelled while it waits).

wit_bindgen::generate!({
    path: ["../async-streams/wit", "wit"],
    world: "example:stream-relay/stream-relay",
    generate_all,
});

use core::pin::pin;
use example::async_streams::api::{self, Point, Tag};
use exports::example::stream_relay::relay::Guest;
use wit_bindgen::{FutureReader, StreamReader, StreamResult};

struct StreamRelay;

/// Writes `data` into a new stream in writes of `chunk` values, from a task of its own: the stream.
fn feed<T: 'static>(
    data: Vec<T>,
    chunk: usize,
    new: fn() -> (wit_bindgen::StreamWriter<T>, StreamReader<T>),
) -> StreamReader<T> {
    let (mut tx, rx) = new();
    wit_bindgen::spawn_local(async move {
        let mut rest = data.into_iter().peekable();
        while rest.peek().is_some() {
            let part: Vec<T> = rest.by_ref().take(chunk.max(1)).collect();
            if !tx.write_all(part).await.is_empty() {
                break;
            }
        }
    });
    rx
}

/// Reads `rx` to its end in reads of at most `part` values: the values and how many reads gave some.
async fn read_in_parts<T>(rx: &mut StreamReader<T>, part: usize) -> (Vec<T>, u32) {
    let mut out = Vec::new();
    let mut reads = 0;
    loop {
        let (result, chunk) = rx.read(Vec::with_capacity(part)).await;
        if !chunk.is_empty() {
            reads += 1;
        }
        out.extend(chunk);
        if let StreamResult::Dropped = result {
            return (out, reads);
        }
    }
}

impl Guest for StreamRelay {
    async fn words(n: u32, part: u32) -> (Vec<String>, u32) {
        read_in_parts(&mut api::words(n).await, part as usize).await
    }

    async fn tags(n: u32) -> Vec<Tag> {
        api::tags(n).await.collect().await
    }

    async fn greeting(name: String) -> String {
        api::greet_later(name).await.await
    }

    async fn upper(data: Vec<u8>, chunk: u32, part: u32) -> (Vec<u8>, u32, bool) {
        let mut rx = api::upper(feed(data, chunk as usize, wit_stream::new::<u8>)).await;
        let mut out = Vec::new();
        let mut reads = 0;
        let mut ready_empty = true;
        loop {
            let (ready, none) = rx.read(Vec::new()).await;
            ready_empty &= none.is_empty();
            if let StreamResult::Dropped = ready {
                return (out, reads, ready_empty);
            }
            let (result, chunk) = rx.read(Vec::with_capacity(part as usize)).await;
            if !chunk.is_empty() {
                reads += 1;
            }
            out.extend(chunk);
            if let StreamResult::Dropped = result {
                return (out, reads, ready_empty);
            }
        }
    }

    async fn count(n: u32, chunk: u32) -> u64 {
        let bytes = (0..n).map(|i| i as u8).collect();
        api::byte_count(feed(bytes, chunk as usize, wit_stream::new::<u8>)).await
    }

    async fn take(n: u32) -> Vec<u8> {
        let mut rx = api::count_until_dropped().await;
        let mut out = Vec::new();
        while out.len() < n as usize {
            let (result, chunk) = rx.read(Vec::with_capacity(n as usize - out.len())).await;
            out.extend(chunk);
            if let StreamResult::Dropped = result {
                break;
            }
        }
        out
    }

    async fn sum_points(points: Vec<Point>) -> Point {
        api::sum_points(feed(points, 2, wit_stream::new::<Point>)).await
    }

    async fn lengths(lists: Vec<Vec<String>>) -> Vec<u32> {
        api::lengths(feed(lists, 1, wit_stream::new::<Vec<String>>)).await.collect().await
    }

    async fn concat(parts: Vec<String>) -> String {
        let streams = parts.into_iter().map(|p| feed(p.into_bytes(), 3, wit_stream::new::<u8>)).collect();
        let bytes = api::concat(feed(streams, 1, wit_stream::new::<StreamReader<u8>>)).await;
        String::from_utf8(bytes).unwrap()
    }

    async fn counters(n: u32) -> (u32, u32) {
        let counters = api::counters(n).await.collect().await;
        let sum = counters.iter().map(|c| c.value()).sum();
        (sum, api::total(feed(counters, 2, wit_stream::new::<api::Counter>)).await)
    }

    async fn counter_values(n: u32) -> Vec<u32> {
        let counters = api::counters(n).await.collect().await;
        counters.iter().map(|c| c.value()).collect()
    }

    async fn first_counter(n: u32) -> u32 {
        let first = api::counters(n).await.next().await;
        first.map_or(0, |c| c.value())
    }

    async fn hold_counters(n: u32) -> u32 {
        let counters = api::counters(n).await.collect().await;
        Self::wait_upper().await;
        counters.len() as u32
    }

    async fn counters_back(n: u32) -> u32 {
        api::total(api::counters(n).await).await
    }

    async fn cancel_read(data: Vec<u8>) -> (bool, Vec<u8>) {
        let (mut tx, rx) = wit_stream::new::<u8>();
        let mut out = api::upper(rx).await;
        let cancelled = {
            let mut read = pin!(out.read(Vec::with_capacity(16)));
            assert!(futures::poll!(read.as_mut()).is_pending(), "nothing was written yet");
            let (result, values) = read.cancel();
            matches!(result, StreamResult::Cancelled) && values.is_empty()
        };
        tx.write_all(data).await;
        drop(tx);
        (cancelled, out.collect().await)
    }

    async fn cancel_write(first: Vec<u8>, second: Vec<u8>) -> (bool, u32, Vec<u8>) {
        let (mut tx, rx) = wit_stream::new::<u8>();
        let mut out = api::upper(rx).await;
        tx.write_all(first).await;
        out.read(Vec::new()).await;
        let (cancelled, left) = {
            let mut write = pin!(tx.write(second));
            assert!(futures::poll!(write.as_mut()).is_pending(), "`upper` waits to write, and reads nothing");
            let (result, values) = write.cancel();
            (matches!(result, StreamResult::Cancelled), values.remaining() as u32)
        };
        drop(tx);
        (cancelled, left, out.collect().await)
    }

    async fn relay_upper(input: StreamReader<u8>) -> StreamReader<u8> {
        api::upper(input).await
    }

    async fn relay_double(v: FutureReader<u32>) -> u32 {
        api::double_future(v).await
    }

    async fn double_later(n: u32) -> u32 {
        let (tx, rx) = wit_future::new::<u32>(|| 0);
        futures::join!(api::double_future(rx), tx.write(n)).0
    }

    async fn greet_via_future(name: String) -> String {
        let (tx, rx) = wit_future::new::<String>(String::new);
        futures::join!(api::greet_future(rx), tx.write(name)).0
    }

    async fn double_unwritten() -> u32 {
        let (tx, rx) = wit_future::new::<u32>(|| 0);
        let doubled = api::double_future(rx).await;
        drop(tx);
        doubled
    }

    async fn relay_count() -> StreamReader<u8> {
        api::count_until_dropped().await
    }

    async fn wait_upper() -> u32 {
        let (_tx, rx) = wit_stream::new::<u8>();
        api::upper(rx).await.collect().await.len() as u32
    }

    fn boom() {
        unreachable!("boom")
    }
}

export!(StreamRelay);
