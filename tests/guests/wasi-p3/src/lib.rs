//! `wasi-p3`: checks Terrarium's WASI 0.3 from a guest built with the `wasip3` crate. `run`
//! prints `ok <check>` or `FAIL <check>: …` per check (through Rust's std, which speaks WASI 0.2:
//! the two versions share stdout) and returns `err` if any failed. What it checks depends on
//! `MODE`:
//!
//! - `all` (the default): clocks, random, environment (`ARGS`, `CWD`, `A=1` are what the test
//!   gave), terminals, sockets, and the filesystem calls whose signatures have no stream, on the
//!   preopen `/data` (writable) and `/ro` (read-only, holding `hello.txt` of 5 bytes);
//! - `exit`: calls `exit-with-code(EXIT_CODE)`;
//! - `shared`: the 0.3 half of the shared-filesystem test: `/data/<P2_FILE>`, written by a 0.2
//!   guest, has `P2_SIZE` bytes; then it makes `/data/from-p3/` and sizes `/data/from-p3/file` to 7.
//!
//! - `streams`: stdio, file streams and `read-directory` (src/streams.rs), on an empty `/data`;
//! - `http`: a POST to `URL`'s `/echo` with the body streamed both ways;
//! - `torn`: starts overwriting `/data/<FILE>` through `write-via-stream`, then traps;
//! - `read`, `fetch` (for the bench): read `/data/<FILE>`, or the body of a GET of `URL`, as a
//!   stream, and print `read <N> bytes`.
//!
//! `VIRTUAL=1`: the host's monotonic clock is virtual, so waits take exactly their length.

mod streams;

use std::cell::RefCell;
use std::fmt::Debug;

use wasip3::cli::{environment, exit, terminal_stderr, terminal_stdin, terminal_stdout};
use wasip3::clocks::{monotonic_clock, system_clock};
use wasip3::filesystem::preopens;
use wasip3::filesystem::types::{
    Descriptor, DescriptorFlags, DescriptorType, ErrorCode, NewTimestamp, OpenFlags, PathFlags,
};
use wasip3::random::{insecure, insecure_seed, random};
use wasip3::sockets::{ip_name_lookup, types as sockets};

wit_bindgen::generate!({ world: "guest", path: "wit" });

use test::wasi_p3::host;

pub const MS: u64 = 1_000_000;

#[derive(Default)]
pub struct Checks {
    failed: usize,
}

impl Checks {
    pub fn check(&mut self, name: &str, ok: bool, detail: impl Debug) {
        if ok {
            println!("ok {name}");
        } else {
            self.failed += 1;
            println!("FAIL {name}: {detail:?}");
        }
    }
}

struct Guest;

wasip3::cli::command::export!(Guest);

impl wasip3::exports::cli::run::Guest for Guest {
    async fn run() -> Result<(), ()> {
        let env = environment::get_environment();
        let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        let mut c = Checks::default();
        match var("MODE").as_deref().unwrap_or("all") {
            "exit" => exit::exit_with_code(var("EXIT_CODE").and_then(|v| v.parse().ok()).unwrap_or(0)),
            "shared" => {
                shared(&mut c, var("P2_FILE").unwrap_or_default(), var("P2_SIZE").and_then(|v| v.parse().ok())).await
            }
            "streams" => {
                streams::stdio(&mut c).await;
                streams::files(&mut c).await;
            }
            "http" => streams::http(&mut c, &var("URL").unwrap_or_default()).await,
            "torn" => streams::torn(var("FILE").unwrap_or_default()).await,
            "read" => streams::read_file(&mut c, var("FILE").unwrap_or_default()).await,
            "fetch" => streams::fetch_body(&mut c, &var("URL").unwrap_or_default()).await,
            _ => {
                clocks(&mut c, var("VIRTUAL").as_deref() == Some("1")).await;
                randomness(&mut c);
                cli(&mut c, &env, var("CWD"));
                sockets(&mut c).await;
                filesystem(&mut c).await;
            }
        }
        println!("{} failed", c.failed);
        if c.failed == 0 {
            Ok(())
        } else {
            Err(())
        }
    }
}

async fn clocks(c: &mut Checks, virtual_clock: bool) {
    let first = monotonic_clock::now();
    c.check("monotonic now never decreases", monotonic_clock::now() >= first, first);
    c.check("monotonic resolution is positive", monotonic_clock::get_resolution() > 0, ());
    c.check("system clock resolution is positive", system_clock::get_resolution() > 0, ());
    let wall = system_clock::now();
    c.check("system clock is after 2020", wall.seconds > 1_577_836_800, wall.seconds);

    // A 100 ms wait-for and a 1 ms host sleep, at once: both end, whatever the order (the host's
    // sleep may be answered from another thread, late on a busy machine); the order is asserted
    // only on the virtual clock, where it is exact.
    let order = RefCell::new(Vec::new());
    let t0 = monotonic_clock::now();
    futures::join!(
        async {
            monotonic_clock::wait_for(100 * MS).await;
            host::mark("wait-for 100 ms");
            order.borrow_mut().push("wait-for");
        },
        async {
            host::sleep(1).await;
            host::mark("host sleep 1 ms");
            order.borrow_mut().push("host");
        },
    );
    let waited = monotonic_clock::now() - t0;
    if virtual_clock {
        // Virtual time moves at once, so the wait ends before any real timer of the host's.
        c.check("wait-for 100 ms takes exactly 100 ms of virtual time", waited == 100 * MS, waited);
    } else {
        let order = order.borrow();
        c.check("the host's sleep and the wait-for both end", order.len() == 2 && order.contains(&"host"), &order);
        c.check("wait-for 100 ms waits at least 100 ms", waited >= 100 * MS, waited);
    }

    let deadline = monotonic_clock::now() + 20 * MS;
    monotonic_clock::wait_until(deadline).await;
    let now = monotonic_clock::now();
    c.check("wait-until returns once the deadline has passed", now >= deadline, (now, deadline));
    let before = monotonic_clock::now();
    monotonic_clock::wait_until(0).await;
    c.check("wait-until a past mark returns", monotonic_clock::now() >= before, ());
}

fn randomness(c: &mut Checks) {
    let a = random::get_random_bytes(32);
    let b = random::get_random_bytes(32);
    c.check("get-random-bytes gives the length asked", a.len() == 32 && b.len() == 32, a.len());
    c.check("two random draws differ", a != b, &a);
    let _ = random::get_random_u64();
    c.check("get-insecure-random-bytes gives the length asked", insecure::get_insecure_random_bytes(9).len() == 9, ());
    let _ = insecure::get_insecure_random_u64();
    let seed = insecure_seed::get_insecure_seed();
    c.check("the insecure seed stays the same", seed == insecure_seed::get_insecure_seed(), seed);
}

fn cli(c: &mut Checks, env: &[(String, String)], cwd: Option<String>) {
    c.check("the environment has A=1", env.iter().any(|(k, v)| k == "A" && v == "1"), env);
    let args = environment::get_arguments();
    c.check("the arguments are the test's", args == ["wasi-p3", "one", "two words"], &args);
    c.check("initial cwd is the option's", environment::get_initial_cwd() == cwd, environment::get_initial_cwd());
    c.check(
        "no terminal on stdin, stdout or stderr",
        terminal_stdin::get_terminal_stdin().is_none()
            && terminal_stdout::get_terminal_stdout().is_none()
            && terminal_stderr::get_terminal_stderr().is_none(),
        (),
    );
}

async fn sockets(c: &mut Checks) {
    let tcp = sockets::TcpSocket::create(sockets::IpAddressFamily::Ipv4).err();
    c.check("tcp-socket.create is access-denied", matches!(tcp, Some(sockets::ErrorCode::AccessDenied)), tcp);
    let udp = sockets::UdpSocket::create(sockets::IpAddressFamily::Ipv6).err();
    c.check("udp-socket.create is access-denied", matches!(udp, Some(sockets::ErrorCode::AccessDenied)), udp);
    let lookup = ip_name_lookup::resolve_addresses("example.com".into()).await.err();
    c.check(
        "resolve-addresses is access-denied",
        matches!(lookup, Some(ip_name_lookup::ErrorCode::AccessDenied)),
        lookup,
    );
}

pub fn preopen(name: &str) -> Descriptor {
    preopens::get_directories().into_iter().find(|(_, path)| path == name).map(|(d, _)| d).expect(name)
}

pub const RW: DescriptorFlags = DescriptorFlags::READ.union(DescriptorFlags::WRITE);

async fn filesystem(c: &mut Checks) {
    let names: Vec<String> = preopens::get_directories().into_iter().map(|(_, p)| p).collect();
    c.check("get-directories lists the preopens", names == ["/data", "/ro"], &names);
    let data = preopen("/data");
    let ro = preopen("/ro");
    let follow = PathFlags::SYMLINK_FOLLOW;

    c.check("a preopen is a directory", matches!(data.get_type().await, Ok(DescriptorType::Directory)), ());
    let made = data.create_directory_at("sub".into()).await;
    c.check("create-directory-at", made.is_ok(), made);
    let again = data.create_directory_at("sub".into()).await;
    c.check("create-directory-at twice is exist", matches!(again, Err(ErrorCode::Exist)), again);

    let file = data.open_at(follow, "sub/f.bin".into(), OpenFlags::CREATE, RW).await;
    c.check("open-at with create", file.is_ok(), file.as_ref().err());
    let Ok(file) = file else { return };
    c.check("set-size", file.set_size(42).await.is_ok(), ());
    let stat = file.stat().await;
    c.check(
        "stat of a new file: a regular file of 42 bytes",
        matches!(&stat, Ok(s) if s.size == 42 && matches!(s.type_, DescriptorType::RegularFile) && s.link_count == 1),
        &stat,
    );
    let flags = file.get_flags().await;
    c.check("get-flags is read and write", matches!(flags, Ok(f) if f == RW), flags);
    let when = system_clock::Instant { seconds: 1_000_000_000, nanoseconds: 5 };
    let set = file.set_times(NewTimestamp::NoChange, NewTimestamp::Timestamp(when)).await;
    let modified = file.stat().await.ok().and_then(|s| s.data_modification_timestamp);
    c.check(
        "set-times sets the modification time",
        set.is_ok() && matches!(modified, Some(m) if m.seconds == when.seconds && m.nanoseconds == when.nanoseconds),
        modified,
    );
    c.check("advise", file.advise(0, 42, wasip3::filesystem::types::Advice::Sequential).await.is_ok(), ());
    c.check("sync and sync-data", file.sync().await.is_ok() && file.sync_data().await.is_ok(), ());

    let at = data.stat_at(follow, "sub/f.bin".into()).await;
    c.check("stat-at sees the same size", matches!(&at, Ok(s) if s.size == 42), &at);
    let same = data.open_at(follow, "sub/f.bin".into(), OpenFlags::empty(), DescriptorFlags::READ).await.unwrap();
    c.check("is-same-object of two opens of one file", file.is_same_object(&same).await, ());
    c.check("is-same-object of a file and its directory", !file.is_same_object(&data).await, ());
    let h1 = file.metadata_hash().await;
    let h2 = data.metadata_hash_at(follow, "sub/f.bin".into()).await;
    c.check(
        "metadata-hash and metadata-hash-at agree",
        matches!((&h1, &h2), (Ok(a), Ok(b)) if a.lower == b.lower && a.upper == b.upper),
        (&h1, &h2),
    );

    let link = data.link_at(PathFlags::empty(), "sub/f.bin".into(), &data, "hard.bin".into()).await;
    let links = file.stat().await.map(|s| s.link_count);
    c.check("link-at makes a second link", link.is_ok() && matches!(links, Ok(2)), links);
    let sym = data.symlink_at("sub/f.bin".into(), "soft".into()).await;
    let target = data.readlink_at("soft".into()).await;
    c.check("symlink-at, readlink-at", sym.is_ok() && matches!(target.as_deref(), Ok("sub/f.bin")), target);
    let soft = data.stat_at(PathFlags::empty(), "soft".into()).await.map(|s| s.type_);
    c.check("stat-at without follow sees a symbolic link", matches!(soft, Ok(DescriptorType::SymbolicLink)), soft);
    let renamed = data.rename_at("hard.bin".into(), &data, "moved.bin".into()).await;
    let gone = data.stat_at(follow, "hard.bin".into()).await.err();
    c.check("rename-at", renamed.is_ok() && matches!(gone, Some(ErrorCode::NoEntry)), (renamed, gone));
    c.check("unlink-file-at", data.unlink_file_at("moved.bin".into()).await.is_ok(), ());
    let not_empty = data.remove_directory_at("sub".into()).await;
    c.check(
        "remove-directory-at of a full directory is not-empty",
        matches!(not_empty, Err(ErrorCode::NotEmpty)),
        not_empty,
    );
    drop((file, same));
    let _ = data.unlink_file_at("sub/f.bin".into()).await;
    let _ = data.unlink_file_at("soft".into()).await;
    c.check("remove-directory-at", data.remove_directory_at("sub".into()).await.is_ok(), ());

    let missing = data.open_at(follow, "nope".into(), OpenFlags::empty(), DescriptorFlags::READ).await.err();
    c.check("open-at of a missing file is no-entry", matches!(missing, Some(ErrorCode::NoEntry)), missing);
    let escape = data.stat_at(follow, "../ro/hello.txt".into()).await.err();
    c.check("a path out of the preopen is not-permitted", matches!(escape, Some(ErrorCode::NotPermitted)), escape);
    let hello = ro.stat_at(follow, "hello.txt".into()).await.map(|s| s.size);
    c.check("the read-only preopen's file is readable", matches!(hello, Ok(5)), hello);
    let denied = ro.create_directory_at("x".into()).await;
    c.check(
        "the read-only preopen refuses a new directory: not-permitted, as in 0.2",
        matches!(denied, Err(ErrorCode::NotPermitted)),
        denied,
    );
    let write = ro.open_at(follow, "hello.txt".into(), OpenFlags::empty(), RW).await.err();
    c.check(
        "the read-only preopen refuses opening for write: not-permitted",
        matches!(write, Some(ErrorCode::NotPermitted)),
        write,
    );
}

async fn shared(c: &mut Checks, p2_file: String, p2_size: Option<u64>) {
    let data = preopen("/data");
    let seen = data.stat_at(PathFlags::SYMLINK_FOLLOW, p2_file).await.map(|s| s.size);
    c.check(
        "the 0.2 guest's file is there with its size",
        matches!((&seen, p2_size), (Ok(a), Some(b)) if *a == b),
        seen,
    );
    c.check("made from-p3/", data.create_directory_at("from-p3".into()).await.is_ok(), ());
    let file = data.open_at(PathFlags::empty(), "from-p3/file".into(), OpenFlags::CREATE, RW).await;
    let sized = match &file {
        Ok(f) => f.set_size(7).await.is_ok(),
        Err(_) => false,
    };
    c.check("made from-p3/file of 7 bytes", sized, file.err());
}
