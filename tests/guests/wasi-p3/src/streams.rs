//! The `wasi-p3` checks that go through `stream<T>` and `future<T>`: stdio, file streams,
//! directory listing, an outgoing HTTP request with bodies streamed both ways, and a write that a
//! trap cuts short.

use futures::join;
use wasip3::cli::{stderr, stdin, stdout};
use wasip3::filesystem::types::{Descriptor, DescriptorFlags, DescriptorType, OpenFlags, PathFlags};
use wasip3::http::client;
use wasip3::http::types::{ErrorCode as HttpError, Fields, Method, Request, RequestOptions, Response, Scheme};
use wasip3::{wit_future, wit_stream};

use crate::{preopen, Checks, RW};

/// Writes `chunks` into a new `stream<u8>` while `consume` (given its reading end) takes them, and
/// what `consume` returned. A reader that goes away early (a refused write) ends the writing.
async fn feed<R>(chunks: &[&str], consume: impl FnOnce(wit_bindgen::StreamReader<u8>) -> R) -> R::Output
where
    R: core::future::IntoFuture,
{
    let (mut tx, rx) = wit_stream::new();
    let (result, ()) = join!(consume(rx).into_future(), async {
        for chunk in chunks {
            if !tx.write_all(chunk.as_bytes().to_vec()).await.is_empty() {
                break;
            }
        }
        drop(tx);
    });
    result
}

/// stdin through `read-via-stream`, echoed to stdout and stderr through `write-via-stream`.
pub async fn stdio(c: &mut Checks) {
    let (input, ended) = stdin::read_via_stream();
    let text = String::from_utf8(input.collect().await).unwrap_or_default();
    let ended = ended.await;
    c.check("stdin read-via-stream ends with ok", ended.is_ok(), ended);
    let line = format!("stdin said: {}\n", text.trim_end());
    let out = feed(&["through ", "0.3 stdout: ", &line], stdout::write_via_stream).await;
    c.check("stdout write-via-stream", out.is_ok(), out);
    let err = feed(&["through 0.3 stderr\n"], stderr::write_via_stream).await;
    c.check("stderr write-via-stream", err.is_ok(), err);
}

async fn read_all(file: &Descriptor, offset: u64) -> (String, bool) {
    let (bytes, ended) = file.read_via_stream(offset);
    let text = String::from_utf8(bytes.collect().await).unwrap_or_default();
    (text, ended.await.is_ok())
}

/// `write-via-stream`, `append-via-stream`, `read-via-stream` and `read-directory` under /data.
pub async fn files(c: &mut Checks) {
    let data = preopen("/data");
    let made = data.create_directory_at("listed".into()).await;
    c.check("made /data/listed", made.is_ok(), made);
    let file = data.open_at(PathFlags::empty(), "streamed.txt".into(), OpenFlags::CREATE, RW).await;
    let Ok(file) = file else { return c.check("open streamed.txt", false, file.err()) };
    let wrote = feed(&["hello ", "streams"], |rx| file.write_via_stream(rx, 0)).await;
    c.check("write-via-stream of two chunks", wrote.is_ok(), wrote);
    let over = feed(&["S"], |rx| file.write_via_stream(rx, 6)).await;
    c.check("write-via-stream at an offset", over.is_ok(), over);
    let appended = feed(&["!"], |rx| file.append_via_stream(rx)).await;
    c.check("append-via-stream", appended.is_ok(), appended);
    let whole = read_all(&file, 0).await;
    c.check("read-via-stream reads back what the streams wrote", whole == ("hello Streams!".into(), true), &whole);
    let tail = read_all(&file, 6).await;
    c.check("read-via-stream from an offset", tail == ("Streams!".into(), true), &tail);
    let past = read_all(&file, 100).await;
    c.check("read-via-stream past the end is empty, then ok", past == (String::new(), true), &past);

    let (entries, ended) = data.read_directory();
    let mut listed: Vec<(String, bool)> =
        entries.collect().await.into_iter().map(|e| (e.name, matches!(e.type_, DescriptorType::Directory))).collect();
    listed.sort();
    let ended = ended.await;
    let want = [("listed".to_string(), true), ("streamed.txt".to_string(), false)];
    c.check("read-directory lists /data with types", listed == want && ended.is_ok(), (&listed, ended));

    let ro =
        preopen("/ro").open_at(PathFlags::empty(), "hello.txt".into(), OpenFlags::empty(), DescriptorFlags::READ).await;
    if let Ok(ro) = ro {
        let denied = feed(&["x"], |rx| ro.write_via_stream(rx, 0)).await;
        c.check("write-via-stream on a read-only file fails", denied.is_err(), denied);
    }
}

/// A request for `path` on `authority` over http, with no body.
fn get(authority: &str, path: &str, options: Option<RequestOptions>) -> Request {
    let (trailers, trailers_rx) = wit_future::new(|| Ok(None));
    drop(trailers);
    let (request, _) = Request::new(Fields::new(), None, trailers_rx, options);
    let _ = request.set_scheme(Some(&Scheme::Http));
    let _ = request.set_authority(Some(authority));
    let _ = request.set_path_with_query(Some(path));
    request
}

/// A response's whole body, read as a stream, and whether it ended with ok.
async fn body_of(response: Response) -> (String, bool) {
    let (done, done_rx) = wit_future::new(|| Ok(()));
    let (bytes, ended) = Response::consume_body(response, done_rx);
    let text = String::from_utf8_lossy(&bytes.collect().await).into_owned();
    drop(done);
    (text, ended.await.is_ok())
}

/// Against the tests' HTTP server at `URL`: a GET, a first-byte timeout, and a POST to `/echo`
/// whose body is streamed in three chunks and read back as a stream.
pub async fn http(c: &mut Checks, url: &str) {
    let authority = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    match client::send(get(&authority, "/hello", None)).await {
        Ok(hello) => {
            let header = hello.get_headers().get("x-test");
            c.check(
                "GET /hello: 200 with its header",
                hello.get_status_code() == 200 && header == [b"yes".to_vec()],
                &header,
            );
            let body = body_of(hello).await;
            c.check("GET /hello: its body", body == ("hello world".into(), true), &body);
        }
        Err(e) => c.check("GET /hello", false, e),
    }
    let options = RequestOptions::new();
    let _ = options.set_first_byte_timeout(Some(50 * crate::MS));
    let slow = client::send(get(&authority, "/slow-head?ms=5000", Some(options))).await.err();
    c.check(
        "a first-byte timeout is connection-read-timeout",
        matches!(slow, Some(HttpError::ConnectionReadTimeout)),
        slow,
    );

    let (mut body, contents) = wit_stream::new();
    let (trailers, trailers_rx) = wit_future::new(|| Ok(None));
    let (request, transmitted) = Request::new(Fields::new(), Some(contents), trailers_rx, None);
    let set = request.set_method(&Method::Post).is_ok()
        && request.set_scheme(Some(&Scheme::Http)).is_ok()
        && request.set_authority(Some(&authority)).is_ok()
        && request.set_path_with_query(Some("/echo")).is_ok();
    c.check("a request's method, scheme, authority and path are set", set, ());
    let (response, ()) = join!(client::send(request), async {
        for chunk in ["one ", "two ", "three"] {
            body.write_all(chunk.as_bytes().to_vec()).await;
        }
        drop(body);
        drop(trailers);
    });
    let Ok(response) = response else { return c.check("send", false, response.err()) };
    let sent = transmitted.await;
    c.check("the request body was transmitted", sent.is_ok(), sent);
    c.check("the echo answered 200", response.get_status_code() == 200, response.get_status_code());
    let mode = response.get_headers().get("x-body-length");
    c.check("the server got the 13 bytes", mode.iter().any(|v| v == b"13"), &mode);
    let echoed = body_of(response).await;
    c.check("the response body streams back what was sent", echoed == ("one two three".into(), true), &echoed);
}

/// Starts overwriting /data/<FILE> through `write-via-stream`, then traps before the stream ends.
pub async fn torn(name: String) {
    let file = preopen("/data").open_at(PathFlags::empty(), name, OpenFlags::empty(), RW).await.expect("open");
    let (mut tx, rx) = wit_stream::new();
    let written = file.write_via_stream(rx, 0);
    tx.write_all(b"TORN".to_vec()).await;
    drop(written);
    panic!("a trap in the middle of a write");
}

/// Reads the stream to its end a chunk at a time, and how many bytes it had.
async fn count(mut bytes: wit_bindgen::StreamReader<u8>) -> usize {
    let mut total = 0;
    let mut buf = Vec::with_capacity(64 * 1024);
    loop {
        let (result, chunk) = bytes.read(buf).await;
        total += chunk.len();
        if !matches!(result, wit_bindgen::StreamResult::Complete(_)) {
            return total;
        }
        buf = chunk;
        buf.clear();
    }
}

/// For the bench: reads `/data/<name>` through `read-via-stream`, then prints its size.
pub async fn read_file(c: &mut Checks, name: String) {
    let file = preopen("/data").open_at(PathFlags::empty(), name, OpenFlags::empty(), DescriptorFlags::READ).await;
    let Ok(file) = file else { return c.check("open the file to read", false, file.err()) };
    let (bytes, ended) = file.read_via_stream(0);
    let total = count(bytes).await;
    let ended = ended.await;
    c.check("the file read to its end", ended.is_ok(), ended);
    println!("read {total} bytes");
}

/// For the bench: GETs `URL`, reads its body as a stream, then prints its size.
pub async fn fetch_body(c: &mut Checks, url: &str) {
    let (authority, path) = url.trim_start_matches("http://").split_once('/').unwrap_or((url, ""));
    match client::send(get(authority, &format!("/{path}"), None)).await {
        Ok(response) => {
            let (done, done_rx) = wit_future::new(|| Ok(()));
            let (bytes, ended) = Response::consume_body(response, done_rx);
            let total = count(bytes).await;
            drop(done);
            c.check("the body read to its end", ended.await.is_ok(), ());
            println!("read {total} bytes");
        }
        Err(e) => c.check("GET", false, e),
    }
}
