//! `http-handler-p3`: a `wasi:http/handler@0.3` component (the `wasi:http/service` world), served
//! by Terrarium's `serve()` and `terrarium serve` in the tests. Routes, with or without an `/api`
//! prefix:
//!
//! - `GET /hello?name=N`: 200 `hello, N!` (`hello, world!` without a name);
//! - `/echo` (any method): 200 with an `x-method` header, and the request body upper-cased
//!   (ASCII), streamed back chunk by chunk as it arrives;
//! - `/trap`: traps before answering;
//! - `/trap-late`: answers 200, writes `partial`, then traps: the response body fails;
//! - `/refuse`: answers with the error code `HTTP-request-denied`;
//! - `/trailers`: answers 200 `with trailers`, then ends the body with an `x-sum` trailer;
//! - `/status?code=N`: answers with status N (the WIT takes any u16 the host accepts);
//! - `/sleep?ms=N`: waits N milliseconds on the monotonic clock, then answers 200 `slept`;
//! - anything else: 404 `not found: PATH`.

use wasip3::http::types::{ErrorCode, Fields, Method, Request, Response};
use wasip3::{wit_future, wit_stream};
use wit_bindgen::StreamResult;

struct Handler;

wasip3::http::service::export!(Handler);

impl wasip3::exports::http::handler::Guest for Handler {
    async fn handle(request: Request) -> Result<Response, ErrorCode> {
        let path_with_query = request.get_path_with_query().unwrap_or_default();
        let (path, query) = path_with_query.split_once('?').unwrap_or((&path_with_query, ""));
        match path.strip_prefix("/api").unwrap_or(path) {
            "/hello" => {
                let name = param(query, "name").unwrap_or("world");
                Ok(respond(200, &[("content-type", "text/plain")], format!("hello, {name}!").into_bytes()))
            }
            "/echo" => Ok(echo(request)),
            "/trap" => panic!("the handler trapped on purpose"),
            "/trap-late" => {
                let (response, mut body, _) = start(200, &[]);
                wit_bindgen::spawn_local(async move {
                    body.write_all(b"partial".to_vec()).await;
                    panic!("the handler trapped after answering");
                });
                Ok(response)
            }
            "/refuse" => Err(ErrorCode::HttpRequestDenied),
            "/trailers" => {
                let (response, mut body, trailers) = start(200, &[]);
                wit_bindgen::spawn_local(async move {
                    body.write_all(b"with trailers".to_vec()).await;
                    drop(body);
                    let sum = Fields::from_list(&[("x-sum".to_string(), b"42".to_vec())]).expect("trailers");
                    let _ = trailers.write(Ok(Some(sum))).await;
                });
                Ok(response)
            }
            "/status" => {
                let response = respond(200, &[], Vec::new());
                let code = param(query, "code").and_then(|c| c.parse().ok()).unwrap_or(200);
                response.set_status_code(code).map_err(|()| ErrorCode::InternalError(Some("status".into())))?;
                Ok(response)
            }
            "/sleep" => {
                let ms: u64 = param(query, "ms").and_then(|v| v.parse().ok()).unwrap_or(0);
                wasip3::clocks::monotonic_clock::wait_for(ms * 1_000_000).await;
                Ok(respond(200, &[], b"slept".to_vec()))
            }
            other => Ok(respond(404, &[("content-type", "text/plain")], format!("not found: {other}").into_bytes())),
        }
    }
}

/// The value of `key` in a query string (no percent-decoding: the tests send plain values).
fn param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// What a response's trailers future is written with: none, some trailers, or an error.
type TrailersWriter = wit_bindgen::FutureWriter<Result<Option<Fields>, ErrorCode>>;

/// A response of `status` and `headers` whose body is the stream returned beside it, and the
/// writer of its trailers future: the body ends when the stream is dropped; dropping the writer
/// gives no trailers.
fn start(status: u16, headers: &[(&str, &str)]) -> (Response, wit_bindgen::StreamWriter<u8>, TrailersWriter) {
    let entries: Vec<(String, Vec<u8>)> = headers.iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect();
    let (body, contents) = wit_stream::new();
    let (trailers, trailers_rx) = wit_future::new(|| Ok(None));
    let (response, _sent) =
        Response::new(Fields::from_list(&entries).expect("valid headers"), Some(contents), trailers_rx);
    response.set_status_code(status).expect("status");
    (response, body, trailers)
}

fn respond(status: u16, headers: &[(&str, &str)], bytes: Vec<u8>) -> Response {
    let (response, mut body, _) = start(status, headers);
    wit_bindgen::spawn_local(async move {
        body.write_all(bytes).await;
    });
    response
}

fn echo(request: Request) -> Response {
    let method = match request.get_method() {
        Method::Other(other) => other,
        known => format!("{known:?}").trim_start_matches("Method::").to_uppercase(),
    };
    let (done, done_rx) = wit_future::new(|| Ok(()));
    let (mut incoming, _trailers) = Request::consume_body(request, done_rx);
    let (response, mut body, _) = start(200, &[("x-method", &method)]);
    wit_bindgen::spawn_local(async move {
        loop {
            let (result, chunk) = incoming.read(Vec::with_capacity(16 * 1024)).await;
            if !chunk.is_empty() && !body.write_all(chunk.to_ascii_uppercase()).await.is_empty() {
                break;
            }
            if !matches!(result, StreamResult::Complete(_)) {
                break;
            }
        }
        drop(done);
    });
    response
}
