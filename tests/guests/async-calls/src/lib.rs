//! Async exports and imports of the component model, as wit-bindgen's Rust async support emits
//! them: callback-lifted exports returning through `task.return`, async-lowered host calls (subtasks),
//! many of them in flight at once.

wit_bindgen::generate!({ path: "wit", world: "async-calls" });

use example::async_calls::host;
use exports::example::async_calls::api::Guest;

struct AsyncCalls;

impl Guest for AsyncCalls {
    async fn slow_add(a: u32, b: u32) -> u32 {
        host::sleep(5).await;
        a.wrapping_add(b)
    }

    async fn echo(s: String) -> String {
        s
    }

    async fn fan_out(n: u32) -> u64 {
        let calls = (0..n).map(host::double);
        futures::future::join_all(calls).await.into_iter().map(u64::from).sum()
    }

    async fn note_and_count(msg: String) -> u32 {
        host::note(&msg);
        msg.len() as u32
    }

    async fn pair(a: String, b: Vec<u8>) -> (String, Vec<u8>, u32) {
        let n = host::double(b.len() as u32).await;
        (a, b, n)
    }

    fn sync_add(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    async fn async_add(a: u32, b: u32) -> u32 {
        a.wrapping_add(b)
    }

    async fn fail_later() {
        host::sleep(0).await;
        panic!("fail-later: the guest gave up after awaiting the host");
    }
}

export!(AsyncCalls);
