//! `http-handler`: a `wasi:http/incoming-handler@0.2` component, served by Terrarium's `serve()`
//! (js/serve.js) in the Node tests, by `terrarium serve`, and by the demo's Service Worker. Routes,
//! with or without an `/api` prefix:
//!
//! - `GET /hello?name=N`: 200 `hello, N!` (`hello, world!` without a name);
//! - `/echo` (any method): 200 with `x-method`, `x-path`, `x-scheme`, `x-authority` and
//!   `x-test` (the request's `x-test` header) headers, and the request body upper-cased (ASCII),
//!   streamed back chunk by chunk as it arrives;
//! - `/trap`: traps before answering;
//! - `/trap-late`: answers 200, writes `partial`, then traps: the response body fails;
//! - `/silent`: returns without answering;
//! - `/refuse`: answers with an error code, `HTTP-request-denied`;
//! - `/status?code=N`: answers with status N (100 to 999, as the WIT allows);
//! - `/trailers`: answers 200 `with trailers`, then finishes the body with an `x-sum` trailer;
//! - `/sleep?ms=N`: waits N milliseconds on the monotonic clock, then answers 200 `slept`;
//! - `/env?name=K`: 200 with the value of the environment variable K (404 if unset);
//! - `/read?path=P`: 200 with the contents of the file P, read through `std::fs` from the
//!   preopened folders (404 with the error if it cannot be read);
//! - anything else: 404 `not found: PATH`.

use std::io::Write as _;

use wasi::exports::http::incoming_handler::Guest;
use wasi::http::types::{
    ErrorCode, Fields, IncomingRequest, Method, OutgoingBody, OutgoingResponse, ResponseOutparam, Scheme,
};
use wasi::io::streams::StreamError;

struct Handler;

wasi::http::proxy::export!(Handler);

impl Guest for Handler {
    fn handle(request: IncomingRequest, out: ResponseOutparam) {
        let path_with_query = request.path_with_query().unwrap_or_default();
        let (path, query) = path_with_query.split_once('?').unwrap_or((&path_with_query, ""));
        match path.strip_prefix("/api").unwrap_or(path) {
            "/hello" => {
                let name = param(query, "name").unwrap_or("world");
                respond(out, 200, &[("content-type", "text/plain")], format!("hello, {name}!").as_bytes());
            }
            "/echo" => echo(request, out),
            "/trap" => panic!("the handler trapped on purpose"),
            "/trap-late" => {
                let (_body, mut stream) = start(out, 200, &[]);
                stream.write_all(b"partial").expect("write");
                stream.flush().expect("flush");
                panic!("the handler trapped after answering");
            }
            "/silent" => {}
            "/refuse" => ResponseOutparam::set(out, Err(ErrorCode::HttpRequestDenied)),
            "/status" => {
                let code = query.strip_prefix("code=").and_then(|c| c.parse().ok()).unwrap_or(200);
                respond(out, code, &[], b"");
            }
            "/trailers" => {
                let (body, mut stream) = start(out, 200, &[]);
                stream.write_all(b"with trailers").expect("write");
                stream.flush().expect("flush");
                drop(stream);
                let trailers = Fields::from_list(&[("x-sum".to_string(), b"42".to_vec())]).expect("trailers");
                // Where trailers cannot be sent the finish fails, and with it the body.
                let _ = OutgoingBody::finish(body, Some(trailers));
            }
            "/sleep" => {
                let ms: u64 = param(query, "ms").and_then(|v| v.parse().ok()).unwrap_or(0);
                wasi::clocks::monotonic_clock::subscribe_duration(ms * 1_000_000).block();
                respond(out, 200, &[], b"slept");
            }
            "/env" => match param(query, "name").and_then(|name| std::env::var(name).ok()) {
                Some(value) => respond(out, 200, &[], value.as_bytes()),
                None => respond(out, 404, &[], b"unset"),
            },
            "/read" => match std::fs::read(param(query, "path").unwrap_or_default()) {
                Ok(bytes) => respond(out, 200, &[], &bytes),
                Err(e) => respond(out, 404, &[], e.to_string().as_bytes()),
            },
            other => respond(out, 404, &[("content-type", "text/plain")], format!("not found: {other}").as_bytes()),
        }
    }
}

/// The value of `key` in a query string (no percent-decoding: the tests send plain values).
fn param<'q>(query: &'q str, key: &str) -> Option<&'q str> {
    query.split('&').find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
}

/// Sets the response (status, headers) and returns its body with the body's output stream.
fn start(
    out: ResponseOutparam,
    status: u16,
    headers: &[(&str, &str)],
) -> (OutgoingBody, wasi::io::streams::OutputStream) {
    let entries: Vec<(String, Vec<u8>)> = headers.iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect();
    let response = OutgoingResponse::new(Fields::from_list(&entries).expect("valid headers"));
    response.set_status_code(status).expect("status");
    let body = response.body().expect("body");
    ResponseOutparam::set(out, Ok(response));
    let stream = body.write().expect("body stream");
    (body, stream)
}

fn respond(out: ResponseOutparam, status: u16, headers: &[(&str, &str)], bytes: &[u8]) {
    let (body, mut stream) = start(out, status, headers);
    stream.write_all(bytes).expect("write");
    stream.flush().expect("flush");
    drop(stream);
    OutgoingBody::finish(body, None).expect("finish");
}

fn echo(request: IncomingRequest, out: ResponseOutparam) {
    let method = match request.method() {
        Method::Get => "GET".to_string(),
        Method::Head => "HEAD".to_string(),
        Method::Post => "POST".to_string(),
        Method::Put => "PUT".to_string(),
        Method::Delete => "DELETE".to_string(),
        Method::Connect => "CONNECT".to_string(),
        Method::Options => "OPTIONS".to_string(),
        Method::Trace => "TRACE".to_string(),
        Method::Patch => "PATCH".to_string(),
        Method::Other(m) => m,
    };
    let scheme = match request.scheme() {
        Some(Scheme::Http) => "http".to_string(),
        Some(Scheme::Https) => "https".to_string(),
        Some(Scheme::Other(s)) => s,
        None => String::new(),
    };
    let header = |name: &str| -> String {
        request
            .headers()
            .get(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let path = request.path_with_query().unwrap_or_default();
    let authority = request.authority().unwrap_or_default();
    let test = header("x-test");
    let headers = [
        ("x-method", method.as_str()),
        ("x-path", path.as_str()),
        ("x-scheme", scheme.as_str()),
        ("x-authority", authority.as_str()),
        ("x-test", test.as_str()),
    ];
    let incoming = request.consume().expect("request body");
    let input = incoming.stream().expect("request body stream");
    let (body, output) = start(out, 200, &headers);
    loop {
        match input.blocking_read(4096) {
            Ok(chunk) => {
                let upper: Vec<u8> = chunk.iter().map(u8::to_ascii_uppercase).collect();
                output.blocking_write_and_flush(&upper).expect("write");
            }
            Err(StreamError::Closed) => break,
            Err(StreamError::LastOperationFailed(e)) => {
                panic!("reading the request body failed: {}", e.to_debug_string())
            }
        }
    }
    drop(input);
    drop(output);
    OutgoingBody::finish(body, None).expect("finish");
}
