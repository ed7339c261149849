//! `wasi-stdin`: reads stdin as it arrives and checks it against `EXPECT`. Prints `ok <check>` or
//! `FAIL <check>: …` per check and exits 1 if any failed.
//!
//! - `wasi-stdin std`: `std::io::stdin().read_to_end` (blocking reads through wasi-libc);
//! - `wasi-stdin lines`: `BufRead::lines`, echoing `line: …` as each arrives;
//! - `wasi-stdin raw`: non-blocking `read`s, waiting on the stream's pollable when nothing has
//!   arrived; with `EXPECT_WAIT=1` there must have been such a wait;
//! - `wasi-stdin skip`: `blocking-skip` of 6 bytes, then `blocking-read`s of the rest.

use std::io::{BufRead, Read};

use wasi::cli::stdin::get_stdin;
use wasi::io::streams::StreamError;

use checks::Checks;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "std".into());
    let expect = std::env::var("EXPECT").unwrap_or_default().into_bytes();
    let expect_wait = std::env::var("EXPECT_WAIT").is_ok_and(|v| v == "1");
    let mut c = Checks::default();
    match mode.as_str() {
        "std" => {
            let mut got = Vec::new();
            let n = std::io::stdin().read_to_end(&mut got).expect("read stdin");
            c.check("std read_to_end reads everything", got == expect, (n, String::from_utf8_lossy(&got)));
        }
        "lines" => {
            let mut got = Vec::new();
            for line in std::io::stdin().lock().lines() {
                let line = line.expect("read a line");
                println!("line: {line}");
                got.extend_from_slice(line.as_bytes());
                got.push(b'\n');
            }
            let mut expect = expect;
            if expect.last().is_some_and(|&b| b != b'\n') {
                expect.push(b'\n'); // lines() also ends a last line without a newline
            }
            c.check("lines read everything", got == expect, String::from_utf8_lossy(&got));
        }
        "raw" => {
            let stdin = get_stdin();
            let mut got = Vec::new();
            let (mut empty, mut reads) = (0, 0);
            loop {
                match stdin.read(64) {
                    Ok(bytes) if bytes.is_empty() => {
                        empty += 1;
                        stdin.subscribe().block();
                    }
                    Ok(bytes) => {
                        reads += 1;
                        got.extend_from_slice(&bytes);
                    }
                    Err(StreamError::Closed) => break,
                    Err(StreamError::LastOperationFailed(e)) => {
                        c.check("no stream error", false, e.to_debug_string());
                        break;
                    }
                }
            }
            println!("{reads} reads, {empty} empty reads");
            c.check("non-blocking reads and waits read everything", got == expect, String::from_utf8_lossy(&got));
            c.check("reads are at most 64 bytes", reads * 64 >= got.len(), reads);
            if expect_wait {
                c.check("some read found nothing yet and waited", empty > 0, empty);
            }
            c.check("after the end, read says closed", matches!(stdin.read(1), Err(StreamError::Closed)), ());
            c.check(
                "after the end, blocking-read says closed",
                matches!(stdin.blocking_read(1), Err(StreamError::Closed)),
                (),
            );
        }
        "skip" => {
            let stdin = get_stdin();
            let skipped = stdin.blocking_skip(6).expect("skip");
            let mut got = Vec::new();
            loop {
                match stdin.blocking_read(1024) {
                    Ok(bytes) => {
                        c.check("blocking-read never returns nothing", !bytes.is_empty(), ());
                        got.extend_from_slice(&bytes);
                    }
                    Err(StreamError::Closed) => break,
                    Err(StreamError::LastOperationFailed(e)) => panic!("{}", e.to_debug_string()),
                }
            }
            c.check("blocking-skip skipped what arrived, up to 6 bytes", skipped > 0 && skipped <= 6, skipped);
            let rest = &expect[skipped as usize..];
            c.check("blocking-read read the rest", got == rest, String::from_utf8_lossy(&got));
        }
        other => panic!("unknown mode {other}"),
    }
    c.finish();
}
