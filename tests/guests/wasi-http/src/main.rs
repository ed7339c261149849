//! `wasi-http`: an HTTP client over wasi:http (types, outgoing-handler), run against the test
//! server of tests/node/http-server.mjs. Prints `ok <check>` or `FAIL <check>: …` per check and
//! exits 1 if any failed.
//!
//! Usage: `wasi-http <base-url> <group>...`, groups: get, post, headers, status, not-found,
//! refused, timeout, stream, big, trailers, errors, poll. What differs between hosts comes from the
//! environment:
//! - `BODY_MODE`: how the server saw a streamed request body: `chunked` (streamed) or `length`
//!   (buffered whole: a browser over HTTP/1.1);
//! - `REFUSED_URL`, `REFUSED_CODE`: a URL where nothing listens, and the error code expected
//!   (`ConnectionRefused`; a browser cannot tell: `DestinationUnavailable`);
//! - `BROWSER=1`: the host is a browser (forbidden headers, redirects followed, no set-cookie).

use std::time::{Duration, Instant};

use wasi::clocks::monotonic_clock;
use wasi::http::outgoing_handler;
use wasi::http::types::{
    ErrorCode, Fields, FutureIncomingResponse, HeaderError, IncomingBody, Method, OutgoingBody, OutgoingRequest,
    RequestOptions, Scheme,
};
use wasi::io::poll::poll;
use wasi::io::streams::{InputStream, OutputStream, StreamError};

use checks::Checks;

struct Response {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<String> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

struct Target {
    authority: String,
}

impl Target {
    fn parse(url: &str) -> Target {
        let authority = url.strip_prefix("http://").expect("an http:// URL").trim_end_matches('/').to_string();
        Target { authority }
    }

    /// A request to `path`, not sent yet.
    fn request(&self, method: Method, path: &str, headers: &[(&str, &[u8])]) -> OutgoingRequest {
        let entries: Vec<(String, Vec<u8>)> = headers.iter().map(|(n, v)| (n.to_string(), v.to_vec())).collect();
        let fields = Fields::from_list(&entries).expect("valid headers");
        let request = OutgoingRequest::new(fields);
        request.set_method(&method).expect("method");
        request.set_scheme(Some(&Scheme::Http)).expect("scheme");
        request.set_authority(Some(&self.authority)).expect("authority");
        request.set_path_with_query(Some(path)).expect("path");
        request
    }

    fn get(&self, path: &str) -> Result<Response, ErrorCode> {
        send(self.request(Method::Get, path, &[]), None, None)
    }
}

/// Waits for a response and reads its body to the end.
fn receive(future: FutureIncomingResponse) -> Result<Response, ErrorCode> {
    future.subscribe().block();
    let response = future.get().expect("ready after block").expect("first get")?;
    let status = response.status();
    let headers = response.headers().entries();
    let body = response.consume().expect("consume once");
    let stream = body.stream().expect("stream once");
    let bytes = read_all(&stream)?;
    drop(stream);
    let trailers = IncomingBody::finish(body);
    trailers.subscribe().block();
    match trailers.get() {
        Some(Ok(Ok(_))) => {}
        Some(Ok(Err(code))) => return Err(code),
        other => panic!("future-trailers: {other:?}"),
    }
    Ok(Response { status, headers, body: bytes })
}

fn read_all(stream: &InputStream) -> Result<Vec<u8>, ErrorCode> {
    let mut bytes = Vec::new();
    loop {
        match stream.blocking_read(65536) {
            Ok(chunk) => bytes.extend_from_slice(&chunk),
            Err(StreamError::Closed) => return Ok(bytes),
            Err(StreamError::LastOperationFailed(e)) => {
                return Err(wasi::http::types::http_error_code(&e)
                    .unwrap_or(ErrorCode::InternalError(Some(e.to_debug_string()))))
            }
        }
    }
}

/// Writes all of `data`, `check-write` by `check-write`, waiting on the stream when it is full.
fn write_all(stream: &OutputStream, mut data: &[u8]) {
    while !data.is_empty() {
        let room = stream.check_write().expect("check-write") as usize;
        if room == 0 {
            stream.subscribe().block();
            continue;
        }
        let n = room.min(data.len());
        stream.write(&data[..n]).expect("write");
        data = &data[n..];
    }
    stream.blocking_flush().expect("blocking-flush");
}

/// Sends `request` (its body written in `chunks` after `handle`, as a streaming client would).
fn send(
    request: OutgoingRequest,
    chunks: Option<&[Vec<u8>]>,
    options: Option<RequestOptions>,
) -> Result<Response, ErrorCode> {
    let body = request.body().expect("body once");
    let future = outgoing_handler::handle(request, options)?;
    if let Some(chunks) = chunks {
        let stream = body.write().expect("write once");
        for (i, chunk) in chunks.iter().enumerate() {
            if i % 2 == 0 {
                write_all(&stream, chunk);
            } else {
                for piece in chunk.chunks(4096) {
                    stream.blocking_write_and_flush(piece).expect("blocking-write-and-flush");
                }
            }
        }
    }
    OutgoingBody::finish(body, None)?;
    receive(future)
}

/// The variant's name, without payload: `ConnectionRefused`.
fn name(code: &ErrorCode) -> String {
    let debug = format!("{code:?}");
    let name = debug.strip_prefix("ErrorCode::").unwrap_or(&debug);
    name.split(['(', ' ', '{']).next().unwrap_or(name).to_string()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let target = Target::parse(args.get(1).expect("usage: wasi-http <base-url> <group>..."));
    let browser = std::env::var("BROWSER").is_ok_and(|v| v == "1");
    let mut c = Checks::default();
    for group in &args[2..] {
        match group.as_str() {
            "get" => get(&mut c, &target),
            "post" => post(&mut c, &target),
            "headers" => headers(&mut c, &target, browser),
            "status" => status(&mut c, &target, browser),
            "not-found" => not_found(&mut c, &target),
            "refused" => refused(&mut c),
            "timeout" => timeout(&mut c, &target),
            "stream" => stream(&mut c, &target),
            "big" => big(&mut c, &target),
            "trailers" => trailers(&mut c, &target),
            "errors" => errors(&mut c, &target),
            "poll" => poll_mixed(&mut c, &target),
            other => panic!("unknown group {other}"),
        }
    }
    c.finish();
}

fn get(c: &mut Checks, t: &Target) {
    match t.get("/hello") {
        Ok(r) => {
            c.check("GET /hello: 200", r.status == 200, r.status);
            c.check("GET /hello: body", r.text() == "hello world", r.text());
            c.check(
                "GET /hello: content-type",
                r.header("content-type").is_some_and(|v| v.starts_with("text/plain")),
                r.header("content-type"),
            );
            c.check("GET /hello: a custom header", r.header("x-test").as_deref() == Some("yes"), r.header("x-test"));
            c.check(
                "GET /hello: header names are lowercase",
                r.headers.iter().all(|(n, _)| *n == n.to_lowercase()),
                &r.headers,
            );
        }
        Err(e) => c.check("GET /hello", false, e),
    }
}

fn post(c: &mut Checks, t: &Target) {
    let expected_mode = std::env::var("BODY_MODE").unwrap_or_else(|_| "chunked".into());
    let chunks: Vec<Vec<u8>> = (0..5u8).map(|k| (0..10_000u32).map(|i| (i as u8) ^ k).collect()).collect();
    let all: Vec<u8> = chunks.concat();
    let request = t.request(Method::Post, "/echo", &[("content-type", b"application/octet-stream")]);
    match send(request, Some(&chunks), None) {
        Ok(r) => {
            c.check("POST /echo: 200", r.status == 200, r.status);
            c.check("POST /echo: the body came back whole", r.body == all, r.body.len());
            c.check(
                "POST /echo: the server saw POST",
                r.header("x-method").as_deref() == Some("POST"),
                r.header("x-method"),
            );
            c.check(
                "POST /echo: the server got 50000 bytes",
                r.header("x-body-length").as_deref() == Some("50000"),
                r.header("x-body-length"),
            );
            println!("request body mode: {}", r.header("x-body-mode").unwrap_or_default());
            c.check(
                &format!("POST /echo: the request body went out {expected_mode}"),
                r.header("x-body-mode").as_deref() == Some(expected_mode.as_str()),
                r.header("x-body-mode"),
            );
        }
        Err(e) => c.check("POST /echo", false, e),
    }
    // An empty PUT.
    match send(t.request(Method::Put, "/echo", &[]), Some(&[]), None) {
        Ok(r) => c.check(
            "PUT /echo with an empty body",
            r.status == 200 && r.body.is_empty() && r.header("x-method").as_deref() == Some("PUT"),
            (r.status, r.body.len()),
        ),
        Err(e) => c.check("PUT /echo with an empty body", false, e),
    }
}

fn headers(c: &mut Checks, t: &Target, browser: bool) {
    // The fields resource on its own.
    let f = Fields::from_list(&[("X-A".into(), b"1".to_vec()), ("x-b".into(), b"2".to_vec())]).expect("from-list");
    f.append("X-B", b"3").expect("append");
    c.check(
        "fields: get is case-insensitive, values in order",
        f.get("x-B") == vec![b"2".to_vec(), b"3".to_vec()],
        f.get("x-B"),
    );
    c.check("fields: has", f.has("x-a") && !f.has("x-c"), ());
    c.check("fields: names are lowercase", f.entries().iter().all(|(n, _)| n == "x-a" || n == "x-b"), f.entries());
    f.set("x-a", &[b"one".to_vec(), b"uno".to_vec()]).expect("set");
    c.check("fields: set replaces", f.get("x-a") == vec![b"one".to_vec(), b"uno".to_vec()], f.get("x-a"));
    f.delete("x-a").expect("delete");
    c.check("fields: delete", !f.has("x-a") && f.entries().len() == 2, f.entries());
    let copy = f.clone();
    copy.append("x-c", b"4").expect("clone is mutable");
    c.check("fields: a clone is separate", !f.has("x-c") && copy.has("x-c"), ());
    c.check(
        "fields: a bad name is invalid-syntax",
        matches!(f.append("bad name", b"v"), Err(HeaderError::InvalidSyntax)),
        (),
    );
    c.check(
        "fields: a newline in a value is invalid-syntax",
        matches!(f.append("x-d", b"a\nb"), Err(HeaderError::InvalidSyntax)),
        (),
    );
    c.check(
        "fields: from-list checks names too",
        matches!(Fields::from_list(&[("a:b".into(), vec![])]), Err(HeaderError::InvalidSyntax)),
        (),
    );
    for forbidden in ["connection", "host", "Transfer-Encoding", "upgrade", "keep-alive"] {
        c.check(
            &format!("fields: {forbidden} is forbidden"),
            matches!(f.set(forbidden, &[b"x".to_vec()]), Err(HeaderError::Forbidden)),
            (),
        );
    }
    for name in ["cookie", "origin", "sec-fetch-mode", "proxy-authorization-x", "content-length"] {
        let result = f.append(name, b"x");
        if browser {
            c.check(
                &format!("fields: {name} is forbidden in a browser"),
                matches!(result, Err(HeaderError::Forbidden)),
                &result,
            );
        } else {
            c.check(&format!("fields: {name} is allowed outside a browser"), result.is_ok(), &result);
            let _ = f.delete(name);
        }
    }

    // Headers sent.
    let request = t.request(Method::Get, "/headers", &[("x-a", b"1"), ("x-b", b"2"), ("x-b", b"3")]);
    let view = request.headers();
    c.check("a request's headers are immutable", matches!(view.set("x-z", &[]), Err(HeaderError::Immutable)), ());
    c.check("a request's headers can be read", view.get("x-b") == vec![b"2".to_vec(), b"3".to_vec()], view.get("x-b"));
    drop(view);
    match send(request, None, None) {
        Ok(r) => c.check("request headers reach the server", r.text() == "x-a: 1\nx-b: 2, 3\n", r.text()),
        Err(e) => c.check("request headers reach the server", false, e),
    }

    // Headers received.
    let future = outgoing_handler::handle(t.request(Method::Get, "/response-headers", &[]), None).expect("handle");
    future.subscribe().block();
    let response = future.get().unwrap().unwrap().expect("response");
    let h = response.headers();
    c.check(
        "response headers: a repeated header, as fetch joins it",
        h.get("x-multi") == vec![b"a, b".to_vec()],
        h.get("x-multi"),
    );
    c.check("response headers are immutable", matches!(h.append("x-y", b"1"), Err(HeaderError::Immutable)), ());
    c.check("response headers: clone is mutable", h.clone().append("x-y", b"1").is_ok(), ());
    if browser {
        c.check("response headers: set-cookie is never seen in a browser", !h.has("set-cookie"), h.get("set-cookie"));
    } else {
        c.check(
            "response headers: set-cookie",
            h.get("set-cookie") == vec![b"session=1".to_vec()],
            h.get("set-cookie"),
        );
    }
    drop(h);
    drop(response);
}

fn status(c: &mut Checks, t: &Target, browser: bool) {
    for (code, body) in [(201u16, "status 201"), (500, "status 500"), (503, "status 503"), (204, "")] {
        match t.get(&format!("/status/{code}")) {
            Ok(r) => {
                c.check(&format!("GET /status/{code}"), r.status == code && r.text() == body, (r.status, r.text()))
            }
            Err(e) => c.check(&format!("GET /status/{code}"), false, e),
        }
    }
    match t.get("/redirect") {
        Ok(r) if browser => {
            c.check("a redirect is followed in a browser", r.status == 200 && r.text() == "hello world", r.status)
        }
        Ok(r) => c.check(
            "a redirect comes back as it is",
            r.status == 302 && r.header("location").as_deref() == Some("/hello"),
            r.status,
        ),
        Err(e) => c.check("a redirect", false, e),
    }
}

fn not_found(c: &mut Checks, t: &Target) {
    match t.get("/missing") {
        Ok(r) => {
            c.check("GET /missing: 404", r.status == 404, r.status);
            c.check("GET /missing: its body", r.text() == "not found\n", r.text());
        }
        Err(e) => c.check("GET /missing", false, e),
    }
}

fn refused(c: &mut Checks) {
    let url = std::env::var("REFUSED_URL").expect("REFUSED_URL");
    let expected = std::env::var("REFUSED_CODE").unwrap_or_else(|_| "ConnectionRefused".into());
    let target = Target::parse(&url);
    match target.get("/") {
        Ok(r) => c.check("a refused connection fails", false, r.status),
        Err(e) => c.check(&format!("a refused connection fails with {expected}"), name(&e) == expected, e),
    }
}

fn timeout(c: &mut Checks, t: &Target) {
    let ms = |n| Duration::from_millis(n).as_nanos() as u64;
    // first-byte-timeout: the head takes 3 s.
    let options = RequestOptions::new();
    options.set_first_byte_timeout(Some(ms(300))).expect("set");
    c.check(
        "request-options keep what was set",
        options.first_byte_timeout() == Some(ms(300)) && options.connect_timeout().is_none(),
        (),
    );
    let start = Instant::now();
    let result = send(t.request(Method::Get, "/slow-head?ms=3000", &[]), None, Some(options));
    let took = start.elapsed();
    c.check(
        "first-byte-timeout: connection-read-timeout",
        matches!(result, Err(ErrorCode::ConnectionReadTimeout)),
        result.as_ref().err(),
    );
    // The error above already shows it did not wait for the 3 s head; only the lower bound is
    // a fact of the clock (a busy machine may take longer to notice the deadline).
    c.check("first-byte-timeout: not before its deadline", took >= Duration::from_millis(300), took);

    // connect-timeout: fetch cannot tell connecting from waiting for the head.
    let options = RequestOptions::new();
    options.set_connect_timeout(Some(ms(300))).expect("set");
    let result = send(t.request(Method::Get, "/slow-head?ms=3000", &[]), None, Some(options));
    c.check(
        "connect-timeout: connection-timeout",
        matches!(result, Err(ErrorCode::ConnectionTimeout)),
        result.as_ref().err(),
    );

    // between-bytes-timeout: the body stalls after "start".
    let options = RequestOptions::new();
    options.set_between_bytes_timeout(Some(ms(300))).expect("set");
    let future =
        outgoing_handler::handle(t.request(Method::Get, "/slow-body?ms=3000", &[]), Some(options)).expect("handle");
    future.subscribe().block();
    let response = future.get().unwrap().unwrap().expect("the head arrives at once");
    let body = response.consume().unwrap();
    let stream = body.stream().unwrap();
    let mut got = Vec::new();
    let failure = loop {
        match stream.blocking_read(1024) {
            Ok(chunk) => got.extend_from_slice(&chunk),
            Err(StreamError::Closed) => break None,
            Err(StreamError::LastOperationFailed(e)) => break Some(wasi::http::types::http_error_code(&e)),
        }
    };
    c.check("between-bytes-timeout: what came first was read", got == b"start", String::from_utf8_lossy(&got));
    c.check(
        "between-bytes-timeout: the read fails with connection-read-timeout",
        matches!(failure, Some(Some(ErrorCode::ConnectionReadTimeout))),
        &failure,
    );
    drop(stream);
    let trailers = IncomingBody::finish(body);
    c.check(
        "between-bytes-timeout: future-trailers has the error too",
        matches!(trailers.get(), Some(Ok(Err(ErrorCode::ConnectionReadTimeout)))),
        (),
    );
}

fn stream(c: &mut Checks, t: &Target) {
    // The server sends "part1", and "part2" only once /release is requested: a body buffered
    // whole before the guest saw it would never finish in time.
    let future = outgoing_handler::handle(t.request(Method::Get, "/stream", &[]), None).expect("handle");
    future.subscribe().block();
    let response = future.get().unwrap().unwrap().expect("response");
    let body = response.consume().unwrap();
    let stream = body.stream().unwrap();
    let mut got = Vec::new();
    while got.len() < 5 {
        match stream.blocking_read(1024) {
            Ok(chunk) => got.extend_from_slice(&chunk),
            Err(e) => {
                c.check("the first part arrives", false, format!("{e:?}"));
                return;
            }
        }
    }
    c.check("the first part arrives before the response is over", got == b"part1", String::from_utf8_lossy(&got));
    match t.get("/release") {
        Ok(r) => c.check("a second request while the first is open", r.text() == "released 1", r.text()),
        Err(e) => c.check("a second request while the first is open", false, e),
    }
    match read_all(&stream) {
        Ok(rest) => c.check("the rest arrives after the release", rest == b"part2", String::from_utf8_lossy(&rest)),
        Err(e) => c.check("the rest arrives after the release", false, e),
    }
    // A pollable on the body stream is ready once it is closed.
    stream.subscribe().block();
    c.check("a finished body reads closed", matches!(stream.read(1), Err(StreamError::Closed)), ());
}

fn big(c: &mut Checks, t: &Target) {
    let n = 1 << 20;
    match t.get(&format!("/big?n={n}")) {
        Ok(r) => {
            c.check("a 1 MiB body: its length", r.body.len() == n, r.body.len());
            c.check("a 1 MiB body: its bytes", r.body.iter().enumerate().all(|(i, &b)| b as usize == i % 251), ());
            c.check(
                "a 1 MiB body: content-length",
                r.header("content-length").as_deref() == Some("1048576"),
                r.header("content-length"),
            );
        }
        Err(e) => c.check("a 1 MiB body", false, e),
    }
}

fn trailers(c: &mut Checks, t: &Target) {
    // Incoming trailers: fetch never exposes them, so the future has none.
    let future = outgoing_handler::handle(t.request(Method::Get, "/trailers", &[]), None).expect("handle");
    future.subscribe().block();
    let response = future.get().unwrap().unwrap().expect("response");
    let body = response.consume().unwrap();
    let stream = body.stream().unwrap();
    let text = read_all(&stream).expect("body");
    drop(stream);
    c.check("a body sent with trailers", text == b"with trailers", String::from_utf8_lossy(&text));
    let future_trailers = IncomingBody::finish(body);
    future_trailers.subscribe().block();
    c.check(
        "incoming trailers are never seen (fetch has none)",
        matches!(future_trailers.get(), Some(Ok(Ok(None)))),
        (),
    );
    c.check("future-trailers.get a second time is an error", matches!(future_trailers.get(), Some(Err(()))), ());

    // Outgoing trailers: fetch cannot send them.
    let request = t.request(Method::Post, "/echo", &[]);
    let body = request.body().unwrap();
    let future = outgoing_handler::handle(request, None).expect("handle");
    let stream = body.write().unwrap();
    stream.blocking_write_and_flush(b"body").expect("write");
    drop(stream);
    let trailers = Fields::from_list(&[("x-checksum".into(), b"abc".to_vec())]).unwrap();
    let result = OutgoingBody::finish(body, Some(trailers));
    c.check(
        "outgoing trailers: finish fails with internal-error",
        matches!(&result, Err(ErrorCode::InternalError(Some(m))) if m.contains("trailers")),
        &result,
    );
    future.subscribe().block();
    let outcome = future.get().unwrap().unwrap();
    c.check(
        "outgoing trailers: the request fails too",
        matches!(outcome, Err(ErrorCode::InternalError(_))),
        outcome.as_ref().err(),
    );
}

fn errors(c: &mut Checks, t: &Target) {
    let request = t.request(Method::Connect, "/", &[]);
    let result = outgoing_handler::handle(request, None);
    c.check(
        "CONNECT: HTTP-request-method-invalid",
        matches!(result, Err(ErrorCode::HttpRequestMethodInvalid)),
        result.err(),
    );

    let request = OutgoingRequest::new(Fields::new());
    request.set_path_with_query(Some("/hello")).unwrap();
    let result = outgoing_handler::handle(request, None);
    c.check(
        "no authority: HTTP-request-URI-invalid",
        matches!(result, Err(ErrorCode::HttpRequestUriInvalid)),
        result.err(),
    );

    let request = OutgoingRequest::new(Fields::new());
    c.check("a method with a space is refused", request.set_method(&Method::Other("BAD METHOD".into())).is_err(), ());
    c.check("an authority with a slash is refused", request.set_authority(Some("a/b")).is_err(), ());
    c.check(
        "a request's defaults: GET, no path",
        matches!(request.method(), Method::Get) && request.path_with_query().is_none(),
        (),
    );
    c.check("body() only once", request.body().is_ok() && request.body().is_err(), ());

    // A custom method goes out as it is.
    let request = t.request(Method::Other("PATCH".into()), "/echo", &[]);
    match send(request, Some(&[b"patched".to_vec()]), None) {
        Ok(r) => c.check(
            "a custom method",
            r.header("x-method").as_deref() == Some("PATCH") && r.body == b"patched",
            r.header("x-method"),
        ),
        Err(e) => c.check("a custom method", false, e),
    }
}

fn poll_mixed(c: &mut Checks, t: &Target) {
    // A response that takes 800 ms and a 100 ms timer: poll wakes for the timer first, then for
    // the response; the response's pollable and the timer's are served by different threads in a
    // worker (the page, and the worker itself).
    let ms = 1_000_000u64;
    let start = monotonic_clock::now();
    let future = outgoing_handler::handle(t.request(Method::Get, "/slow-head?ms=800", &[]), None).expect("handle");
    let response = future.subscribe();
    let timer = monotonic_clock::subscribe_duration(100 * ms);
    let first = poll(&[&response, &timer]);
    let at = monotonic_clock::now() - start;
    c.check("poll over a response and a timer: the timer first", first.contains(&1), &first);
    c.check("poll woke at the timer, not before", at >= 100 * ms, at);
    let far = monotonic_clock::subscribe_duration(60_000 * ms);
    let second = poll(&[&far, &response]);
    let at = monotonic_clock::now() - start;
    c.check("then the response, not an hour's timer", second == [1], &second);
    c.check("poll woke when the response came", at >= 700 * ms, at);
    let both = poll(&[&timer, &response, &far]);
    c.check("both ready: both indices", both == [0, 1], &both);
    drop(response);
    match receive(future) {
        Ok(r) => c.check("the slow response", r.status == 200 && r.text() == "slow head", r.text()),
        Err(e) => c.check("the slow response", false, e),
    }
}
