//! `wasi-fs`: a command exercising wasi:filesystem through `std::fs` (and wasi-libc for what std
//! keeps unstable on WASI: symlinks, `openat`). Prints `ok <check>` or `FAIL <check>: …` per check
//! and exits 1 if any failed.
//!
//! It expects the preopens the tests give it:
//! - `/data`: read-write, holding `input.txt` ("from the host\n") and `sub/nested.txt` ("nested");
//! - `/ro`: read-only, holding `readme.txt` ("read only");
//! - `/other`: read-write, another filesystem (empty).
//!
//! It leaves `/data/result.txt`, `/data/hard-a` + `/data/hard-b` (one file, two links),
//! `/data/link` (a symlink to `renamed.txt`), `/data/times.txt` (modified at
//! 1_000_000_000.123456789) and `/other/cross.txt` for the test to check from the host.
//!
//! `wasi-fs trap` and `wasi-fs drop` write to `/data/trap.txt` through a raw output stream without
//! flushing it, then panic: after `trap` the file must be unchanged, after `drop` (the stream was
//! dropped first, which publishes like a close) it must hold the new bytes.
//!
//! `wasi-fs deep <n>` makes `/data/d/d/…/d`, `n` directories deep, each made and opened relative to
//! the last (deeper than any path can name), and writes `bottom.txt` ("the bottom") at the end.

use std::ffi::{c_char, c_int, CString};
use std::fmt::Debug;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

extern "C" {
    fn symlink(target: *const c_char, path: *const c_char) -> c_int;
    fn openat(fd: c_int, path: *const c_char, flags: c_int, ...) -> c_int;
    fn mkdirat(fd: c_int, path: *const c_char, mode: u32) -> c_int;
    fn close(fd: c_int) -> c_int;
}

// wasi-libc's values.
const O_RDONLY: c_int = 0x0400_0000;
const O_DIRECTORY: c_int = 0x2000;
const O_CREAT: c_int = 0x1000;
const O_WRONLY: c_int = 0x1000_0000;
const EEXIST: i32 = 20;
const EINVAL: i32 = 28;
const EIO: i32 = 29;
const EISDIR: i32 = 31;
const ELOOP: i32 = 32;
const ENOENT: i32 = 44;
const ENOTDIR: i32 = 54;
const ENOTEMPTY: i32 = 55;
const EPERM: i32 = 63;
const EXDEV: i32 = 75;

#[derive(Default)]
struct Checks {
    failed: Vec<String>,
    passed: usize,
}

impl Checks {
    fn check(&mut self, name: &str, ok: bool, detail: impl Debug) {
        if ok {
            self.passed += 1;
            println!("ok {name}");
        } else {
            println!("FAIL {name}: {detail:?}");
            self.failed.push(name.to_string());
        }
    }

    fn eq<T: PartialEq + Debug>(&mut self, name: &str, got: T, want: T) {
        let ok = got == want;
        self.check(name, ok, format!("got {got:?}, want {want:?}"));
    }

    fn ok<T>(&mut self, name: &str, result: io::Result<T>) -> Option<T> {
        match result {
            Ok(value) => {
                self.check(name, true, "");
                Some(value)
            }
            Err(err) => {
                self.check(name, false, err);
                None
            }
        }
    }

    fn errno<T: Debug>(&mut self, name: &str, result: io::Result<T>, errno: i32) {
        match result {
            Ok(value) => self.check(name, false, format!("succeeded with {value:?}, want errno {errno}")),
            Err(err) => {
                let ok = err.raw_os_error() == Some(errno);
                self.check(name, ok, format!("got {err} ({:?}), want errno {errno}", err.raw_os_error()));
            }
        }
    }
}

fn cstr(s: &str) -> CString {
    CString::new(s).expect("no NUL in test paths")
}

fn make_symlink(target: &str, path: &str) -> io::Result<()> {
    let (target, path) = (cstr(target), cstr(path));
    if unsafe { symlink(target.as_ptr(), path.as_ptr()) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// `openat(dir, path, O_RDONLY)`: opens relative to an open directory, as WASI always does.
fn open_at(dir: &File, path: &str) -> io::Result<()> {
    let path = cstr(path);
    let fd = unsafe { openat(dir.as_raw_fd(), path.as_ptr(), O_RDONLY) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    unsafe { close(fd) };
    Ok(())
}

fn names(dir: &str) -> io::Result<Vec<String>> {
    let mut names = fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<io::Result<Vec<_>>>()?;
    names.sort();
    Ok(names)
}

fn files(c: &mut Checks) {
    c.eq("read a file the host wrote", fs::read_to_string("/data/input.txt").ok(), Some("from the host\n".into()));
    c.eq("read a nested file", fs::read_to_string("/data/sub/nested.txt").ok(), Some("nested".into()));
    c.ok("create and write", fs::write("/data/out.txt", "hello world"));
    c.eq("read back", fs::read_to_string("/data/out.txt").ok(), Some("hello world".into()));

    // Seek, write in the middle, read from the end.
    let Some(mut f) = c.ok("open read-write", OpenOptions::new().read(true).write(true).open("/data/out.txt")) else {
        return;
    };
    c.eq("seek", f.seek(SeekFrom::Start(6)).ok(), Some(6));
    c.ok("write after seek", f.write_all(b"WORLD"));
    c.eq("position after write", f.stream_position().ok(), Some(11));
    let mut tail = String::new();
    c.eq("seek from the end", f.seek(SeekFrom::End(-5)).ok(), Some(6));
    c.ok("read after seek", f.read_to_string(&mut tail));
    c.eq("read what was written", tail, "WORLD".to_string());
    drop(f);
    c.eq("whole file", fs::read_to_string("/data/out.txt").ok(), Some("hello WORLD".into()));

    // Append.
    for _ in 0..2 {
        let mut a = OpenOptions::new().append(true).open("/data/out.txt").expect("open for append");
        c.ok("append", a.write_all(b"!\n"));
    }
    c.eq("appended", fs::read_to_string("/data/out.txt").ok(), Some("hello WORLD!\n!\n".into()));

    // Truncate and extend.
    let f = OpenOptions::new().write(true).open("/data/out.txt").expect("open for set_len");
    c.ok("set_len shorter", f.set_len(5));
    c.eq("truncated", fs::read("/data/out.txt").ok(), Some(b"hello".to_vec()));
    c.ok("set_len longer", f.set_len(8));
    c.eq("zero-extended", fs::read("/data/out.txt").ok(), Some(b"hello\0\0\0".to_vec()));
    c.eq("metadata len", fs::metadata("/data/out.txt").map(|m| m.len()).ok(), Some(8));
    drop(f);
    fs::write("/data/out.txt", "hello").expect("rewrite");
    let t = OpenOptions::new().write(true).truncate(true).open("/data/out.txt");
    c.ok("open with truncate", t);
    c.eq("truncated on open", fs::read("/data/out.txt").ok(), Some(vec![]));
    fs::write("/data/out.txt", "hello").expect("rewrite");
    c.errno(
        "create_new on an existing file",
        OpenOptions::new().write(true).create_new(true).open("/data/out.txt"),
        EEXIST,
    );
    c.errno("open a missing file", File::open("/data/missing.txt"), ENOENT);
    let ro = File::open("/data/out.txt").expect("open read-only");
    // The stream write fails with `bad-descriptor`; wasi-libc reports failed stream writes as EIO
    // (it does not ask filesystem-error-code), as it does under wasmtime.
    c.errno("write to a read-only descriptor", (&ro).write(b"x"), EIO);
    // A large write is published whole.
    let big: Vec<u8> = (0..3_000_000u32).map(|i| i as u8).collect();
    c.ok("write 3 MB", fs::write("/data/big.bin", &big));
    c.eq("read 3 MB", fs::read("/data/big.bin").ok() == Some(big), true);
    c.ok("remove the big file", fs::remove_file("/data/big.bin"));
}

fn directories(c: &mut Checks) {
    c.ok("create_dir", fs::create_dir("/data/dir"));
    c.errno("create_dir existing", fs::create_dir("/data/dir"), EEXIST);
    c.ok("create_dir_all", fs::create_dir_all("/data/dir/a/b/c"));
    c.ok("file in a deep directory", fs::write("/data/dir/a/b/c/f.txt", "deep"));
    c.errno("create_dir under a missing parent", fs::create_dir("/data/missing/x"), ENOENT);
    c.errno("read_dir of a file", fs::read_dir("/data/out.txt").map(drop), ENOTDIR);
    c.errno("remove_dir of a non-empty directory", fs::remove_dir("/data/dir/a"), ENOTEMPTY);
    c.errno("remove_dir of a file", fs::remove_dir("/data/out.txt"), ENOTDIR);
    c.errno("remove_file of a directory", fs::remove_file("/data/dir"), EISDIR);
    c.ok("remove_dir_all", fs::remove_dir_all("/data/dir/a"));
    c.ok("remove_dir of an empty directory", fs::remove_dir("/data/dir"));
    c.eq("gone", fs::metadata("/data/dir").is_err(), true);
    c.eq("read_dir", names("/data/sub").ok(), Some(vec!["nested.txt".to_string()]));
}

fn renames_and_links(c: &mut Checks) {
    c.ok("rename", fs::rename("/data/out.txt", "/data/renamed.txt"));
    c.errno("old name gone", fs::metadata("/data/out.txt"), ENOENT);
    c.eq("new name", fs::read_to_string("/data/renamed.txt").ok(), Some("hello".into()));
    fs::write("/data/victim.txt", "replaced").expect("write victim");
    fs::write("/data/winner.txt", "winner").expect("write winner");
    c.ok("rename over a file", fs::rename("/data/winner.txt", "/data/victim.txt"));
    c.eq("replaced", fs::read_to_string("/data/victim.txt").ok(), Some("winner".into()));
    c.ok("remove_file", fs::remove_file("/data/victim.txt"));
    c.errno("remove_file missing", fs::remove_file("/data/victim.txt"), ENOENT);
    fs::create_dir_all("/data/tree/inner").expect("tree");
    c.errno("rename a directory into itself", fs::rename("/data/tree", "/data/tree/inner/x"), EINVAL);
    c.ok("rename a directory", fs::rename("/data/tree", "/data/tree2"));
    c.errno("rename a file over a directory", fs::rename("/data/renamed.txt", "/data/tree2"), EISDIR);
    c.ok("remove the tree", fs::remove_dir_all("/data/tree2"));

    // Hard links.
    fs::write("/data/hard-a", "one file").expect("hard-a");
    c.ok("hard_link", fs::hard_link("/data/hard-a", "/data/hard-b"));
    fs::write("/data/hard-a", "one file, two names").expect("rewrite hard-a");
    c.eq(
        "write through one link, read through the other",
        fs::read_to_string("/data/hard-b").ok(),
        Some("one file, two names".into()),
    );
    c.errno("hard_link onto an existing name", fs::hard_link("/data/hard-a", "/data/hard-b"), EEXIST);
    c.errno("hard_link a directory", fs::hard_link("/data/sub", "/data/sub-link"), EPERM);
    fs::write("/data/hard-c", "c").expect("hard-c");
    fs::hard_link("/data/hard-c", "/data/hard-d").expect("hard-d");
    c.ok("remove one link", fs::remove_file("/data/hard-c"));
    c.eq("the other stays", fs::read_to_string("/data/hard-d").ok(), Some("c".into()));
    fs::remove_file("/data/hard-d").expect("remove hard-d");

    // Symbolic links.
    c.ok("symlink", make_symlink("renamed.txt", "/data/link"));
    c.eq("read_link", fs::read_link("/data/link").ok().map(|p| p.display().to_string()), Some("renamed.txt".into()));
    c.eq("read through a symlink", fs::read_to_string("/data/link").ok(), Some("hello".into()));
    c.eq("symlink_metadata", fs::symlink_metadata("/data/link").map(|m| m.file_type().is_symlink()).ok(), Some(true));
    c.eq("metadata follows", fs::metadata("/data/link").map(|m| m.is_file()).ok(), Some(true));
    c.errno("symlink onto an existing name", make_symlink("x", "/data/link"), EEXIST);
    c.errno("read_link of a file", fs::read_link("/data/renamed.txt"), EINVAL);
    c.ok("symlink to a directory", make_symlink("sub", "/data/sub-link"));
    c.eq(
        "path through a symlinked directory",
        fs::read_to_string("/data/sub-link/nested.txt").ok(),
        Some("nested".into()),
    );
    c.ok("dangling symlink", make_symlink("nowhere", "/data/dangling"));
    c.errno("open a dangling symlink", File::open("/data/dangling"), ENOENT);
    c.ok("remove a dangling symlink", fs::remove_file("/data/dangling"));
    c.ok("symlink loop a", make_symlink("loop-b", "/data/loop-a"));
    c.ok("symlink loop b", make_symlink("loop-a", "/data/loop-b"));
    c.errno("open a symlink loop", File::open("/data/loop-a"), ELOOP);
    fs::remove_file("/data/loop-a").expect("loop-a");
    fs::remove_file("/data/loop-b").expect("loop-b");
    c.ok("remove a symlink to a directory", fs::remove_file("/data/sub-link"));
    c.eq("its target stays", fs::metadata("/data/sub").map(|m| m.is_dir()).ok(), Some(true));
}

fn metadata(c: &mut Checks) {
    let m = fs::metadata("/data/renamed.txt").expect("metadata");
    c.eq("is_file", (m.is_file(), m.is_dir(), m.len()), (true, false, 5));
    let d = fs::metadata("/data/sub").expect("dir metadata");
    c.eq("is_dir", (d.is_file(), d.is_dir()), (false, true));
    let now = SystemTime::now();
    let modified = m.modified().expect("modified");
    let age = now.duration_since(modified).unwrap_or_else(|e| e.duration());
    c.check("modified is now", age < Duration::from_secs(60), age);
    c.check("accessed is there", m.accessed().is_ok(), m.accessed());

    let listing = fs::read_dir("/data").expect("read_dir /data");
    let mut kinds = Vec::new();
    for entry in listing {
        let entry = entry.expect("entry");
        let ty = entry.file_type().expect("file_type");
        let kind = if ty.is_symlink() {
            "link"
        } else if ty.is_dir() {
            "dir"
        } else {
            "file"
        };
        kinds.push(format!("{}:{kind}", entry.file_name().to_string_lossy()));
    }
    kinds.sort();
    c.eq(
        "read_dir entries and types",
        kinds,
        ["hard-a:file", "hard-b:file", "input.txt:file", "link:link", "renamed.txt:file", "sub:dir"]
            .map(String::from)
            .to_vec(),
    );

    // Timestamps set exactly (nanoseconds included) and read back.
    let at = UNIX_EPOCH + Duration::new(1_000_000_000, 123_456_789);
    let accessed = UNIX_EPOCH + Duration::new(900_000_000, 1);
    fs::write("/data/times.txt", "t").expect("times.txt");
    let f = File::options().write(true).open("/data/times.txt").expect("open times.txt");
    c.ok("set_times", f.set_times(fs::FileTimes::new().set_modified(at).set_accessed(accessed)));
    drop(f);
    let m = fs::metadata("/data/times.txt").expect("metadata times.txt");
    c.eq("modified as set", m.modified().ok(), Some(at));
    c.eq("accessed as set", m.accessed().ok(), Some(accessed));
}

fn confinement(c: &mut Checks) {
    c.errno("`..` out of a preopen", File::open("/data/../ro/readme.txt"), EPERM);
    c.errno("`..` out of a preopen, deeper", fs::read("/data/sub/../../data/input.txt"), EPERM);
    let sub = File::open("/data/sub").expect("open /data/sub");
    c.ok("openat inside a directory", open_at(&sub, "nested.txt"));
    c.errno("openat `..` out of a directory descriptor", open_at(&sub, "../input.txt"), EPERM);
    // (An absolute path to openat is resolved by wasi-libc against the preopens, ignoring the
    // directory, as POSIX says; the host never sees one.)
    c.errno("symlink to an absolute path", make_symlink("/etc/passwd", "/data/abs"), EPERM);
    c.ok("symlink climbing out (made, not followed)", make_symlink("../../escape", "/data/escape"));
    c.errno("follow a symlink climbing out", File::open("/data/escape"), EPERM);
    c.errno("a path through a symlink climbing out", fs::metadata("/data/escape/x"), EPERM);
    c.ok("remove it", fs::remove_file("/data/escape"));
    c.ok("symlink climbing within the preopen", make_symlink("../input.txt", "/data/sub/up"));
    c.eq("followed within", fs::read_to_string("/data/sub/up").ok(), Some("from the host\n".into()));
    c.errno("but not from the subdirectory's descriptor", open_at(&sub, "up"), EPERM);
    c.ok("remove it too", fs::remove_file("/data/sub/up"));
}

fn read_only(c: &mut Checks) {
    c.eq("read a read-only file", fs::read_to_string("/ro/readme.txt").ok(), Some("read only".into()));
    c.eq("list a read-only directory", names("/ro").ok(), Some(vec!["readme.txt".to_string()]));
    c.errno("create in a read-only preopen", fs::write("/ro/new.txt", "x"), EPERM);
    c.errno("open for writing", OpenOptions::new().write(true).open("/ro/readme.txt"), EPERM);
    c.errno("open with truncate", OpenOptions::new().write(true).truncate(true).open("/ro/readme.txt"), EPERM);
    c.errno("append", OpenOptions::new().append(true).open("/ro/readme.txt"), EPERM);
    c.errno("remove_file", fs::remove_file("/ro/readme.txt"), EPERM);
    c.errno("create_dir", fs::create_dir("/ro/dir"), EPERM);
    c.errno("rename within", fs::rename("/ro/readme.txt", "/ro/other.txt"), EPERM);
    c.errno("rename out", fs::rename("/ro/readme.txt", "/data/stolen.txt"), EPERM);
    c.errno("rename in", fs::rename("/data/renamed.txt", "/ro/planted.txt"), EPERM);
    c.errno("hard_link in", fs::hard_link("/data/renamed.txt", "/ro/planted.txt"), EPERM);
    c.errno("symlink in", make_symlink("readme.txt", "/ro/link"), EPERM);
    let f = File::open("/ro/readme.txt").expect("open read-only file");
    c.errno("set_times", f.set_times(fs::FileTimes::new().set_modified(UNIX_EPOCH)), EPERM);
    c.eq("unchanged", fs::read_to_string("/ro/readme.txt").ok(), Some("read only".into()));
}

fn two_filesystems(c: &mut Checks) {
    c.ok("write to the other filesystem", fs::write("/other/cross.txt", "other fs"));
    c.errno("rename across filesystems", fs::rename("/data/renamed.txt", "/other/renamed.txt"), EXDEV);
    c.errno("hard_link across filesystems", fs::hard_link("/data/renamed.txt", "/other/link"), EXDEV);
    c.ok("copy across filesystems", fs::copy("/data/input.txt", "/other/copied.txt"));
    c.eq("copied", fs::read_to_string("/other/copied.txt").ok(), Some("from the host\n".into()));
    c.ok("remove the copy", fs::remove_file("/other/copied.txt"));
}

/// Raw wasi:filesystem and wasi:io calls, for what std cannot do: write to a stream without
/// flushing it.
mod raw {
    #[link(wasm_import_module = "wasi:filesystem/preopens@0.2.6")]
    extern "C" {
        #[link_name = "get-directories"]
        fn get_directories(ret: *mut u32);
    }

    #[link(wasm_import_module = "wasi:filesystem/types@0.2.6")]
    extern "C" {
        #[link_name = "[method]descriptor.open-at"]
        fn open_at(fd: u32, path_flags: u32, path: *const u8, len: usize, open_flags: u32, flags: u32, ret: *mut u32);
        #[link_name = "[method]descriptor.write-via-stream"]
        fn write_via_stream(fd: u32, offset: u64, ret: *mut u32);
    }

    #[link(wasm_import_module = "wasi:io/streams@0.2.6")]
    extern "C" {
        #[link_name = "[method]output-stream.write"]
        fn write(stream: u32, bytes: *const u8, len: usize, ret: *mut u32);
        #[link_name = "[resource-drop]output-stream"]
        fn drop_output_stream(stream: u32);
    }

    /// The preopen mounted at `path`.
    fn preopen(path: &str) -> u32 {
        let mut ret = [0u32; 2];
        unsafe { get_directories(ret.as_mut_ptr()) };
        let (list, len) = (ret[0] as *const u32, ret[1] as usize);
        for i in 0..len {
            let (fd, name, name_len) = unsafe { (*list.add(3 * i), *list.add(3 * i + 1), *list.add(3 * i + 2)) };
            let name = unsafe { std::slice::from_raw_parts(name as *const u8, name_len as usize) };
            if name == path.as_bytes() {
                return fd;
            }
        }
        panic!("no preopen {path}");
    }

    /// Opens `path` in preopen `dir` for writing and returns an output stream at offset 0.
    pub fn output_stream(dir: &str, path: &str) -> u32 {
        let mut ret = [0u32; 2];
        unsafe { open_at(preopen(dir), 1, path.as_ptr(), path.len(), 0, 2, ret.as_mut_ptr()) };
        assert_eq!(ret[0] & 0xff, 0, "open-at {path} failed with error code {}", ret[1] & 0xff);
        let file = ret[1];
        unsafe { write_via_stream(file, 0, ret.as_mut_ptr()) };
        assert_eq!(ret[0] & 0xff, 0, "write-via-stream failed");
        ret[1]
    }

    /// `output-stream.write` alone: no flush.
    pub fn write_unflushed(stream: u32, bytes: &[u8]) {
        let mut ret = [0u32; 3];
        unsafe { write(stream, bytes.as_ptr(), bytes.len(), ret.as_mut_ptr()) };
        assert_eq!(ret[0] & 0xff, 0, "write failed");
    }

    pub fn drop_stream(stream: u32) {
        unsafe { drop_output_stream(stream) };
    }
}

/// `wasi-fs deep <depth>`: see the crate documentation.
fn deep(depth: usize) {
    let top = File::open("/data").expect("open /data");
    let d = cstr("d");
    let mut dir = top.as_raw_fd();
    for level in 0..depth {
        if unsafe { mkdirat(dir, d.as_ptr(), 0o755) } != 0 {
            panic!("mkdirat at depth {level}: {}", io::Error::last_os_error());
        }
        let next = unsafe { openat(dir, d.as_ptr(), O_RDONLY | O_DIRECTORY) };
        if next < 0 {
            panic!("openat at depth {level}: {}", io::Error::last_os_error());
        }
        if dir != top.as_raw_fd() {
            unsafe { close(dir) };
        }
        dir = next;
    }
    let fd = unsafe { openat(dir, cstr("bottom.txt").as_ptr(), O_WRONLY | O_CREAT, 0o644) };
    if fd < 0 {
        panic!("openat bottom.txt: {}", io::Error::last_os_error());
    }
    let mut file = unsafe { <File as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    file.write_all(b"the bottom").expect("write bottom.txt");
    if dir != top.as_raw_fd() {
        unsafe { close(dir) };
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("deep") => {
            let depth = args.next().and_then(|n| n.parse().ok()).expect("wasi-fs deep <depth>");
            return deep(depth);
        }
        Some("trap") => {
            let stream = raw::output_stream("/data", "trap.txt");
            raw::write_unflushed(stream, b"half-written");
            panic!("trapping with an unflushed write");
        }
        Some("drop") => {
            let stream = raw::output_stream("/data", "trap.txt");
            raw::write_unflushed(stream, b"published on drop");
            raw::drop_stream(stream);
            panic!("trapping after the stream was dropped");
        }
        _ => {}
    }
    let mut c = Checks::default();
    files(&mut c);
    directories(&mut c);
    renames_and_links(&mut c);
    metadata(&mut c);
    confinement(&mut c);
    read_only(&mut c);
    two_filesystems(&mut c);
    let summary = format!("{} passed, {} failed\n", c.passed, c.failed.len());
    fs::write("/data/result.txt", &summary).expect("write result.txt");
    print!("{summary}");
    if !c.failed.is_empty() {
        eprintln!("failed: {}", c.failed.join(", "));
        std::process::exit(1);
    }
}
