//! `async-client`: async functions that call another component's async functions
//! (`example:async-calls/api`). Composed with `async-calls` by wac, these are async calls between
//! two components: `canon lower async` here, `canon lift async` with a callback there.

wit_bindgen::generate!({
    path: ["../async-calls/wit", "wit"],
    world: "example:async-client/async-client",
    generate_all,
});

use example::async_calls::api;
use exports::example::async_client::run::Guest;

struct AsyncClient;

impl Guest for AsyncClient {
    async fn add_and_echo(a: u32, b: u32) -> String {
        let sum = api::slow_add(a, b).await;
        api::echo(format!("sum {sum}")).await
    }

    async fn fan(n: u32) -> u32 {
        let calls = (0..n).map(|i| api::slow_add(i, i));
        futures::future::join_all(calls).await.into_iter().fold(0, u32::wrapping_add)
    }

    async fn plain(a: u32, b: u32) -> u32 {
        api::sync_add(a, b)
    }

    async fn pair_back(a: String, b: Vec<u8>) -> (String, Vec<u8>, u32) {
        api::pair(a, b).await
    }
}

export!(AsyncClient);
